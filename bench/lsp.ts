// Diagnostics latency of the language server after an edit, for a 200-line and a ~5,000-line
// compose file: time from didChange to the publishDiagnostics of that version, median of 20 after
// 20 untimed warm-up edits,
// against a bare `yaml` parseDocument of the same text measured in the same run.
// Run: node --import tsx bench/lsp.ts
import { parseDocument } from 'yaml';
import { startTestClient } from '../language-server/testing/lsp-client.js';

const RUNS = 20;
const WARMUP = 20;

/** A realistic compose file: services with networking and other keys, networks with pools. */
function composeFile(services: number): string {
  const out = ['name: bench', 'services:'];
  const nets = Math.max(2, Math.floor(services / 10));
  for (let i = 0; i < services; i++) {
    const n = i % nets;
    out.push(
      `  svc${i}:`,
      `    image: registry.example.com/team/app${i}:1.${i}`,
      `    hostname: svc${i}`,
      '    environment:',
      `      - APP_ID=${i}`,
      '      - LOG_LEVEL=info',
      '    ports:',
      `      - "${8000 + i}:80"`,
      '    networks:',
      `      net${n}:`,
      `        ipv4_address: 10.${n}.${Math.floor(i / 200)}.${(i % 200) + 10}`,
      `        aliases: [svc${i}-alias]`,
      `      net${(n + 1) % nets}: {}`,
    );
  }
  out.push('networks:');
  for (let n = 0; n < nets; n++) {
    out.push(
      `  net${n}:`,
      '    driver: bridge',
      '    driver_opts:',
      `      com.docker.network.bridge.name: br-net${n}`,
      '    ipam:',
      '      config:',
      `        - subnet: 10.${n}.0.0/16`,
      `          gateway: 10.${n}.255.254`,
    );
  }
  return out.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** An edit of round i on the current text: where it lands, how much it removes, what it inserts. */
interface EditKind {
  name: string;
  edit(text: string, i: number): { at: number; remove: number; insert: string };
}

/** Replaces the `len` characters after the first `find` (at `skip` into it) by `insert`. */
const near = (text: string, find: string, skip: number, len: number, insert: string) => ({
  at: text.indexOf(find) + skip,
  remove: len,
  insert,
});

// Typing inside a value (an alias in a flow sequence): the server patches its parsed document.
const VALUE: EditKind = {
  name: 'value',
  edit: (t, i) => near(t, 'svc0-alias', 0, i === 0 ? 'svc0-alias'.length : `svc0-alias${i - 1}`.length, `svc0-alias${i}`),
};
// Typing inside a key (renaming a service): patched as well, unless it would duplicate a sibling.
const KEY: EditKind = {
  name: 'key',
  edit: (t, i) => near(t, i === 0 ? '\n  svc1:' : `\n  svc1k${i - 1}:`, 3, i === 0 ? 4 : `svc1k${i - 1}`.length, `svc1k${i}`),
};
// A new line (a key added, then removed again): the structure changes, so the server parses it all.
const LINE: EditKind = {
  name: 'line',
  edit: (t, i) => (i % 2 === 0 ? near(t, '    hostname: svc2\n', 19, 0, '    tty: true\n') : near(t, '    tty: true\n', 0, 14, '')),
};

async function measure(label: string, text: string, kind: EditKind): Promise<void> {
  const client = await startTestClient();
  const uri = `file:///bench/${label}-${kind.name}/compose.yaml`;
  await client.open(uri, text);
  const server: number[] = [];
  const bare: number[] = [];
  // Warm-up edits, not timed: a language server is a long-lived process, and the first few
  // parses of each kind run in the JIT's interpreter tiers (both sides get the same warm-up).
  for (let i = 0; i < RUNS + WARMUP; i++) {
    // The edit, sent incrementally as editors do.
    const current = client.text(uri);
    const e = kind.edit(current, i);
    const pos = (offset: number) => {
      const line = current.slice(0, offset).split('\n').length - 1;
      return { line, character: offset - current.lastIndexOf('\n', offset - 1) - 1 };
    };
    const range = { start: pos(e.at), end: pos(e.at + e.remove) };
    let t = performance.now();
    await client.applyEdits(uri, [{ range, newText: e.insert }]);
    if (i >= WARMUP) server.push(performance.now() - t);
    const edited = client.text(uri);
    t = performance.now();
    parseDocument(edited);
    if (i >= WARMUP) bare.push(performance.now() - t);
  }
  await client.close();
  const s = median(server);
  const b = median(bare);
  const lines = text.split('\n').length - 1;
  console.log(
    `${label.padEnd(6)} ${String(lines).padStart(5)} lines  ${kind.name.padEnd(5)} edit  diagnostics ${s.toFixed(1).padStart(6)} ms  bare parseDocument ${b.toFixed(1).padStart(6)} ms  ratio ${(s / b).toFixed(2)}x`,
  );
}

async function main(): Promise<void> {
  for (const kind of [VALUE, KEY, LINE]) {
    await measure('small', composeFile(15), kind);
    await measure('large', composeFile(380), kind);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
