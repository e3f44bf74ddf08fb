// Commit latency of the journal store (not a test): 1000 sequential small commits, as a connect
// makes them. Run: node --import tsx helper/store/journal.bench.ts [dir]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournalStore } from './journal.js';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.argv[2] ?? os.tmpdir(), 'cnm-bench-'));
  try {
    const store = await JournalStore.open(dir);
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = process.hrtime.bigint();
      await store.commit([
        { type: 'put', key: `ipam/addr/172.18.0.0/16/172.18.${i >> 8}.${i & 255}`, value: '{"network":"abc"}' },
        { type: 'put', key: `endpoints/${i}`, value: JSON.stringify({ id: i, networkId: 'abc', ipv4: '172.18.0.2/16' }) },
      ]);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    // Concurrency: 100 commits in flight at once share fdatasyncs (group commit).
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.commit([{ type: 'put', key: `c/${i}`, value: '1' }])));
    const burst = Number(process.hrtime.bigint() - t0) / 1e6;
    await store.close();
    times.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(3);
    console.log(
      `commit latency (1000 sequential, ${dir}): p50 ${f(pct(times, 50))} ms, p99 ${f(pct(times, 99))} ms, max ${f(times[times.length - 1])} ms`,
    );
    console.log(`100 concurrent commits: ${f(burst)} ms total`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
