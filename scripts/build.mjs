// Bundles every entry point with esbuild. Native modules (netlink, koffi, node-pty), etcd3 and the vscode API stay
// external: they are loaded at run time from node_modules / the extension host.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // etcd3 reads its .proto files from its own folder at run time.
  external: ['vscode', 'netlink', 'koffi', 'etcd3', 'node-pty', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
};

const entries = [
  { in: 'helper/cnmd/main.ts', out: 'dist/cnmd.js', banner: true },
  { in: 'helper/cli/main.ts', out: 'dist/cnm.js', banner: true },
  { in: 'extension/main.ts', out: 'dist/extension.js' },
  { in: 'language-server/main.ts', out: 'dist/language-server.js', banner: true },
];

const fs = await import('node:fs');
await Promise.all(
  entries
    .filter((e) => fs.existsSync(e.in))
    .map((e) =>
      build({
        ...common,
        entryPoints: [e.in],
        outfile: e.out,
        banner: e.banner ? { js: '#!/usr/bin/env node' } : undefined,
      }),
    ),
);
for (const e of entries) if (e.banner && fs.existsSync(e.out)) fs.chmodSync(e.out, 0o755);
