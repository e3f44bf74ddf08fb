// The bridge driver's options (com.docker.network.*), parsed and checked with Docker's wording:
// libnetwork answers a bad value with `failed to parse <label> value: <value> (<Go error>)`, 400.
import { parseAddr } from '../../../model/ip.js';
import type { Network } from '../../../model/cnm.js';
import { invalid } from '../../errors.js';

export const OPT = {
  name: 'com.docker.network.bridge.name',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  mtu: 'com.docker.network.driver.mtu',
} as const;

export interface BridgeConfig {
  bridgeName: string;
  icc: boolean;
  masquerade: boolean;
  mtu?: number;
  hostBindingIpv4?: string;
  defaultBridge: boolean;
}

const parseErr = (label: string, value: string, why: string) =>
  invalid(`failed to parse ${label} value: ${value} (${why})`);

/** Go's strconv.ParseBool, which libnetwork uses. */
function bool(opts: Record<string, string>, label: string, dflt: boolean): boolean {
  const v = opts[label];
  if (v === undefined) return dflt;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw parseErr(label, v, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function mtu(opts: Record<string, string>): number | undefined {
  const v = opts[OPT.mtu];
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw parseErr(OPT.mtu, v, `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (n < 0) throw invalid(`invalid MTU number: ${n}`);
  // 0 means "the default", as in Docker; the kernel bounds a bridge/veth MTU to 68..65535.
  if (n !== 0 && (n < 68 || n > 65535)) throw invalid(`invalid MTU number: ${n}`);
  return n === 0 ? undefined : n;
}

/** `br-` + the first 12 hex digits of the network id, as Docker names user bridges. */
export const defaultBridgeName = (networkId: string): string => `br-${networkId.slice(0, 12)}`;

export function parseBridgeOptions(net: Network): BridgeConfig {
  const o = net.options;
  const bridgeName = o[OPT.name] || defaultBridgeName(net.id);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridgeName)) {
    throw invalid(`invalid bridge name ${JSON.stringify(bridgeName)}: 1 to 15 letters, digits, '_', '.' or '-'`);
  }
  const host = o[OPT.hostBinding];
  if (host !== undefined && parseAddr(host) === undefined) throw parseErr(OPT.hostBinding, host, 'nil ip');
  return {
    bridgeName,
    icc: bool(o, OPT.icc, true),
    masquerade: bool(o, OPT.masquerade, true),
    mtu: mtu(o),
    hostBindingIpv4: host,
    defaultBridge: bool(o, OPT.defaultBridge, false),
  };
}
