// The storage contract cnmd keeps its state behind: string keys (`networks/<id>`, `ipam/…`), JSON
// string values, atomic conditional commits and prefix watches. The embedded journal store
// (journal.ts) implements it now; an etcd store will implement it for multi-host scope.

export type StoreOp = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

/** A precondition on a commit: the key must be absent, or must hold exactly this value. */
export type StoreCond = { key: string; absent: true } | { key: string; equals: string };

export interface StoreEvent {
  type: 'put' | 'delete';
  key: string;
  value?: string;
}

export interface Store {
  get(key: string): Promise<string | undefined>;
  /** Every key starting with `prefix`, sorted by key. */
  list(prefix: string): Promise<Array<{ key: string; value: string }>>;
  /** All ops or none; false (nothing written) when a condition fails. Durable when it resolves. */
  commit(ops: StoreOp[], conds?: StoreCond[]): Promise<boolean>;
  /** Calls `cb` for every committed op on a key under `prefix`, after it is durable. Returns the unsubscribe. */
  watch(prefix: string, cb: (ev: StoreEvent) => void): () => void;
  close(): Promise<void>;
}

/** Whether `cond` holds when the key currently has `value` (undefined = absent). */
export function condHolds(cond: StoreCond, value: string | undefined): boolean {
  return 'absent' in cond ? value === undefined : value === cond.equals;
}
