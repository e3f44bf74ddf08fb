// The embedded store: every key in memory for reads; every commit appended to a journal file as one
// checksummed record and fdatasync'ed before the commit resolves; the journal folded into a
// snapshot file (write tmp, fsync, rename, fsync dir) once it grows. On open, the snapshot is read
// and the journal replayed; a torn or corrupt tail (a crash mid-write) is cut off.
//
// Commits are serialised through one queue and group-committed: commits that arrive while a write
// is in flight go out together in the next write, with one fdatasync.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CnmError, withContext } from '../errors.js';
import { log } from '../log.js';
import { lockStateDir, type DirLock } from './lock.js';
import { decodeRecords, encodeRecord } from './record.js';
import { condHolds, type Store, type StoreCond, type StoreEvent, type StoreOp } from './store.js';

export const JOURNAL_FILE = 'store.journal';
export const SNAPSHOT_FILE = 'store.snapshot';

export interface JournalOptions {
  /** Compact when the journal holds more records than this (default 1000)… */
  compactRecords?: number;
  /** …or more bytes than this (default 4 MiB). */
  compactBytes?: number;
}

interface Pending {
  ops: StoreOp[];
  conds: StoreCond[];
  resolve: (ok: boolean) => void;
  reject: (err: unknown) => void;
}

interface Watcher {
  prefix: string;
  cb: (ev: StoreEvent) => void;
}

interface Snapshot {
  version: 1;
  data: Record<string, string>;
}

export class JournalStore implements Store {
  private readonly queue: Pending[] = [];
  private readonly watchers = new Set<Watcher>();
  /** True while flush() runs; `flushed` is its promise, for close() to wait on. */
  private flushing = false;
  private flushed: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when a failed write may have left a partial record that could not be cut off. */
  private broken: CnmError | undefined;

  private constructor(
    private readonly dir: string,
    private readonly data: Map<string, string>,
    private readonly journal: fs.promises.FileHandle,
    private records: number,
    private bytes: number,
    private readonly lock: DirLock,
    private readonly limits: Required<JournalOptions>,
  ) {}

  static async open(stateDir: string, opts: JournalOptions = {}): Promise<JournalStore> {
    const dir = path.resolve(stateDir);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const lock = lockStateDir(dir);
    try {
      const data = await readSnapshot(path.join(dir, SNAPSHOT_FILE));
      const { records, bytes, journal } = await replayJournal(path.join(dir, JOURNAL_FILE), data);
      const limits = { compactRecords: opts.compactRecords ?? 1000, compactBytes: opts.compactBytes ?? 4 * 1024 * 1024 };
      return new JournalStore(dir, data, journal, records, bytes, lock, limits);
    } catch (err) {
      lock.release();
      throw withContext(err, { path: dir }, `cannot open the store in ${dir}: ${errText(err)}`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }

  async list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    const out: Array<{ key: string; value: string }> = [];
    for (const [key, value] of this.data) if (key.startsWith(prefix)) out.push({ key, value });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  commit(ops: StoreOp[], conds: StoreCond[] = []): Promise<boolean> {
    if (this.closed) return Promise.reject(new CnmError('internal', 'the store is closed', { path: this.dir }));
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, conds, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      this.flushed = this.flush();
    });
  }

  watch(prefix: string, cb: (ev: StoreEvent) => void): () => void {
    const w = { prefix, cb };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushed;
    await this.journal.close();
    this.lock.release();
  }

  /** Stats for tests and `cnm` diagnostics. */
  get journalRecords(): number {
    return this.records;
  }

  /** The single writer. It clears `flushing` in the same tick as it sees the queue empty (possibly before its first await), so no commit is left waiting. */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const accepted = this.checkConditions(batch);
        const written = accepted.filter((p) => p.ops.length > 0);
        if (written.length > 0 && !(await this.append(written))) continue;
        for (const p of accepted) this.apply(p.ops);
        this.records += written.length;
        for (const p of accepted) p.resolve(true);
        if (this.records > this.limits.compactRecords || this.bytes > this.limits.compactBytes) await this.compact();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Resolves the commits whose conditions fail with false; returns the rest, in order. Each sees the ones before it. */
  private checkConditions(batch: Pending[]): Pending[] {
    const overlay = new Map<string, string | undefined>();
    const current = (key: string) => (overlay.has(key) ? overlay.get(key) : this.data.get(key));
    const accepted: Pending[] = [];
    for (const p of batch) {
      if (!p.conds.every((c) => condHolds(c, current(c.key)))) {
        p.resolve(false);
        continue;
      }
      for (const op of p.ops) overlay.set(op.key, op.type === 'put' ? op.value : undefined);
      accepted.push(p);
    }
    return accepted;
  }

  /** One write + one fdatasync for the whole batch. On failure, rejects them all and returns false. */
  private async append(batch: Pending[]): Promise<boolean> {
    const buf = Buffer.concat(batch.map((p) => encodeRecord(p.ops)));
    try {
      if (this.broken) throw this.broken;
      writeAllSync(this.journal.fd, buf);
      await this.journal.datasync();
      this.bytes += buf.length;
      return true;
    } catch (err) {
      const error = withContext(
        err,
        { call: 'journal append', path: path.join(this.dir, JOURNAL_FILE) },
        `store write failed: ${errText(err)}`,
      );
      await this.cutBackTo(this.bytes);
      for (const p of batch) p.reject(error);
      return false;
    }
  }

  /** After a failed append: drop whatever part of it reached the file, so later records follow valid ones. */
  private async cutBackTo(size: number): Promise<void> {
    if (this.broken) return;
    try {
      await this.journal.truncate(size);
      await this.journal.datasync();
    } catch (err) {
      this.broken = withContext(err, { call: 'journal truncate' }, `store is unusable after a failed write: ${errText(err)}`);
    }
  }

  private apply(ops: StoreOp[]): void {
    for (const op of ops) {
      applyOp(this.data, op);
      this.notify(op.type === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'delete', key: op.key });
    }
  }

  private notify(ev: StoreEvent): void {
    for (const w of this.watchers) {
      if (!ev.key.startsWith(w.prefix)) continue;
      try {
        w.cb(ev);
      } catch (err) {
        log('error', 'store watcher failed', { key: ev.key, error: errText(err) });
      }
    }
  }

  /**
   * Writes the whole state as the new snapshot, then empties the journal. A crash between the two
   * leaves a snapshot that already contains the journal's records; replaying them over it is
   * harmless because each op sets a key to its final value (puts and deletes are idempotent in order).
   */
  private async compact(): Promise<void> {
    const file = path.join(this.dir, SNAPSHOT_FILE);
    try {
      const snap: Snapshot = { version: 1, data: Object.fromEntries(this.data) };
      await writeFileDurably(file, JSON.stringify(snap));
      await this.journal.truncate(0);
      await this.journal.datasync();
      this.records = 0;
      this.bytes = 0;
    } catch (err) {
      // The journal is still complete and valid: keep appending, try again after the next commit.
      log('warn', 'store compaction failed', { path: file, error: errText(err) });
    }
  }
}

function applyOp(data: Map<string, string>, op: StoreOp): void {
  if (op.type === 'put') data.set(op.key, op.value);
  else data.delete(op.key);
}

async function readSnapshot(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  // The snapshot is only ever replaced by rename after fsync, so a bad one is not a torn write but
  // damage from outside: refuse to start rather than silently lose state.
  let snap: Snapshot;
  try {
    snap = JSON.parse(text) as Snapshot;
  } catch (err) {
    throw new CnmError('internal', `store snapshot ${file} is corrupt`, { path: file }, err);
  }
  if (snap?.version !== 1 || typeof snap.data !== 'object' || snap.data === null) {
    throw new CnmError('internal', `store snapshot ${file} has an unknown format`, { path: file });
  }
  return new Map(Object.entries(snap.data));
}

async function replayJournal(file: string, data: Map<string, string>) {
  const journal = await fs.promises.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600);
  try {
    const buf = await journal.readFile();
    const { records, validEnd } = decodeRecords(buf);
    for (const ops of records) for (const op of ops) applyOp(data, op);
    if (validEnd < buf.length) {
      log('warn', 'store journal had a torn or corrupt tail; dropping it', { path: file, droppedBytes: buf.length - validEnd });
      await journal.truncate(validEnd);
      await journal.datasync();
    }
    return { records: records.length, bytes: validEnd, journal };
  } catch (err) {
    await journal.close();
    throw err;
  }
}

/** tmp + fsync + rename + fsync(dir): the file is either the old or the new content, never half. */
async function writeFileDurably(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  const dir = await fs.promises.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * The record goes to the page cache in place: microseconds, where an async write costs a
 * thread-pool round trip and then waits for a busy event loop (~1 ms on the connect path).
 * Durability is the fdatasync's job, still awaited before a commit resolves.
 */
function writeAllSync(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
