// One Txn per API operation: IPAM and the controller queue their store writes on it and register
// how to undo their in-memory changes; the controller commits once at the end, so a connect is one
// durable write. A failed condition, a failed write or an explicit abort runs the undos, newest first.
import { CnmError, conflict, withContext } from '../errors.js';
import { log } from '../log.js';
import type { Store, StoreCond, StoreOp } from './store.js';

export class Txn {
  /** Keyed by store key so a second put/delete of the same key replaces the first (last wins). */
  private readonly ops = new Map<string, StoreOp>();
  private readonly conds: StoreCond[] = [];
  private readonly undos: Array<() => void> = [];
  private finished = false;

  put(key: string, value: string): void {
    this.queue({ type: 'put', key, value });
  }

  delete(key: string): void {
    this.queue({ type: 'delete', key });
  }

  require(cond: StoreCond): void {
    this.assertOpen();
    this.conds.push(cond);
  }

  onAbort(undo: () => void): void {
    this.assertOpen();
    this.undos.push(undo);
  }

  /** The ops as they will be written, in first-queued order. */
  get pending(): readonly StoreOp[] {
    return [...this.ops.values()];
  }

  /** Writes everything in one store commit. Throws (after running the undos) when a condition fails or the write fails. */
  async commit(store: Store): Promise<void> {
    this.assertOpen();
    this.finished = true;
    if (this.ops.size === 0 && this.conds.length === 0) return;
    let ok: boolean;
    try {
      ok = await store.commit([...this.ops.values()], this.conds);
    } catch (err) {
      this.runUndos();
      throw withContext(err, { call: 'store commit' });
    }
    if (!ok) {
      this.runUndos();
      throw conflict('the state changed while the operation ran; retry it', { call: 'store commit' });
    }
    this.undos.length = 0;
  }

  /** Runs the undo closures in reverse order; nothing is written. A no-op once commit has run. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.runUndos();
  }

  private queue(op: StoreOp): void {
    this.assertOpen();
    this.ops.delete(op.key); // re-insert so the op order follows the last write
    this.ops.set(op.key, op);
  }

  private runUndos(): void {
    // Undos only restore memory; one failing must not stop the rest from running.
    for (const undo of this.undos.splice(0).reverse()) {
      try {
        undo();
      } catch (err) {
        log('error', 'transaction undo failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private assertOpen(): void {
    if (this.finished) throw new CnmError('internal', 'transaction already committed or aborted');
  }
}
