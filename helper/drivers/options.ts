// Option parsing every driver shares, with libnetwork's wording: a bad value is answered with
// `failed to parse <label> value: <value> (<Go error>)`, 400.
import { invalid } from '../errors.js';

export const MTU_OPTION = 'com.docker.network.driver.mtu';

export const parseErr = (label: string, value: string, why: string) => invalid(`failed to parse ${label} value: ${value} (${why})`);

/** Go's strconv.ParseBool, which libnetwork uses. */
export function parseBool(opts: Record<string, string>, label: string, dflt: boolean): boolean {
  const v = opts[label];
  if (v === undefined) return dflt;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw parseErr(label, v, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** com.docker.network.driver.mtu, for every driver that makes links. */
export function parseMtu(opts: Record<string, string>): number | undefined {
  const v = opts[MTU_OPTION];
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw parseErr(MTU_OPTION, v, `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (n < 0) throw invalid(`invalid MTU number: ${n}`);
  // 0 means "the default", as in Docker; the kernel bounds a bridge/veth MTU to 68..65535.
  if (n !== 0 && (n < 68 || n > 65535)) throw invalid(`invalid MTU number: ${n}`);
  return n === 0 ? undefined : n;
}
