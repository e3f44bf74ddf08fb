// The bridge driver: one Linux bridge per network (gateway addresses on it), one veth per
// endpoint whose peer is born inside the sandbox netns as eth<N>. Firewall rules are per network
// (rules()), so connecting an endpoint never touches nftables.
import type { Endpoint, Network } from '../../../model/cnm.js';
import { contains, parseAddr, parseCidr } from '../../../model/ip.js';
import { CnmError, conflict, invalid, TeardownErrors, withContext } from '../../errors.js';
import { log } from '../../log.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import type { NetworkRules } from '../../kernel/nftables/ruleset.js';
import type { NetworkDriver, SandboxHandle } from '../driver.js';
import { setIPv6 } from '../../kernel/sysctl.js';
import { parseBridgeOptions } from './options.js';
import { forgetSpare, park, replenish, takeSpare, useSpare, type Spare } from './spares.js';

/** Host end of an endpoint's veth: 'vcnm' + 10 hex of the endpoint id (14 chars, under IFNAMSIZ). */
export const hostVethName = (endpointId: string): string => `vcnm${endpointId.slice(0, 10)}`;
export const ownerAlias = (id: string): string => `cnm:${id}`;

/** Gateway CIDRs for the bridge: each pool's gateway with its subnet's prefix length. */
function gatewayCidrs(net: Network): string[] {
  return net.ipam.pools.flatMap((p) => {
    const subnet = parseCidr(p.subnet);
    return p.gateway && subnet ? [`${p.gateway}/${subnet.prefix}`] : [];
  });
}

/** The gateway of the pool whose subnet holds `cidr` (an endpoint address). */
function gatewayFor(net: Network, cidr: string): string | undefined {
  const addr = parseAddr(cidr.split('/')[0]);
  return net.ipam.pools.find((p) => {
    const subnet = parseCidr(p.subnet);
    return addr && subnet && contains(subnet, addr);
  })?.gateway;
}

async function addIfMissing(nl: Netlink, ifname: string, cidr: string, nodad: boolean): Promise<void> {
  try {
    await nl.addAddress(ifname, cidr, { nodad });
  } catch (err) {
    if (!(err instanceof CnmError && err.kind === 'conflict')) throw err;
  }
}

const isV6 = (cidr: string) => cidr.includes(':');

export const bridgeDriver: NetworkDriver = {
  name: 'bridge',

  validate(net) {
    parseBridgeOptions(net);
  },

  async setupNetwork(net, { host }) {
    const cfg = parseBridgeOptions(net);
    const ctx = { network: net.id, link: cfg.bridgeName };
    bridgeIndexes.delete(cfg.bridgeName);
    try {
      const existing = await host.getLink(cfg.bridgeName);
      if (!existing) {
        await host.createBridge(cfg.bridgeName, { mtu: cfg.mtu, alias: ownerAlias(net.id), up: true });
      } else if (existing.kind !== 'bridge' || (existing.alias !== '' && existing.alias !== ownerAlias(net.id))) {
        throw conflict(`cannot use ${cfg.bridgeName} for network ${net.name}: it is ${existing.kind || 'a link'} owned by ${existing.alias || 'someone else'}`, ctx);
      } else {
        // Re-adoption after a restart, or a bridge the user made for us (com.docker.network.bridge.name).
        if (existing.alias === '') await host.setAlias(cfg.bridgeName, ownerAlias(net.id));
        if (!existing.up) await host.setUp(cfg.bridgeName);
      }
      for (const cidr of gatewayCidrs(net)) await addIfMissing(host, cfg.bridgeName, cidr, isV6(cidr));
    } catch (err) {
      throw withContext(err, ctx);
    }
  },

  async teardownNetwork(net, { host }) {
    const { bridgeName } = parseBridgeOptions(net);
    bridgeIndexes.delete(bridgeName);
    const link = await host.getLink(bridgeName);
    if (link && link.alias !== ownerAlias(net.id)) {
      log('warn', 'bridge not owned by this network, left in place', { network: net.id, link: bridgeName, alias: link.alias });
      return;
    }
    await host.deleteLink(bridgeName).catch((err) => {
      throw withContext(err, { network: net.id, link: bridgeName });
    });
  },

  nameHostLink(ep, sb) {
    const spare = takeSpare(sb.sandbox.id);
    if (spare) reserved.set(spare.hostName, spare);
    ep.hostIfname = spare?.hostName ?? hostVethName(ep.id);
  },

  async setupEndpoint(net, ep, sb, { host }, defaultRoute) {
    const nl = sb.nl;
    const ctx = { network: net.id, endpoint: ep.id, sandbox: sb.sandbox.id, netns: sb.sandbox.netnsPath };
    if (!nl) throw invalid(`a bridge endpoint needs a sandbox with its own network namespace`, ctx);
    const cfg = parseBridgeOptions(net);
    const spare = ep.hostIfname ? reserved.get(ep.hostIfname) : undefined;
    if (spare) reserved.delete(spare.hostName);
    if (spare) {
      try {
        await useSpare(spare, ep, host, nl, await bridgeIndex(host, net, cfg.bridgeName), cfg.mtu, ownerAlias(ep.id), (before, ipv6) =>
          plumbPeer(net, ep, sb, defaultRoute && !net.internal, before, ipv6),
        );
        ep.hostIfname = spare.hostName;
        return;
      } catch (err) {
        // A spare that no longer fits (gone, or half-configured): drop it and make a fresh veth.
        log('debug', 'spare veth not usable', { sandbox: sb.sandbox.id, link: spare.hostName, error: String(err) });
        await host.deleteLink(spare.hostName).catch(() => undefined);
      }
    }
    // The name nameHostLink gave (the record may already be committed with it), else our own.
    const hostName = ep.hostIfname ?? hostVethName(ep.id);
    ep.hostIfname = hostName;
    const veth = async (master: number) =>
      host.createVethWithPeerInNetns({
        hostName,
        peerName: ep.ifname,
        peerNetnsPath: sb.sandbox.netnsPath,
        peerMac: ep.mac,
        mtu: cfg.mtu,
        master,
        alias: ownerAlias(ep.id),
      });
    try {
      await veth(await bridgeIndex(host, net, cfg.bridgeName));
    } catch (err) {
      // The cached index may be stale (the bridge was re-created behind our back): look it up once more.
      bridgeIndexes.delete(cfg.bridgeName);
      await host.deleteLink(hostName).catch(() => undefined);
      await veth(await bridgeIndex(host, net, cfg.bridgeName)).catch((again) => {
        throw withContext(again ?? err, { ...ctx, link: hostName });
      });
    }
    ep.hostIfname = hostName;
    try {
      setIPv6(hostName, false, host.netnsPath); // a bridge port needs no addresses; see quietIPv6In
      await plumbPeer(net, ep, sb, defaultRoute && !net.internal);
    } catch (err) {
      // Undo our own half-made endpoint; the core only tears down steps that completed.
      await host.deleteLink(hostName).catch((e) => log('warn', 'rollback of veth failed', { link: hostName, error: String(e) }));
      ep.hostIfname = undefined;
      throw withContext(err, { ...ctx, link: ep.ifname });
    }
    replenish(host, sb);
  },

  async teardownEndpoint(net, ep, sb, { host }) {
    const errors = new TeardownErrors();
    const hostName = ep.hostIfname ?? hostVethName(ep.id);
    await errors.run({ network: net.id, endpoint: ep.id, sandbox: sb.sandbox.id, link: hostName }, async () => {
      const cfg = parseBridgeOptions(net);
      const parked = await park(ep, hostName, host, sb, bridgeIndexes.get(cfg.bridgeName), cfg.mtu).catch((err) => {
        log('debug', 'veth not parked', { link: hostName, error: String(err) });
        return false;
      });
      // Deleting the host end removes the peer inside the sandbox with it.
      if (!parked) await host.deleteLink(hostName);
    });
    errors.throwIfAny(`cannot tear down endpoint ${ep.id.slice(0, 12)} on network ${net.name}`, { network: net.id, endpoint: ep.id });
  },

  sandboxGone(sandboxId) {
    forgetSpare(sandboxId);
  },

  rules(net): NetworkRules {
    const cfg = parseBridgeOptions(net);
    return {
      networkId: net.id,
      bridge: cfg.bridgeName,
      subnets: net.ipam.pools.map((p) => p.subnet),
      internal: net.internal,
      icc: cfg.icc,
      masquerade: cfg.masquerade,
    };
  },
};

/**
 * Up, addresses, default routes: sent back to back on the sandbox's socket, after `before`
 * (requests already sent there), which the kernel handles in order (the route finds its gateway
 * on the address added just before): one round trip. `ipv6` is the interface's IPv6 state when
 * known; switching it is a sysctl by name, so it waits for `before` (a rename) to finish.
 */
async function plumbPeer(net: Network, ep: Endpoint, sb: SandboxHandle, defaultRoute: boolean, before: Promise<void>[] = [], ipv6?: boolean): Promise<void> {
  const nl = sb.nl!;
  const addrs = [ep.ipv4, ep.ipv6].filter((a): a is string => a !== undefined);
  if (ipv6 !== (ep.ipv6 !== undefined)) {
    await Netlink.inOrder(before);
    before = [];
    setIPv6(ep.ifname, ep.ipv6 !== undefined, sb.sandbox.netnsPath);
  }
  const requests: Promise<void>[] = [...before, nl.setUp(ep.ifname)];
  for (const cidr of addrs) requests.push(nl.addAddress(ep.ifname, cidr, { nodad: isV6(cidr) }));
  if (defaultRoute) {
    for (const cidr of addrs) {
      const gateway = gatewayFor(net, cidr);
      if (gateway) requests.push(nl.addRoute({ gateway, ifname: ep.ifname }));
    }
  }
  await Netlink.inOrder(requests);
}

/** Spares handed to an endpoint by nameHostLink, waiting for its setupEndpoint. */
const reserved = new Map<string, Spare>();

/** Bridge ifindexes by name: looked up once, not on every connect. */
const bridgeIndexes = new Map<string, number>();

async function bridgeIndex(host: Netlink, net: Network, name: string): Promise<number> {
  const cached = bridgeIndexes.get(name);
  if (cached !== undefined) return cached;
  const link = await host.getLink(name);
  if (!link) throw new CnmError('not-found', `bridge ${name} of network ${net.name} does not exist`, { network: net.id, link: name });
  bridgeIndexes.set(name, link.index);
  return link.index;
}
