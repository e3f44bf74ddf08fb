// The live subnet-conflict watch: when a host route or address that is not cnm's own overlaps a
// network's subnet (a VPN came up, a new interface), the network is marked; when it goes, the mark
// goes. Driven by netlink notifications (kernel/netlink/watch.ts) and by the controller's own
// network create/destroy events, never by polling. Each change is an event on /events.
import type { DockerEvent } from '../../model/docker.js';
import { conflictText, type SubnetConflict } from '../../model/diagnose.js';
import { overlaps, parseCidr } from '../../model/ip.js';
import type { Controller } from '../core/controller.js';
import type { LinkInfo, Netlink } from '../kernel/netlink/netlink.js';
import { watchAddressesAndRoutes, type AddressWatch } from '../kernel/netlink/watch.js';
import { log } from '../log.js';

export interface ConflictWatchDeps {
  controller: Controller;
  host: Netlink;
  /** Links cnm made (their routes and addresses are cnm's own networks). */
  isOwnLink: (link: LinkInfo) => boolean;
}

/** Event actions on /events (Type network). */
export const CONFLICT = 'subnet-conflict';
export const CONFLICT_CLEARED = 'subnet-conflict-cleared';

interface Prefix {
  kind: 'route' | 'address';
  prefix: string;
  ifname?: string;
}

const key = (c: Omit<SubnetConflict, 'since'>) => `${c.networkId}|${c.kind}|${c.prefix}|${c.ifname ?? ''}`;

/** Prefixes that overlap everything or nothing real: default routes, loopback, link-local. */
function ignored(prefix: string): boolean {
  return /\/0$/.test(prefix) || prefix.startsWith('127.') || prefix === '::1/128' || /^fe80:/i.test(prefix) || /^ff00::/i.test(prefix);
}

/** The conflicts of these networks with these host prefixes (pure). */
export function findConflicts(
  networks: Array<{ id: string; name: string; driver: string; subnets: string[]; parent?: string }>,
  prefixes: Prefix[],
): Array<Omit<SubnetConflict, 'since'>> {
  const out: Array<Omit<SubnetConflict, 'since'>> = [];
  for (const n of networks) {
    for (const subnet of n.subnets) {
      const s = parseCidr(subnet);
      if (!s) continue;
      for (const p of prefixes) {
        // A macvlan network shares its parent's LAN by design.
        if (n.parent && p.ifname === n.parent) continue;
        const c = parseCidr(p.prefix);
        if (c && overlaps(s, c)) out.push({ network: n.name, networkId: n.id, subnet, kind: p.kind, prefix: p.prefix, ifname: p.ifname });
      }
    }
  }
  return out;
}

export class ConflictWatch {
  private current = new Map<string, SubnetConflict>();
  private watch?: AddressWatch;
  private running?: Promise<void>;
  private again = false;
  private readonly onEvent = (ev: DockerEvent) => {
    if (ev.Type === 'network' && ['create', 'destroy', 'move'].includes(ev.Action)) this.refresh();
  };

  constructor(private readonly deps: ConflictWatchDeps) {}

  /** Reads the host once, then follows its notifications. */
  async start(): Promise<void> {
    this.watch = watchAddressesAndRoutes(() => this.refresh());
    this.deps.controller.events.on('event', this.onEvent);
    this.refresh();
    await this.settled();
  }

  close(): void {
    this.watch?.close();
    this.deps.controller.events.off('event', this.onEvent);
  }

  list(): SubnetConflict[] {
    return [...this.current.values()];
  }

  /** Resolves when no re-read is pending (tests and start-up). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Re-reads the host; a change during a read queues one more read. */
  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.recompute()
      .catch((err) => log('warn', 'subnet-conflict watch could not read the host', { error: String((err as Error)?.message ?? err) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async recompute(): Promise<void> {
    const { host, controller, isOwnLink } = this.deps;
    const [links, addrs, routes] = await Promise.all([host.listLinks(), host.listAddresses(), host.listRoutes()]);
    const ours = new Set(links.filter(isOwnLink).map((l) => l.name));
    const prefixes: Prefix[] = [
      ...addrs.filter((a) => !ours.has(a.ifname)).map((a) => ({ kind: 'address' as const, prefix: a.cidr, ifname: a.ifname })),
      ...routes.filter((r) => !r.ifname || !ours.has(r.ifname)).map((r) => ({ kind: 'route' as const, prefix: r.dst, ifname: r.ifname })),
    ].filter((p) => !ignored(p.prefix));
    const networks = controller
      .listNetworks()
      .filter((n) => n.Driver !== 'host' && n.Driver !== 'null')
      .map((n) => ({
        id: n.Id,
        name: n.Name,
        driver: n.Driver,
        subnets: (n.IPAM?.Config ?? []).flatMap((p) => (p.Subnet ? [p.Subnet] : [])),
        parent: n.Driver === 'macvlan' ? n.Options?.parent : undefined,
      }));
    const found = new Map(findConflicts(networks, prefixes).map((c) => [key(c), c]));
    const now = new Date().toISOString();
    for (const [k, c] of found) {
      if (this.current.has(k)) continue;
      const added = { ...c, since: now };
      this.current.set(k, added);
      log('warn', 'subnet conflict', { network: c.network, subnet: c.subnet, prefix: c.prefix, ifname: c.ifname });
      this.emit(CONFLICT, added);
    }
    for (const [k, c] of this.current) {
      if (found.has(k)) continue;
      this.current.delete(k);
      log('info', 'subnet conflict cleared', { network: c.network, prefix: c.prefix, ifname: c.ifname });
      this.emit(CONFLICT_CLEARED, c);
    }
  }

  private emit(action: string, c: SubnetConflict): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    this.deps.controller.events.emit('event', {
      Type: 'network',
      Action: action,
      Actor: {
        ID: c.networkId,
        Attributes: {
          name: c.network,
          subnet: c.subnet,
          [c.kind]: c.prefix,
          ...(c.ifname ? { interface: c.ifname } : {}),
          message: conflictText(c),
        },
      },
      scope: 'local',
      time: Number(now / 1_000_000_000n),
      timeNano: Number(now),
    });
  }
}
