// Docker's time arguments (events since/until, prune until): a Go duration relative to now ("10m",
// "1h30m"), unix seconds with optional fraction ("1700000000.5"), or an RFC 3339 / ISO date.
import { invalid } from '../errors.js';

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION = /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIX = /^\d+(\.\d+)?$/;

/** Seconds since the epoch (fractional) for `value`, durations counted back from `nowSeconds`. */
export function parseTimestamp(value: string, nowSeconds: number, what = 'timestamp'): number {
  if (UNIX.test(value)) return Number(value);
  if (DURATION.test(value)) {
    let seconds = 0;
    for (const [, n, unit] of value.matchAll(PART)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
    return nowSeconds - (value.startsWith('-') ? -seconds : seconds);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`invalid ${what} '${value}': not a duration, unix timestamp or RFC 3339 date`);
  return ms / 1000;
}
