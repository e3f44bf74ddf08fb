// The bridge driver: one Linux bridge per network (gateway addresses on it), one veth per
// endpoint whose peer is born inside the sandbox netns as eth<N>. Firewall rules are per network
// (rules()), so connecting an endpoint never touches nftables. State (bridge indexes, spares) is
// per instance: one instance per core.
import type { Endpoint, Network } from '../../../model/cnm.js';
import { CnmError, conflict, invalid, TeardownErrors, withContext } from '../../errors.js';
import { log } from '../../log.js';
import type { Netlink } from '../../kernel/netlink/netlink.js';
import type { NetworkRules } from '../../kernel/nftables/ruleset.js';
import { setIPv6 } from '../../kernel/sysctl.js';
import {
  LOCAL_LINK_CAPS,
  type Bound,
  type Capabilities,
  type DriverDeps,
  type KernelView,
  type NetworkDriver,
  type SandboxHandle,
} from '../driver.js';
import { adoptedAlias, ownerAlias } from '../owner.js';
import { addAddressIfMissing, gatewayCidrs, interfaceProblems, plumbInterface } from '../plumbing.js';
import { parseBridgeOptions, type BridgeConfig } from './options.js';
import { Spares, type Spare } from './spares.js';
import { failpoint } from '../../failpoints.js';

/** Host end of an endpoint's veth: 'vcnm' + 10 hex of the endpoint id (14 chars, under IFNAMSIZ). */
export const hostVethName = (endpointId: string): string => `vcnm${endpointId.slice(0, 10)}`;

type Net = Bound<BridgeConfig>;

export class BridgeDriver implements NetworkDriver<BridgeConfig> {
  readonly name = 'bridge' as const;
  readonly caps: Capabilities = LOCAL_LINK_CAPS;
  private readonly host: Netlink;
  private readonly spares: Spares;
  /** Spares handed to an endpoint by nameHostLink, waiting for its setupEndpoint. */
  private readonly reserved = new Map<string, Spare>();
  /** Bridge ifindexes by name: looked up once, not on every connect. */
  private readonly bridgeIndexes = new Map<string, number>();

  constructor({ host }: DriverDeps) {
    this.host = host;
    this.spares = new Spares(host);
  }

  async validate(net: Network): Promise<BridgeConfig> {
    return parseBridgeOptions(net);
  }

  async setupNetwork({ net, cfg }: Net): Promise<void> {
    const { host } = this;
    const ctx = { network: net.id, link: cfg.bridgeName };
    this.bridgeIndexes.delete(cfg.bridgeName);
    let created = false;
    try {
      const existing = await host.getLink(cfg.bridgeName);
      if (!existing) {
        // Kept, so the first connect to a fresh network (the user's create-connect cycle) skips a lookup.
        this.bridgeIndexes.set(
          cfg.bridgeName,
          await host.createBridge(cfg.bridgeName, { mtu: cfg.mtu, alias: ownerAlias(net.id), up: true }),
        );
        created = true;
        // No IPv6 on the network, none on the bridge: otherwise its first port's carrier starts the
        // bridge's IPv6 autoconfiguration (link-local, DAD, MLD) in the kernel, in the middle of the
        // first connect (measured: ~1 ms of a 4 ms connect in the create-connect cycle).
        if (!net.enableIPv6) setIPv6(cfg.bridgeName, false, host.netnsPath);
      } else if (existing.kind !== 'bridge' || ![ownerAlias(net.id), adoptedAlias(net.id), ''].includes(existing.alias)) {
        throw conflict(
          `cannot use ${cfg.bridgeName} for network ${net.name}: it is ${existing.kind || 'a link'} owned by ${existing.alias || 'someone else'}`,
          ctx,
        );
      } else {
        // Re-adoption after a restart, or a bridge the admin made for us (com.docker.network.bridge.name):
        // that one is marked adopted, never deleted by cnm.
        if (existing.alias === '') await host.setAlias(cfg.bridgeName, adoptedAlias(net.id));
        if (!existing.up) await host.setUp(cfg.bridgeName);
        this.bridgeIndexes.set(cfg.bridgeName, existing.index);
        if (existing.alias === ownerAlias(net.id)) await dropStaleGateways(host, cfg.bridgeName, gatewayCidrs(net));
      }
      for (const cidr of gatewayCidrs(net)) await addAddressIfMissing(host, cfg.bridgeName, cidr);
    } catch (err) {
      // Undo our own partial work: a bridge made here must not outlive a failed setup.
      if (created) await host.deleteLink(cfg.bridgeName).catch((e) => log('warn', 'bridge rollback failed', { ...ctx, error: String(e) }));
      throw withContext(err, ctx);
    }
  }

  async teardownNetwork({ net, cfg }: Net): Promise<void> {
    const { bridgeName } = cfg;
    this.bridgeIndexes.delete(bridgeName);
    const link = await this.host.getLink(bridgeName);
    if (link?.alias === adoptedAlias(net.id)) {
      // The admin's bridge: given back as it was found (no alias), with its addresses, like Docker.
      await this.host.setAlias(bridgeName, '').catch((err) => {
        throw withContext(err, { network: net.id, link: bridgeName });
      });
      return;
    }
    if (link && link.alias !== ownerAlias(net.id)) {
      log('warn', 'bridge not owned by this network, left in place', { network: net.id, link: bridgeName, alias: link.alias });
      return;
    }
    await this.host.deleteLink(bridgeName).catch((err) => {
      throw withContext(err, { network: net.id, link: bridgeName });
    });
  }

  nameHostLink(_n: Net, ep: Endpoint, sb: SandboxHandle): void {
    const spare = this.spares.take(sb.sandbox.id);
    if (spare) this.reserved.set(spare.hostName, spare);
    ep.hostIfname = spare?.hostName ?? hostVethName(ep.id);
  }

  async setupEndpoint({ net, cfg }: Net, ep: Endpoint, sb: SandboxHandle, defaultRoute: boolean): Promise<void> {
    const { host } = this;
    const nl = sb.nl;
    const ctx = { network: net.id, endpoint: ep.id, sandbox: sb.sandbox.id, netns: sb.sandbox.netnsPath };
    if (!nl) throw invalid(`a bridge endpoint needs a sandbox with its own network namespace`, ctx);
    const route = defaultRoute && !net.internal;
    const spare = ep.hostIfname ? this.reserved.get(ep.hostIfname) : undefined;
    if (spare) {
      this.reserved.delete(spare.hostName);
      try {
        await this.spares.use(spare, ep, nl, await this.bridgeIndex(net.name, cfg.bridgeName), cfg.mtu, (before, ipv6) =>
          plumbInterface(net, ep, sb, route, before, ipv6),
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
      await veth(await this.bridgeIndex(net.name, cfg.bridgeName));
    } catch (err) {
      // The cached index may be stale (the bridge was re-created behind our back): look it up once more.
      this.bridgeIndexes.delete(cfg.bridgeName);
      await host.deleteLink(hostName).catch(() => undefined);
      await veth(await this.bridgeIndex(net.name, cfg.bridgeName)).catch((again) => {
        throw withContext(again ?? err, { ...ctx, link: hostName });
      });
    }
    failpoint('connect:veth');
    try {
      setIPv6(hostName, false, host.netnsPath); // a bridge port needs no addresses; see quietIPv6In
      await plumbInterface(net, ep, sb, route);
    } catch (err) {
      // Undo our own half-made endpoint; the core only tears down steps that completed.
      await host.deleteLink(hostName).catch((e) => log('warn', 'rollback of veth failed', { link: hostName, error: String(e) }));
      throw withContext(err, { ...ctx, link: ep.ifname });
    }
    this.spares.replenish(sb);
  }

  checkEndpoint({ net, cfg }: Net, ep: Endpoint, view: KernelView, defaultRoute: boolean): string[] {
    const problems = interfaceProblems(net, ep, view, defaultRoute && !net.internal);
    const hostName = ep.hostIfname ?? hostVethName(ep.id);
    const end = view.hostLinks.find((l) => l.name === hostName);
    const bridge = view.hostLinks.find((l) => l.name === cfg.bridgeName);
    if (!end) return [...problems, `${hostName} is missing`];
    if (end.alias !== ownerAlias(ep.id)) problems.push(`${hostName} is marked '${end.alias}', not ${ownerAlias(ep.id)}`);
    if (!end.up) problems.push(`${hostName} is down`);
    if (!bridge || end.masterIndex !== bridge.index) problems.push(`${hostName} is not on ${cfg.bridgeName}`);
    return problems;
  }

  async teardownEndpoint({ net, cfg }: Net, ep: Endpoint, sb: SandboxHandle): Promise<void> {
    const errors = new TeardownErrors();
    const hostName = ep.hostIfname ?? hostVethName(ep.id);
    await errors.run({ network: net.id, endpoint: ep.id, sandbox: sb.sandbox.id, link: hostName }, async () => {
      const parked = await this.spares.park(ep, hostName, sb, this.bridgeIndexes.get(cfg.bridgeName), cfg.mtu).catch((err) => {
        log('debug', 'veth not parked', { link: hostName, error: String(err) });
        return false;
      });
      // Deleting the host end removes the peer inside the sandbox with it.
      if (!parked) await this.host.deleteLink(hostName);
    });
    errors.throwIfAny(`cannot tear down endpoint ${ep.id.slice(0, 12)} on network ${net.name}`, { network: net.id, endpoint: ep.id });
  }

  sandboxGone(sandboxId: string): void {
    this.spares.forget(sandboxId);
  }

  rules({ net, cfg }: Net): NetworkRules {
    return {
      networkId: net.id,
      bridge: cfg.bridgeName,
      subnets: net.ipam.pools.map((p) => p.subnet),
      internal: net.internal,
      icc: cfg.icc,
      masquerade: cfg.masquerade,
    };
  }

  private async bridgeIndex(network: string, name: string): Promise<number> {
    const cached = this.bridgeIndexes.get(name);
    if (cached !== undefined) return cached;
    const link = await this.host.getLink(name);
    if (!link) throw new CnmError('not-found', `bridge ${name} of network ${network} does not exist`, { link: name });
    this.bridgeIndexes.set(name, link.index);
    return link.index;
  }
}

/**
 * On re-adoption of cnm's own bridge: an address that is no gateway of the network any more goes
 * (a move killed after the new gateway was set, a subnet changed while cnmd was down). Link-local
 * IPv6 is the kernel's and stays; an admin's adopted bridge is never touched.
 */
async function dropStaleGateways(host: Netlink, bridge: string, want: string[]): Promise<void> {
  const keep = new Set(want);
  for (const a of await host.listAddresses()) {
    if (a.ifname !== bridge || keep.has(a.cidr) || a.cidr.toLowerCase().startsWith('fe80:')) continue;
    await host.delAddress(bridge, a.cidr);
    log('info', 'stale gateway address removed from bridge', { link: bridge, address: a.cidr });
  }
}
