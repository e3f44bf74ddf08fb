// cnm's structured account of an error whose Docker wording is about Docker's objects ("No such
// container", "Pool overlaps with other one …"). On Docker's paths the body keeps Docker's exact
// `message` and carries this beside it as `cnm`; cnm's own paths and clients (the CLI, the
// language server, the extension) word the error from these fields instead.

export type CnmErrorDetail =
  | { reason: 'no-such-sandbox'; sandbox: string }
  | { reason: 'invalid-sandbox-name'; sandbox: string }
  | { reason: 'sandbox-name-in-use'; sandbox: string; holder: string }
  | { reason: 'sandbox-ambiguous'; sandbox: string; matches: number; by: 'name' | 'id-prefix' }
  | { reason: 'sandbox-not-connected'; sandbox: string; network: string }
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
    case 'invalid-sandbox-name':
      return `Invalid sandbox name (${d.sandbox}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`;
    case 'sandbox-name-in-use':
      return `The sandbox name "${d.sandbox}" is already in use by sandbox "${d.holder}". You have to remove (or rename) that sandbox to be able to reuse that name.`;
    case 'sandbox-ambiguous':
      return `sandbox ${d.sandbox} is ambiguous (${d.matches} matches found ${d.by === 'name' ? 'on name' : 'based on ID prefix'})`;
    case 'sandbox-not-connected':
      return `sandbox ${d.sandbox} is not connected to network ${d.network}`;
    case 'pool-overlap':
      return `Pool ${d.subnet} overlaps with network "${d.overlaps}" (${d.pool}) on this address space`;
  }
}

/** The fields each reason needs, with their types, to accept a detail read from the wire. */
const FIELDS: Record<CnmErrorDetail['reason'], Record<string, 'string' | 'number'>> = {
  'no-such-sandbox': { sandbox: 'string' },
  'invalid-sandbox-name': { sandbox: 'string' },
  'sandbox-name-in-use': { sandbox: 'string', holder: 'string' },
  'sandbox-ambiguous': { sandbox: 'string', matches: 'number', by: 'string' },
  'sandbox-not-connected': { sandbox: 'string', network: 'string' },
  'pool-overlap': { subnet: 'string', pool: 'string', overlaps: 'string' },
};

/** The detail of an error body, if it carries a well-formed one (bodies come from the wire). */
export function errorDetailOf(body: unknown): CnmErrorDetail | undefined {
  const d = (body as { cnm?: Record<string, unknown> } | null)?.cnm;
  if (!d || typeof d !== 'object' || typeof d.reason !== 'string' || !Object.hasOwn(FIELDS, d.reason)) return undefined;
  const fields = FIELDS[d.reason as CnmErrorDetail['reason']];
  return Object.entries(fields).every(([k, type]) => typeof d[k] === type) ? (d as CnmErrorDetail) : undefined;
}
