// What each kernel feature in KernelFeatures is, and what to load or install when it is missing:
// one wording for cnmd's start-up check, GET /info consumers and `cnm info`.
import type { KernelFeatures } from './cnm.js';

export type KernelFeature = keyof KernelFeatures;

export interface FeatureNeed {
  /** What the feature is, as a user would search for it. */
  what: string;
  /** The kernel module(s) that provide it. */
  module: string;
  /** Features cnmd cannot run without (the bridge driver's dataplane); the rest only limit drivers. */
  required: boolean;
}

export const KERNEL_FEATURES: Record<KernelFeature, FeatureNeed> = {
  bridge: { what: 'Linux bridge support', module: 'bridge', required: true },
  veth: { what: 'veth pair support', module: 'veth', required: true },
  vxlan: { what: 'VXLAN support', module: 'vxlan', required: false },
  macvlan: { what: 'macvlan support', module: 'macvlan', required: false },
  vlan: { what: '802.1q VLAN support', module: '8021q', required: false },
  dummy: { what: 'dummy link support', module: 'dummy', required: false },
  ipvlan: { what: 'ipvlan support', module: 'ipvlan', required: false },
  nftables: { what: 'nftables with NAT and conntrack', module: 'nf_tables, nft_chain_nat, nft_masq, nf_conntrack', required: true },
  ipv6: { what: 'IPv6', module: 'ipv6; or ipv6.disable=1 is set on the kernel command line', required: false },
};

/** e.g. "kernel lacks 802.1q VLAN support (module 8021q)". */
export function missingFeatureMessage(feature: KernelFeature): string {
  const need = KERNEL_FEATURES[feature];
  return `kernel lacks ${need.what} (module ${need.module})`;
}

/** What fakes (the API test harness, the extension's fake client) claim: this machine's kernel, which lacks VLAN, dummy and ipvlan. */
export const TEST_KERNEL: KernelFeatures = {
  bridge: true,
  veth: true,
  vxlan: true,
  macvlan: true,
  vlan: false,
  dummy: false,
  ipvlan: false,
  nftables: true,
  ipv6: true,
};
