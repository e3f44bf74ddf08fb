// One error type for the whole helper. `message` is what a Docker client shows the user (Docker's
// own wording where Docker has one); `status` is the HTTP status the API answers with; `context`
// says where it happened (which network, link, sandbox, kernel call) for logs and `cause` chains;
// `cnmDetail` is cnm's structured account where cnm words the error differently from Docker
// (model/errors.ts): the API renders each path's wording from it.
import type { CnmErrorDetail } from '../model/errors.js';

export type ErrorKind =
  | 'invalid' // 400: bad request, bad parameter
  | 'forbidden' // 403: operation not allowed (predefined networks, active endpoints)
  | 'not-found' // 404
  | 'conflict' // 409: name already exists, address in use
  | 'too-large' // 413
  | 'unsupported' // 501 from the kernel's point of view: a missing kernel feature
  | 'unavailable' // 503: Docker's "not available" (a swarm call on a node outside a swarm)
  | 'internal'; // 500

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unsupported: 500,
  unavailable: 503,
  internal: 500,
};

export interface ErrorContext {
  network?: string;
  sandbox?: string;
  endpoint?: string;
  link?: string;
  netns?: string;
  /** The kernel / system call or external command that failed, e.g. 'RTM_NEWLINK veth', 'nft -f'. */
  call?: string;
  [key: string]: string | undefined;
}

export class CnmError extends Error {
  readonly kind: ErrorKind;
  readonly context: ErrorContext;
  readonly cnmDetail?: CnmErrorDetail;

  constructor(kind: ErrorKind, message: string, context: ErrorContext = {}, cause?: unknown, detail?: CnmErrorDetail) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CnmError';
    this.kind = kind;
    this.context = context;
    this.cnmDetail = detail;
  }

  get status(): number {
    return STATUS[this.kind];
  }

  /** The message plus its context, for logs: `msg (network=x link=y call=z): cause`. */
  detail(): string {
    const ctx = Object.entries(this.context)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const cause = this.cause instanceof Error ? `: ${this.cause.message}` : this.cause ? `: ${String(this.cause)}` : '';
    return `${this.message}${ctx ? ` (${ctx})` : ''}${cause}`;
  }
}

export const invalid = (msg: string, ctx?: ErrorContext, detail?: CnmErrorDetail) => new CnmError('invalid', msg, ctx, undefined, detail);
export const notFound = (msg: string, ctx?: ErrorContext, detail?: CnmErrorDetail) =>
  new CnmError('not-found', msg, ctx, undefined, detail);
export const conflict = (msg: string, ctx?: ErrorContext, detail?: CnmErrorDetail) => new CnmError('conflict', msg, ctx, undefined, detail);
export const forbidden = (msg: string, ctx?: ErrorContext, detail?: CnmErrorDetail) =>
  new CnmError('forbidden', msg, ctx, undefined, detail);

/** Wrap anything thrown by a lower layer, adding context; a CnmError keeps its kind and message. */
export function withContext(err: unknown, ctx: ErrorContext, message?: string): CnmError {
  if (err instanceof CnmError) {
    return new CnmError(err.kind, message ?? err.message, { ...err.context, ...ctx }, err.cause ?? undefined, err.cnmDetail);
  }
  const text = err instanceof Error ? err.message : String(err);
  return new CnmError('internal', message ?? text, ctx, err);
}

/** Teardown keeps going and reports every failure: collect errors, throw one at the end. */
export class TeardownErrors {
  private readonly errors: CnmError[] = [];

  async run(ctx: ErrorContext, step: () => unknown | Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.errors.push(withContext(err, ctx));
    }
  }

  get failed(): readonly CnmError[] {
    return this.errors;
  }

  throwIfAny(message: string, ctx: ErrorContext = {}): void {
    if (this.errors.length === 0) return;
    const all = this.errors.map((e) => e.detail()).join('; ');
    throw new CnmError('internal', `${message}: ${all}`, ctx, this.errors[0]);
  }
}
