// The extension's figures:
//  1. activation: activate() inside the real extension host (code-server), from the e2e harness;
//  2. CLI → tree: `cnm network create` against a real cnmd (test namespace) until the network's
//     node is in the Networks tree model the extension renders (same client, state, tree code);
//  3. tree render with 500 networks × 10 endpoints: full read over a unix socket (dockerode) and
//     building the tree, then rebuilding it on a change.
//   node --import tsx bench/extension.ts [--reps 20] [--skip-vscode]
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DockerodeClient } from '../extension/core/dockerClient.js';
import { FakeClient, fakeNetwork } from '../extension/core/fakeClient.js';
import { serveFake } from '../extension/core/fakeDaemon.js';
import { DaemonState } from '../extension/core/state.js';
import { networksTree } from '../extension/core/tree.js';
import { ROOT, startCnmd } from '../test/e2e/lib.js';

const { values: argv } = parseArgs({
  options: { reps: { type: 'string', default: '20' }, 'skip-vscode': { type: 'boolean', default: false } },
});
const REPS = Number(argv.reps);
const SETTINGS = { grouping: 'none' as const, hideBuiltins: false };

function stats(xs: number[]): string {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms, min ${s[0].toFixed(1)} ms (n=${s.length})`;
}

function untilNode(state: DaemonState, name: string): Promise<void> {
  const has = () => networksTree(state.current, 'x', SETTINGS)[0].children.some((n) => n.label === name);
  if (has()) return Promise.resolve();
  return new Promise((resolve) => {
    const sub = state.onChange(() => {
      if (has()) {
        sub.dispose();
        resolve();
      }
    });
  });
}

async function cliToTree(): Promise<void> {
  const cnmd = await startCnmd('bench');
  const state = new DaemonState(new DockerodeClient(cnmd.socket));
  try {
    await state.start();
    const total: number[] = [];
    const afterCli: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const name = `bench-${i}`;
      const t0 = performance.now();
      const seen = untilNode(state, name);
      let cliDone = 0;
      await new Promise<void>((res, rej) =>
        execFile(
          process.execPath,
          [path.join(ROOT, 'dist/cnm.js'), 'network', 'create', name],
          { env: { ...process.env, CNM_HOST: `unix://${cnmd.socket}` } },
          (e) => {
            cliDone = performance.now();
            return e ? rej(e) : res();
          },
        ),
      );
      await seen;
      const t1 = performance.now();
      total.push(t1 - t0);
      afterCli.push(Math.max(0, t1 - cliDone));
    }
    console.log(`CLI create → tree node (incl. CLI process start): ${stats(total)}`);
    console.log(`  of which after the CLI exited:                 ${stats(afterCli)}`);
  } finally {
    state.dispose();
    await cnmd.stop();
  }
}

async function bigTree(): Promise<void> {
  const fake = new FakeClient();
  fake.sandboxes = undefined; // endpoints come from the networks' Containers, as with Docker
  for (let i = 0; i < 500; i++) {
    const n = fakeNetwork(`net-${String(i).padStart(3, '0')}`, 'bridge', `10.${i >> 8}.${i & 255}.0/24`);
    for (let j = 0; j < 10; j++) {
      n.Containers[`${i}-${j}`.padEnd(64, '0')] = {
        Name: `c${i}-${j}`,
        EndpointID: 'e'.repeat(64),
        MacAddress: '02:42:0a:00:00:02',
        IPv4Address: `10.${i >> 8}.${i & 255}.${j + 2}/24`,
        IPv6Address: '',
      };
    }
    fake.networks.push(n);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-bench-ext-'));
  const server = await serveFake(fake, path.join(dir, 'd.sock'));
  const state = new DaemonState(new DockerodeClient(path.join(dir, 'd.sock')));
  try {
    const read: number[] = [];
    const build: number[] = [];
    await state.start();
    for (let i = 0; i < Math.min(REPS, 10); i++) {
      const t0 = performance.now();
      await state.refresh();
      const t1 = performance.now();
      const [root] = networksTree(state.current, 'bench', SETTINGS);
      const nodes = root.children.reduce((a, n) => a + 1 + n.children.length, 0);
      build.push(performance.now() - t1);
      read.push(t1 - t0);
      if (nodes !== 503 + 5000) throw new Error(`tree has ${nodes} nodes`);
    }
    console.log(`500 networks × 10 endpoints: full read over the socket (list + 503 inspects): ${stats(read)}`);
    console.log(`500 networks × 10 endpoints: tree model build (5503 nodes):                ${stats(build)}`);
  } finally {
    state.dispose();
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function activation(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/ext-tests.ts')], {
    encoding: 'utf8',
    timeout: 300000,
  });
  const act = /activation ([\d.]+) ms/.exec(r.stdout)?.[1];
  const tree = /network → tree node (\d+) ms/.exec(r.stdout)?.[1];
  console.log(`activation in the real extension host (activate() body): ${act ?? '?'} ms`);
  console.log(`API create → tree node in the real extension host:       ${tree ?? '?'} ms`);
}

(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cnmd.js'))) throw new Error('run npm run build first');
  await bigTree();
  await cliToTree();
  if (!argv['skip-vscode']) activation();
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
