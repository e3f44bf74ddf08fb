// Test helper for journal.test.ts: commits in a loop until killed, printing each acknowledged
// commit number. Every commit writes `k/<i>` and moves `counter` to i, so a consistent store has
// exactly k/1..k/counter.
import { JournalStore } from './journal.js';

async function main(dir: string): Promise<void> {
  const store = await JournalStore.open(dir, { compactRecords: 300 });
  const start = Number((await store.get('counter')) ?? '0');
  for (let i = start + 1; ; i++) {
    await store.commit([
      { type: 'put', key: `k/${String(i).padStart(8, '0')}`, value: JSON.stringify({ i, pad: 'x'.repeat(i % 200) }) },
      { type: 'put', key: 'counter', value: String(i) },
    ]);
    process.stdout.write(`${i}\n`);
  }
}

void main(process.argv[2]);
