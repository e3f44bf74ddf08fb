// The cluster store client: etcd's v3 API through the `etcd3` package, every key under /cnm/v1/.
// It tracks the store's health (up / degraded with the last error) from the outcome of every call,
// and offers the compare-and-swap every cluster-wide allocation goes through (`createOnce`).
import { Etcd3, type IOptions, type Namespace } from 'etcd3';
import type { ClusterHealth } from '../../model/cnm.js';
import { log } from '../log.js';
import { PREFIX } from './keys.js';
import type { ClusterCredentials, ClusterStoreUrl } from './options.js';

/** A unary call to etcd that takes longer fails (an unreachable etcd must not hang an API request). */
export const CALL_TIMEOUT_MS = 3000;

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * The client's own fault handling, switched off: its per-host circuit breaker stays open for 5 s
 * after etcd returns (every call then fails at once, "circuit breaker is open"), and its retries
 * multiply the 3 s deadline while etcd is away. cnm retries itself, with backoff (registration,
 * resync), and reports each call's outcome in the health.
 */
const PASS_THROUGH = {
  execute: (fn: (ctx: { signal: AbortSignal }) => unknown) => Promise.resolve().then(() => fn({ signal: new AbortController().signal })),
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
} as unknown as Policy;

export interface KeyValue {
  key: string;
  value: string;
  modRevision: string;
  lease: string;
}

/** createOnce's answer: won, or lost to the value already there. */
export type CreateResult = { won: true } | { won: false; current: KeyValue };

export class ClusterStore {
  readonly client: Etcd3;
  /** The client with every key relative to /cnm/v1/. */
  readonly kv: Namespace;
  private healthState: ClusterHealth;
  /** Told of every change of state (up ↔ degraded). */
  onHealth: ((h: ClusterHealth) => void) | undefined;

  constructor(
    readonly url: ClusterStoreUrl,
    credentials?: ClusterCredentials,
  ) {
    this.client = new Etcd3({
      hosts: url.endpoints,
      // With --cluster-store-opt the endpoints are https:// and gRPC verifies etcd against the CA.
      credentials,
      dialTimeout: CALL_TIMEOUT_MS,
      // gRPC's own reconnect backoff grows to 2 min; a returning etcd is found within seconds instead.
      grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2000 },
      // Streams (lease keepalive) carry their own deadline; unary calls get this one.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
      faultHandling: { host: () => PASS_THROUGH, global: PASS_THROUGH },
    });
    this.kv = this.client.namespace(PREFIX);
    this.healthState = { store: url.text, state: 'up', since: new Date().toISOString() };
  }

  health(): ClusterHealth {
    return { ...this.healthState };
  }

  /** Runs one call to etcd, recording its outcome in the health. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      const r = await fn();
      this.mark('up');
      return r;
    } catch (err) {
      this.mark('degraded', `${what}: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Records an outcome seen outside `call` (the watch stream's disconnects and reconnects). */
  mark(state: ClusterHealth['state'], error?: string): void {
    const h = this.healthState;
    if (error) h.lastError = error;
    if (h.state === state) return;
    h.state = state;
    h.since = new Date().toISOString();
    log(state === 'up' ? 'info' : 'warn', `cluster store ${state}`, { store: h.store, error });
    this.onHealth?.(this.health());
  }

  /** Every key (relative to /cnm/v1/) and value under a prefix. */
  list(prefix: string): Promise<Record<string, string>> {
    return this.call(`list ${prefix}`, () => this.kv.getAll().prefix(prefix).strings());
  }

  /**
   * Compare-and-swap creation: puts `value` at `key` only if the key does not exist
   * (`if(key, 'Create', '==', 0)`), in one etcd transaction. Of several hosts racing for one key,
   * exactly one wins; the others get the winner's value. The way to allocate anything unique.
   */
  createOnce(key: string, value: string, lease?: string): Promise<CreateResult> {
    return this.call(`create ${key}`, async () => {
      const put = this.kv.put(key).value(value);
      const r = await this.kv
        .if(key, 'Create', '==', 0)
        .then(lease ? put.lease(lease) : put)
        .else(this.kv.get(key))
        .commit();
      if (r.succeeded) return { won: true };
      return { won: false, current: this.first(r.responses[0]?.response_range?.kvs) };
    });
  }

  /** Deletes `key` only while it holds `value` (an owner removing its own claim). */
  deleteIf(key: string, value: string): Promise<void> {
    return this.call(`delete ${key}`, async () => {
      await this.kv.if(key, 'Value', '==', value).then(this.kv.delete().key(key)).commit();
    });
  }

  /** Replaces `key` only if it was last changed at `modRevision` (it is still what the caller read). */
  replaceIfUnchanged(key: string, modRevision: string, value: string, lease?: string): Promise<boolean> {
    return this.call(`replace ${key}`, async () => {
      const put = this.kv.put(key).value(value);
      const r = await this.kv
        .if(key, 'Mod', '==', modRevision)
        .then(lease ? put.lease(lease) : put)
        .commit();
      return r.succeeded;
    });
  }

  private first(kvs: Array<{ key: Buffer; value: Buffer; mod_revision: string; lease: string }> | undefined): KeyValue {
    const kv = kvs?.[0];
    // The key vanished between the compare and the read (its lease expired): report it empty.
    if (!kv) return { key: '', value: '', modRevision: '0', lease: '0' };
    return { key: kv.key.toString(), value: kv.value.toString(), modRevision: kv.mod_revision, lease: kv.lease };
  }

  close(): void {
    this.client.close();
  }
}
