// The `netlink` package rejects with plain strings ("Request rejected: EEXIST"). This turns them
// into CnmErrors that say which call on which link failed, and name missing kernel features.
import { CnmError, type ErrorContext } from '../../errors.js';

function errnoName(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const m = /Request rejected: (\w+)/.exec(text);
  return m ? m[1] : text;
}

/**
 * `kind` is the link kind for RTM_NEWLINK (veth, bridge, vxlan, dummy…): when the kernel lacks the
 * driver it answers EOPNOTSUPP, which is reported as a missing kernel feature.
 */
export function netlinkError(err: unknown, ctx: ErrorContext & { call: string }, kind?: string): CnmError {
  if (err instanceof CnmError) return err;
  const code = errnoName(err);
  const where = `${ctx.call}${ctx.link ? ` ${ctx.link}` : ''}`;
  switch (code) {
    case 'EEXIST':
      return new CnmError('conflict', `${where}: already exists (EEXIST)`, ctx, err);
    case 'ENODEV':
    case 'ENOENT':
    case 'ESRCH':
      return new CnmError('not-found', `${where}: no such device or object (${code})`, ctx, err);
    case 'EOPNOTSUPP':
    case 'ENOTSUP': // the same errno (95); Node names it ENOTSUP
      return kind
        ? new CnmError('unsupported', `the kernel has no ${kind} link support (${ctx.call}: EOPNOTSUPP)`, ctx, err)
        : new CnmError('unsupported', `${where}: the kernel does not support this operation (EOPNOTSUPP)`, ctx, err);
    case 'EPERM':
    case 'EACCES':
      return new CnmError('forbidden', `${where}: permission denied (${code}); cnmd needs CAP_NET_ADMIN`, ctx, err);
    default:
      return new CnmError('internal', `${where}: ${code}`, ctx, err);
  }
}

/** true for errors that mean "the object is already gone" (used by idempotent deletes). */
export const isGone = (err: CnmError): boolean => err.kind === 'not-found';
