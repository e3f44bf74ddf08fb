// -f/--filter k=v (repeatable) → the filters map Docker's API takes.
import type { Filters } from '../api/client.js';
import { FlagError } from './flags.js';

export function filtersFromFlags(values: string[]): Filters {
  const filters: Filters = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new FlagError(`invalid argument "${v}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    (filters[v.slice(0, eq).trim().toLowerCase()] ??= []).push(v.slice(eq + 1).trim());
  }
  return filters;
}

/** key=value pairs (labels, -o options): later keys win, as in Docker. */
export function keyValues(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === 0) throw new FlagError(`invalid argument "${v}" for "${flag}" flag: invalid key=value`);
    if (eq < 0) out[v] = '';
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
