import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CnmError } from '../errors.js';
import { JOURNAL_FILE, JournalStore, SNAPSHOT_FILE } from './journal.js';
import { LOCK_FILE } from './lock.js';
import type { StoreEvent } from './store.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const put = (key: string, value: string) => ({ type: 'put' as const, key, value });

test('values survive a reopen; list is sorted and prefix-filtered', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir);
  assert.equal(await s.commit([put('networks/b', '"B"'), put('networks/a', '"A"'), put('other/x', '1')]), true);
  assert.equal(await s.commit([{ type: 'delete', key: 'other/x' }]), true);
  await s.close();
  const r = await JournalStore.open(dir);
  t.after(() => r.close());
  assert.deepEqual(await r.list('networks/'), [
    { key: 'networks/a', value: '"A"' },
    { key: 'networks/b', value: '"B"' },
  ]);
  assert.equal(await r.get('other/x'), undefined);
});

test('conditions: absent and equals; a failed one writes nothing', async (t) => {
  const s = await JournalStore.open(tempDir(t));
  t.after(() => s.close());
  assert.equal(await s.commit([put('a', '1')], [{ key: 'a', absent: true }]), true);
  assert.equal(await s.commit([put('a', '2'), put('b', '2')], [{ key: 'a', absent: true }]), false);
  assert.equal(await s.get('b'), undefined);
  assert.equal(await s.commit([put('a', '3')], [{ key: 'a', equals: '2' }]), false);
  assert.equal(await s.commit([put('a', '3')], [{ key: 'a', equals: '1' }]), true);
  assert.equal(await s.get('a'), '3');
});

test('concurrent commits are serialised: later conditions see earlier commits', async (t) => {
  const s = await JournalStore.open(tempDir(t));
  t.after(() => s.close());
  // 20 racers all try to create the same key: exactly one wins.
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => s.commit([put('leader', String(i))], [{ key: 'leader', absent: true }])),
  );
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(await s.get('leader'), String(results.indexOf(true)));
});

test('watch sees committed puts and deletes under its prefix, until unsubscribed', async (t) => {
  const s = await JournalStore.open(tempDir(t));
  t.after(() => s.close());
  const seen: StoreEvent[] = [];
  const stop = s.watch('net/', (ev) => seen.push(ev));
  await s.commit([put('net/1', 'x'), put('other', 'y')]);
  await s.commit([{ type: 'delete', key: 'net/1' }]);
  await s.commit([put('net/2', 'z')], [{ key: 'nope', equals: 'q' }]); // fails: no event
  stop();
  await s.commit([put('net/3', 'w')]);
  assert.deepEqual(seen, [
    { type: 'put', key: 'net/1', value: 'x' },
    { type: 'delete', key: 'net/1' },
  ]);
});

test('a torn tail loses only the last commit and is cut off', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir);
  for (const k of ['a', 'b', 'c']) await s.commit([put(k, `"${k}"`)]);
  await s.close();
  const file = path.join(dir, JOURNAL_FILE);
  const full = fs.statSync(file).size;
  fs.truncateSync(file, full - 3); // mid-record, as a crash during write leaves it
  const r = await JournalStore.open(dir);
  assert.equal(await r.get('b'), '"b"');
  assert.equal(await r.get('c'), undefined);
  const cut = fs.statSync(file).size;
  assert.ok(cut < full - 3, 'the partial record is truncated away');
  await r.commit([put('d', '"d"')]);
  await r.close();
  const again = await JournalStore.open(dir);
  t.after(() => again.close());
  assert.deepEqual(
    (await again.list('')).map((e) => e.key),
    ['a', 'b', 'd'],
  );
});

test('a corrupt last record (bad checksum) is dropped', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir);
  await s.commit([put('a', '"first"')]);
  await s.commit([put('b', '"second"')]);
  await s.close();
  const file = path.join(dir, JOURNAL_FILE);
  const buf = fs.readFileSync(file);
  buf[buf.length - 2] ^= 0xff;
  fs.writeFileSync(file, buf);
  const r = await JournalStore.open(dir);
  t.after(() => r.close());
  assert.equal(await r.get('a'), '"first"');
  assert.equal(await r.get('b'), undefined);
});

test('compaction writes a snapshot and empties the journal; state survives', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir, { compactRecords: 10 });
  for (let i = 0; i < 25; i++) await s.commit([put(`k/${i}`, String(i)), { type: 'delete', key: `k/${i - 5}` }]);
  assert.ok(fs.existsSync(path.join(dir, SNAPSHOT_FILE)));
  assert.ok(s.journalRecords <= 10);
  await s.close();
  const r = await JournalStore.open(dir);
  t.after(() => r.close());
  assert.deepEqual(
    (await r.list('k/')).map((e) => e.value).sort((a, b) => +a - +b),
    ['20', '21', '22', '23', '24'],
  );
});

test('a crash between snapshot and journal truncation replays harmlessly', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir);
  await s.commit([put('a', '1')]);
  await s.commit([put('a', '2'), put('b', '1')]);
  await s.commit([{ type: 'delete', key: 'b' }]);
  await s.close();
  // The snapshot already holds the journal's outcome, and the journal is still there.
  fs.writeFileSync(path.join(dir, SNAPSHOT_FILE), JSON.stringify({ version: 1, data: { a: '2' } }));
  const r = await JournalStore.open(dir);
  t.after(() => r.close());
  assert.deepEqual(await r.list(''), [{ key: 'a', value: '2' }]);
});

test('a second open of the same state dir fails naming the dir; a stale pidfile does not block', async (t) => {
  const dir = tempDir(t);
  const s = await JournalStore.open(dir);
  await assert.rejects(JournalStore.open(dir), (err: unknown) => {
    assert.ok(err instanceof CnmError);
    assert.equal(err.kind, 'conflict');
    assert.match(err.message, new RegExp(`state directory ${dir} is in use by another cnmd \\(pid ${process.pid}\\)`));
    return true;
  });
  await s.close();
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
  fs.writeFileSync(path.join(dir, LOCK_FILE), '999999999\n'); // no such process
  const r = await JournalStore.open(dir);
  await r.close();
});

test('a child killed with SIGKILL while committing leaves a consistent store', async (t) => {
  const dir = tempDir(t);
  const child = path.join(__dirname, 'journal-crash-child.ts');
  for (let round = 0; round < 3; round++) {
    const acked = await runAndKill(child, dir, 150 + round * 97);
    const s = await JournalStore.open(dir);
    const counter = Number(await s.get('counter'));
    const keys = (await s.list('k/')).map((e) => Number(e.key.slice(2)));
    await s.close();
    assert.ok(counter >= acked, `every acknowledged commit survives (counter ${counter}, acked ${acked})`);
    assert.equal(keys.length, counter, 'exactly k/1..k/counter exist');
    assert.equal(keys[keys.length - 1], counter);
  }
});

/** Runs the child until it has acknowledged `n` more commits, then SIGKILLs it mid-loop. */
function runAndKill(child: string, dir: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = 0;
    let seen = 0;
    let buf = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        last = Number(l);
        if (++seen === n) proc.kill('SIGKILL');
      }
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(last) : reject(new Error(`child exited without being killed (${signal})`)),
    );
  });
}
