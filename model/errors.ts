// cnm's structured account of an error whose Docker wording is about Docker's objects ("No such
// container", "Pool overlaps with other one …"). On Docker's paths the body keeps Docker's exact
// `message` and carries this beside it as `cnm`; cnm's own paths and clients (the CLI, the
// language server, the extension) word the error from these fields instead.

export type CnmErrorDetail =
  | { reason: 'no-such-sandbox'; sandbox: string }
  | { reason: 'sandbox-name-in-use'; sandbox: string; holder: string }
  /** `subnet` (asked for) overlaps `pool`, which belongs to the network `overlaps`. */
  | { reason: 'pool-overlap'; subnet: string; pool: string; overlaps: string };

/** An error body as cnmd sends it: Docker's `{"message"}`, plus `cnm` where cnm words it its own way. */
export interface CnmErrorBody {
  message: string;
  cnm?: CnmErrorDetail;
}

/** The message cnm's own paths and clients show. */
export function cnmWording(d: CnmErrorDetail): string {
  switch (d.reason) {
    case 'no-such-sandbox':
      return `No such sandbox: ${d.sandbox}`;
    case 'sandbox-name-in-use':
      return `The sandbox name "${d.sandbox}" is already in use by sandbox "${d.holder}". You have to remove (or rename) that sandbox to be able to reuse that name.`;
    case 'pool-overlap':
      return `Pool ${d.subnet} overlaps with network "${d.overlaps}" (${d.pool}) on this address space`;
  }
}

/** The detail of an error body, if it carries a well-formed one (bodies come from the wire). */
export function errorDetailOf(body: unknown): CnmErrorDetail | undefined {
  const d = (body as { cnm?: Record<string, unknown> } | null)?.cnm;
  if (!d || typeof d !== 'object') return undefined;
  const str = (...keys: string[]) => keys.every((k) => typeof d[k] === 'string');
  switch (d.reason) {
    case 'no-such-sandbox':
      return str('sandbox') ? (d as CnmErrorDetail) : undefined;
    case 'sandbox-name-in-use':
      return str('sandbox', 'holder') ? (d as CnmErrorDetail) : undefined;
    case 'pool-overlap':
      return str('subnet', 'pool', 'overlaps') ? (d as CnmErrorDetail) : undefined;
    default:
      return undefined;
  }
}
