import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CnmError } from '../errors.js';
import { JournalStore } from './journal.js';
import { Txn } from './txn.js';

async function openStore(t: { after: (fn: () => Promise<void> | void) => void }): Promise<JournalStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-txn-'));
  const store = await JournalStore.open(dir);
  t.after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

test('the last write of a key wins; everything lands in one commit', async (t) => {
  const store = await openStore(t);
  const txn = new Txn();
  txn.put('a', '1');
  txn.put('b', '1');
  txn.put('a', '2');
  txn.delete('b');
  assert.deepEqual(txn.pending, [
    { type: 'put', key: 'a', value: '2' },
    { type: 'delete', key: 'b' },
  ]);
  await txn.commit(store);
  assert.equal(store.journalRecords, 1);
  assert.equal(await store.get('a'), '2');
  assert.equal(await store.get('b'), undefined);
});

test('abort runs the undos newest first, once', () => {
  const txn = new Txn();
  const order: number[] = [];
  txn.onAbort(() => order.push(1));
  txn.onAbort(() => order.push(2));
  txn.abort();
  txn.abort();
  assert.deepEqual(order, [2, 1]);
  assert.throws(() => txn.put('x', 'y'), CnmError);
});

test('a failed condition throws a conflict after undoing; nothing is written', async (t) => {
  const store = await openStore(t);
  await store.commit([{ type: 'put', key: 'taken', value: '1' }]);
  const txn = new Txn();
  const undone: string[] = [];
  txn.put('mine', 'x');
  txn.require({ key: 'taken', absent: true });
  txn.onAbort(() => undone.push('mine'));
  await assert.rejects(txn.commit(store), (err: unknown) => err instanceof CnmError && err.kind === 'conflict');
  assert.deepEqual(undone, ['mine']);
  assert.equal(await store.get('mine'), undefined);
  txn.abort(); // a no-op now: the undos already ran
  assert.deepEqual(undone, ['mine']);
});

test('after a successful commit, abort does not undo', async (t) => {
  const store = await openStore(t);
  const txn = new Txn();
  let undone = false;
  txn.put('k', 'v');
  txn.onAbort(() => (undone = true));
  await txn.commit(store);
  txn.abort();
  assert.equal(undone, false);
});

test('a failing store write undoes and rethrows with context', async () => {
  const txn = new Txn();
  let undone = false;
  txn.put('k', 'v');
  txn.onAbort(() => (undone = true));
  const broken = { commit: () => Promise.reject(new Error('EIO')) } as unknown as JournalStore;
  await assert.rejects(txn.commit(broken), (err: unknown) => err instanceof CnmError && err.context.call === 'store commit');
  assert.equal(undone, true);
});
