// A small typed validator for the JSON bodies of the API (schemas in model/requests.ts).
// In-house rather than zod or typebox because model/ imports nothing (it is bundled into the
// extension and the language server as is), and because a refusal must read like Docker's: Go's
// `json: cannot unmarshal number into Go struct field X.Y of type string` for a wrong type, then
// cnm's own limits. About 100 lines cover the shapes the API takes: objects, arrays, string maps,
// strings, booleans, each with limits.

/** A refused value: `path` is the JSON path (`EndpointConfig.Aliases`), `message` the whole text. */
export class SchemaError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

/** Where a value sits: the JSON path and the innermost Go struct (for Go's wording). */
export interface At {
  path: string;
  struct: string;
}

/** Checks `v` and returns it typed (a copy holding only the known fields), or throws SchemaError. */
export type Schema<T> = (v: unknown, at: At) => T;

/** Go's name for a JSON value's kind, as json.Unmarshal words it. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'boolean' ? 'bool' : typeof v; // number, string, object
}

function wrongType(v: unknown, at: At, goType: string): SchemaError {
  const field = at.path ? ` into Go struct field ${at.struct}.${at.path}` : ' into Go value';
  return new SchemaError(`json: cannot unmarshal ${jsonKind(v)}${field} of type ${goType}`, at.path);
}

/** A refusal by one of cnm's own rules (format, limits), naming the field. */
export function refuse(at: At, why: string): SchemaError {
  return new SchemaError(`invalid ${at.path || 'body'}: ${why}`, at.path);
}

const child = (at: At, key: string, struct = at.struct): At => ({ path: at.path ? `${at.path}.${key}` : key, struct });

export interface StringRule {
  max: number;
  /** Extra check on the value: returns why it is refused, or undefined. */
  check?: (s: string) => string | undefined;
}

export const string =
  ({ max, check }: StringRule): Schema<string> =>
  (v, at) => {
    if (typeof v !== 'string') throw wrongType(v, at, 'string');
    if (v.length > max) throw refuse(at, `longer than ${max} characters`);
    const why = check?.(v);
    if (why) throw refuse(at, why);
    return v;
  };

export const boolean: Schema<boolean> = (v, at) => {
  if (typeof v !== 'boolean') throw wrongType(v, at, 'bool');
  return v;
};

export const integer: Schema<number> = (v, at) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(v, at, 'int');
  return v;
};

/** JSON null and an absent field both mean "not given", as in Go. */
export const optional =
  <T>(s: Schema<T>): Schema<T | undefined> =>
  (v, at) =>
    v === undefined || v === null ? undefined : s(v, at);

export const array =
  <T>(item: Schema<T>, goType: string, max: number): Schema<T[]> =>
  (v, at) => {
    if (!Array.isArray(v)) throw wrongType(v, at, goType);
    if (v.length > max) throw refuse(at, `more than ${max} entries`);
    return v.map((x, i) => item(x, { ...at, path: `${at.path}[${i}]` }));
  };

/** A JSON object of string values (labels, options), with limits on count and sizes. */
export const stringMap =
  (limits: { entries: number; key: number; value: number }): Schema<Record<string, string>> =>
  (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, at, 'map[string]string');
    const entries = Object.entries(v);
    if (entries.length > limits.entries) throw refuse(at, `more than ${limits.entries} entries`);
    const out: Record<string, string> = {};
    for (const [k, val] of entries) {
      if (k.length > limits.key) throw refuse(at, `key longer than ${limits.key} characters`);
      if (typeof val !== 'string') throw wrongType(val, child(at, k), 'string');
      if (val.length > limits.value) throw refuse(child(at, k), `longer than ${limits.value} characters`);
      out[k] = val;
    }
    return out;
  };

/** A JSON object of `value`s under any keys (Go's map[string]T), at most `max` entries. */
export const map =
  <T>(value: Schema<T>, goType: string, max: number): Schema<Record<string, T>> =>
  (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, at, goType);
    const entries = Object.entries(v);
    if (entries.length > max) throw refuse(at, `more than ${max} entries`);
    return Object.fromEntries(entries.map(([k, x]) => [k, value(x, child(at, k))]));
  };

type Fields<T> = { [K in keyof T]-?: Schema<T[K]> };

/**
 * A Go struct: known fields checked, unknown ones dropped (encoding/json ignores them); the
 * result carries only the fields that were given. `struct` is the Go type name for messages.
 */
export const object =
  <T extends object>(struct: string, fields: Fields<T>): Schema<T> =>
  (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, at, struct);
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(fields) as Array<[string, Schema<unknown>]>) {
      if (!Object.hasOwn(v, key)) continue;
      const checked = schema((v as Record<string, unknown>)[key], child(at, key, struct));
      if (checked !== undefined) out[key] = checked;
    }
    return out as T;
  };

/** Runs a top-level schema on a request body. */
export function validate<T>(schema: Schema<T>, body: unknown): T {
  return schema(body, { path: '', struct: '' });
}
