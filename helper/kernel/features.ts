// Which kernel features this host has, found by trying them for real inside a throwaway network
// namespace (so cnmd's own namespace is never touched): make each link kind cnm's drivers use,
// cnm's nftables table with NAT, and an IPv6 address. The namespace goes away afterwards, also
// when a step fails. cnmd runs this once at start and keeps the answer (GET /info, `cnm info`).
import fs from 'node:fs';
import type { KernelFeatures } from '../../model/cnm.js';
import { KERNEL_FEATURES, type KernelFeature } from '../../model/features.js';
import { CnmError } from '../errors.js';
import { Netlink } from './netlink/netlink.js';
import { createNetns, deleteNetns } from './netns/netns.js';
import { Firewall } from './nftables/nft.js';

export interface KernelProbe {
  features: KernelFeatures;
  /** For each absent feature, the kernel's answer when it was tried. */
  errors: Partial<Record<KernelFeature, string>>;
  /** How long the probe took, namespace creation and removal included. */
  ms: number;
}

const ALIAS = 'cnm:probe';

/** Every feature absent: the starting point, and the answer when the probe cannot run. */
export const noFeatures = (): KernelFeatures =>
  Object.fromEntries(Object.keys(KERNEL_FEATURES).map((k) => [k, false])) as unknown as KernelFeatures;

/** The probe namespace's name: the pid keeps two starting cnmd apart. */
export const probeNetnsName = (pid = process.pid): string => `cnm-probe-${pid}`;

export async function probeKernel(): Promise<KernelProbe> {
  const started = performance.now();
  const name = probeNetnsName();
  let nsPath: string;
  try {
    nsPath = await createNetns(name);
  } catch (err) {
    throw new CnmError(
      'unsupported',
      `cannot create a network namespace (kernel option CONFIG_NET_NS, and iproute2's ip): ${(err as Error).message}`,
      { netns: name, call: 'ip netns add' },
      err,
    );
  }
  const features = noFeatures();
  const errors: KernelProbe['errors'] = {};
  const attempt = async (feature: KernelFeature, fn: () => Promise<unknown> | unknown): Promise<void> => {
    try {
      await fn();
      features[feature] = true;
    } catch (err) {
      errors[feature] = (err as Error).message;
    }
  };
  let nl: Netlink | undefined;
  const fw = Firewall.inNetns(nsPath);
  try {
    nl = Netlink.inNetns(nsPath);
    const link = nl;
    // Independent kinds go out together on the one socket; the ones on a parent follow the veth.
    await Promise.all([
      attempt('bridge', () => link.createBridge('pbr0', { alias: ALIAS })),
      attempt('veth', () => link.createVethWithPeerInNetns({ hostName: 'pv0', peerName: 'pv1', peerNetnsPath: nsPath, alias: ALIAS })),
      attempt('vxlan', () => link.createVxlan({ name: 'pvx0', vni: 42, alias: ALIAS })),
      attempt('dummy', () => link.createDummy('pd0', { alias: ALIAS })),
      attempt('nftables', () =>
        fw.apply([
          {
            networkId: 'probe',
            bridge: 'pbr0',
            subnets: ['10.255.0.0/24', 'fd00:ffff::/64'],
            internal: false,
            icc: true,
            masquerade: true,
          },
        ]),
      ),
      attempt('ipv6', () => {
        if (!fs.existsSync('/proc/sys/net/ipv6')) throw new Error('/proc/sys/net/ipv6 is missing');
        return link.addAddress('lo', 'fd00:ffff::1/128', { nodad: true });
      }),
    ]);
    const noParent = () => {
      throw new Error('no veth to use as the parent link');
    };
    // macvlan and ipvlan cannot share a parent, so each gets one end of the pair.
    await Promise.all([
      attempt('macvlan', () =>
        features.veth ? link.createMacvlan({ name: 'pmv0', parent: 'pv0', mode: 'bridge', alias: ALIAS }) : noParent(),
      ),
      attempt('vlan', () => (features.veth ? link.createVlan({ name: 'pv0.10', parent: 'pv0', id: 10, alias: ALIAS }) : noParent())),
      attempt('ipvlan', () => (features.veth ? link.createIpvlan({ name: 'piv0', parent: 'pv1', mode: 'l2', alias: ALIAS }) : noParent())),
    ]);
  } finally {
    nl?.close();
    fw.close();
    await deleteNetns(name);
  }
  return { features, errors, ms: performance.now() - started };
}
