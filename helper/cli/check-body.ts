// A request body checked on this side with the API's own schema (model/requests.ts) before it is
// sent: the same rule, worded for the flag the user typed instead of the JSON field.
import { SchemaError, validate, type Schema } from '../../model/schema.js';
import { FlagError } from './flags.js';

/** `body` as the schema accepts it, or a FlagError naming the flag behind the refused field (`flags`: top-level field → flag). */
export function checkBody<T>(schema: Schema<T>, body: unknown, flags: Record<string, string>): T {
  try {
    return validate(schema, body);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    const field = err.path.split(/[.[]/)[0]!;
    const flag = flags[field];
    const why = err.message.replace(/^invalid [^:]*: /, '');
    throw new FlagError(flag ? `invalid argument for "${flag}" flag: ${why}` : err.message);
  }
}
