// The macvlan driver's options, parsed once with libnetwork's rules and wording (its driver
// errors are plain Go errors, which dockerd answers with 500).
import type { Network } from '../../../model/cnm.js';
import { CnmError, invalid } from '../../errors.js';
import { MTU_OPTION, parseBool, parseMtu } from '../options.js';

export const OPT = {
  parent: 'parent',
  mode: 'macvlan_mode',
  mtu: MTU_OPTION,
  hostShim: 'cnm.macvlan.host_shim',
} as const;

export const MODES = ['bridge', 'vepa', 'private', 'passthru'] as const;
export type MacvlanMode = (typeof MODES)[number];

export interface MacvlanConfig {
  /** The host link every endpoint hangs off. */
  parent: string;
  mode: MacvlanMode;
  mtu?: number;
  /** A host-side macvlan (bridge mode) plus routes, so the host reaches its sandboxes. */
  hostShim: boolean;
  /**
   * What cnmd makes as the parent and removes with the network: an 802.1q sub-interface for
   * `-o parent=eth1.10`, or a stand-in segment (veth pair) when there is no parent or the
   * network is internal (Docker uses a dummy link there; this kernel has none).
   */
  made?: { kind: 'vlan'; base: string; id: number } | { kind: 'stand-in'; peer: string };
}

/** Docker's name for the link of a parent-less network, `dm-<id 12>`; cnm's stand-in uses it. */
export const standInName = (networkId: string): string => `dm-${networkId.slice(0, 12)}`;

const dockerErr = (msg: string) => new CnmError('internal', msg);

/** parent.vlan: libnetwork's parseVlan checks, minus the host lookup (done by the driver). */
export function parseVlanParent(parent: string): { base: string; id: number } {
  const parts = parent.split('.');
  if (parts.length !== 2) {
    throw dockerErr(`required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received: ${parent}`);
  }
  const [base, vid] = parts;
  if (!/^[+-]?\d+$/.test(vid)) throw dockerErr(`unable to parse a valid vlan id from: ${vid} (ex. eth0.10 for vlan 10)`);
  return { base, id: Number(vid) };
}

/** The options alone; what needs the host (does the parent exist?) is the driver's validate. */
export function parseMacvlanOptions(net: Network): MacvlanConfig {
  const o = net.options;
  const mode = (o[OPT.mode] || 'bridge') as MacvlanMode;
  if (!MODES.includes(mode)) {
    throw dockerErr(`requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  }
  const given = o[OPT.parent] ?? '';
  if (given === 'lo') throw dockerErr('loopback interface is not a valid macvlan parent link');
  if (given.length > 15) throw invalid(`invalid parent ${JSON.stringify(given)}: interface names have at most 15 characters`);
  const cfg: MacvlanConfig = { parent: given, mode, mtu: parseMtu(o), hostShim: parseBool(o, OPT.hostShim, false) };
  // Docker: an empty parent and --internal are handled the same (an isolated segment).
  if (given === '' || net.internal) {
    cfg.parent = standInName(net.id);
    cfg.made = { kind: 'stand-in', peer: `dmp${net.id.slice(0, 12)}` };
  }
  return cfg;
}
