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
    out.push(`  net${n}:`, '    driver: bridge', '    driver_opts:', `      com.docker.network.bridge.name: br-net${n}`, '    ipam:', '      config:', `        - subnet: 10.${n}.0.0/16`, `          gateway: 10.${n}.255.254`);
  }
  return out.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, text: string): Promise<void> {
  const client = await startTestClient();
  const uri = `file:///bench/${label}/compose.yaml`;
  await client.open(uri, text);
  const server: number[] = [];
  const bare: number[] = [];
  // Warm-up edits, not timed: a language server is a long-lived process, and the first few
  // parses of each kind run in the JIT's interpreter tiers (both sides get the same warm-up).
  for (let i = 0; i < RUNS + WARMUP; i++) {
    // The edit, sent incrementally as editors do: one alias changes, as when typing.
    const at = client.text(uri).indexOf('svc0-alias');
    const line = client.text(uri).slice(0, at).split('\n').length - 1;
    const character = at - client.text(uri).lastIndexOf('\n', at) - 1;
    const range = { start: { line, character }, end: { line, character: character + 'svc0-alias'.length + (i === 0 ? 0 : String(i - 1).length) } };
    let t = performance.now();
    await client.applyEdits(uri, [{ range, newText: `svc0-alias${i}` }]);
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
  console.log(`${label.padEnd(6)} ${String(lines).padStart(5)} lines  diagnostics ${s.toFixed(1).padStart(6)} ms  bare parseDocument ${b.toFixed(1).padStart(6)} ms  ratio ${(s / b).toFixed(2)}x`);
}

async function main(): Promise<void> {
  await measure('small', composeFile(15));
  await measure('large', composeFile(380));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
