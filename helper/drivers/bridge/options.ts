// The bridge driver's options (com.docker.network.*), parsed and checked with Docker's wording:
// libnetwork answers a bad value with `failed to parse <label> value: <value> (<Go error>)`, 400.
import { parseAddr } from '../../../model/ip.js';
import type { Network } from '../../../model/cnm.js';
import { invalid } from '../../errors.js';
import { MTU_OPTION, parseBool as bool, parseMtu, parseErr } from '../options.js';

export const OPT = {
  name: 'com.docker.network.bridge.name',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  mtu: MTU_OPTION,
} as const;

export interface BridgeConfig {
  bridgeName: string;
  icc: boolean;
  masquerade: boolean;
  mtu?: number;
  hostBindingIpv4?: string;
  defaultBridge: boolean;
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
    mtu: parseMtu(o),
    hostBindingIpv4: host,
    defaultBridge: bool(o, OPT.defaultBridge, false),
  };
}
