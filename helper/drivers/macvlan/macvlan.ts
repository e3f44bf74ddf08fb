// The macvlan driver: each endpoint is a macvlan link on the network's parent, born inside the
// sandbox's namespace as ethN (no move between namespaces), with an address from the subnet; no
// bridge, no NAT, no firewall rules. The host cannot reach its own macvlan children through the
// parent (the kernel does not hand frames from a parent to its macvlans): `cnm.macvlan.host_shim`
// adds a host-side macvlan in bridge mode plus routes for the subnet, removed with the network.
import type { Endpoint, Network } from '../../../model/cnm.js';
import { formatAddr, last, parseCidr } from '../../../model/ip.js';
import { CnmError, TeardownErrors, withContext } from '../../errors.js';
import type { Netlink } from '../../kernel/netlink/netlink.js';
import {
  LOCAL_LINK_CAPS,
  type Bound,
  type Capabilities,
  type DriverDeps,
  type NetworkDriver,
  type SandboxHandle,
  type ValidateContext,
} from '../driver.js';
import type { KernelView } from '../driver.js';
import { ownerAlias } from '../owner.js';
import { addAddressIfMissing, interfaceProblems, macvlanIntoSandbox } from '../plumbing.js';
import { OPT, parseMacvlanOptions, parseVlanParent, type MacvlanConfig } from './options.js';

type Net = Bound<MacvlanConfig>;

/** The host-side shim link: 'cnmsh' + 10 hex of the network id. */
export const shimName = (networkId: string): string => `cnmsh${networkId.slice(0, 10)}`;

const dockerErr = (msg: string) => new CnmError('internal', msg);

export class MacvlanDriver implements NetworkDriver<MacvlanConfig> {
  readonly name = 'macvlan' as const;
  readonly caps: Capabilities = { ...LOCAL_LINK_CAPS, parentLink: true };
  private readonly host: Netlink;

  constructor({ host }: DriverDeps) {
    this.host = host;
  }

  async validate(net: Network, ctx: ValidateContext): Promise<MacvlanConfig> {
    const cfg = parseMacvlanOptions(net);
    if (ctx.restoring) return cfg;
    // libnetwork: one macvlan network per parent.
    const other = ctx.others.find((o) => o.net.driver === 'macvlan' && (o.cfg as MacvlanConfig).parent === cfg.parent);
    if (other) throw dockerErr(`network dm-${other.net.id.slice(0, 12)} is already using parent interface ${cfg.parent}`);
    if (cfg.made) return cfg;
    const links = new Set((await ctx.hostLinks()).map((l) => l.name));
    if (links.has(cfg.parent)) return cfg;
    // Not there: libnetwork reads it as parent.vlan and makes that 802.1q sub-interface.
    if (!cfg.parent.includes('.')) throw dockerErr(`invalid subinterface vlan name ${cfg.parent}, example formatting is eth0.10`);
    const { base, id } = parseVlanParent(cfg.parent);
    if (!links.has(base)) throw dockerErr(`-o parent interface was not found on the host: ${base}`);
    if (id < 1 || id > 4094) throw dockerErr(`vlan id must be between 1-4094, received: ${id}`);
    return { ...cfg, made: { kind: 'vlan', base, id } };
  }

  /** The shim's address: the subnet's highest host address that is not the gateway. */
  reservedAddresses({ net, cfg }: Net): string[] {
    if (!cfg.hostShim) return [];
    const pool = net.ipam.pools.find((p) => !p.subnet.includes(':'));
    const subnet = pool && parseCidr(pool.subnet);
    if (!pool || !subnet || subnet.prefix > 30) throw dockerErr(`${OPT.hostShim} needs an IPv4 subnet of at least 4 addresses`);
    const top = last(subnet) - 1n;
    const pick = formatAddr(4, top) === pool.gateway ? top - 1n : top;
    return [formatAddr(4, pick)];
  }

  async setupNetwork(n: Net): Promise<void> {
    const { net, cfg } = n;
    const { host } = this;
    const made: string[] = [];
    try {
      if (cfg.made?.kind === 'vlan') {
        await this.ensureVlan(net, cfg.parent, cfg.made.base, cfg.made.id);
        made.push(cfg.parent);
      } else if (cfg.made?.kind === 'stand-in' && !(await host.getLink(cfg.parent))) {
        await host.createVethPair({ name: cfg.parent, peerName: cfg.made.peer, alias: ownerAlias(net.id) });
        made.push(cfg.parent);
      }
      if (cfg.hostShim) await this.setupShim(n);
    } catch (err) {
      for (const link of made.reverse()) await host.deleteLink(link).catch(() => undefined);
      throw withContext(err, { network: net.id, link: cfg.parent });
    }
  }

  async teardownNetwork({ net, cfg }: Net): Promise<void> {
    const td = new TeardownErrors();
    // The shim and the links cnmd made (vlan, stand-in), only when they carry this network's alias.
    for (const name of [shimName(net.id), ...(cfg.made ? [cfg.parent] : [])]) {
      await td.run({ network: net.id, link: name }, async () => {
        const link = await this.host.getLink(name);
        if (link && link.alias === ownerAlias(net.id)) await this.host.deleteLink(name);
      });
    }
    td.throwIfAny(`cannot tear down macvlan network ${net.name}`, { network: net.id });
  }

  async setupEndpoint({ net, cfg }: Net, ep: Endpoint, sb: SandboxHandle, defaultRoute: boolean): Promise<void> {
    const ctx = { network: net.id, endpoint: ep.id, sandbox: sb.sandbox.id, link: ep.ifname, netns: sb.sandbox.netnsPath };
    if (!sb.nl) throw new CnmError('invalid', 'a macvlan endpoint needs a sandbox with its own network namespace', ctx);
    const isolated = this.isolated(net, cfg);
    try {
      await macvlanIntoSandbox(this.host, net, ep, sb, { parent: cfg.parent, mode: cfg.mode, mtu: cfg.mtu }, defaultRoute && !isolated);
    } catch (err) {
      if (cfg.mode === 'passthru' && err instanceof CnmError && err.kind !== 'not-found') {
        throw new CnmError(
          err.kind,
          `macvlan passthru mode allows one endpoint on parent ${cfg.parent}, and it is in use (${err.message})`,
          ctx,
          err,
        );
      }
      throw withContext(err, ctx);
    }
  }

  /** No way out of the network: no default route. */
  private isolated(net: Network, cfg: MacvlanConfig): boolean {
    return net.internal || cfg.made?.kind === 'stand-in';
  }

  checkEndpoint({ net, cfg }: Net, ep: Endpoint, view: KernelView, defaultRoute: boolean): string[] {
    const problems = interfaceProblems(net, ep, view, defaultRoute && !this.isolated(net, cfg));
    const link = view.links.find((l) => l.name === ep.ifname);
    if (link && link.alias !== ownerAlias(ep.id)) problems.push(`${ep.ifname} is not marked ${ownerAlias(ep.id)}`);
    return problems;
  }

  async teardownEndpoint({ net }: Net, ep: Endpoint, sb: SandboxHandle): Promise<void> {
    // The link lives only inside the sandbox; a sandbox whose namespace is gone took it along.
    await sb.nl?.deleteLink(ep.ifname).catch((err) => {
      throw withContext(err, { network: net.id, endpoint: ep.id, link: ep.ifname });
    });
  }

  notes({ cfg }: Net): string[] {
    const notes: string[] = [];
    if (cfg.made?.kind === 'stand-in') {
      notes.push(
        `no parent link (or --internal): sandboxes reach only each other, on a stand-in segment ${cfg.parent} (Docker uses a dummy link; this kernel may lack dummy links)`,
      );
    } else if (!cfg.hostShim) {
      notes.push(
        `the host cannot reach this network's sandboxes through ${cfg.parent} (the kernel does not pass traffic between a parent and its macvlans); create the network with -o ${OPT.hostShim}=true for a host-side shim`,
      );
    }
    return notes;
  }

  private async ensureVlan(net: Network, name: string, base: string, id: number): Promise<void> {
    const existing = await this.host.getLink(name);
    if (existing) return;
    try {
      await this.host.createVlan({ name, parent: base, id, alias: ownerAlias(net.id) });
    } catch (err) {
      if (err instanceof CnmError && err.kind === 'unsupported') {
        throw new CnmError(
          'unsupported',
          `kernel lacks 802.1q VLAN support (module 8021q): cannot create ${name}`,
          { network: net.id, link: name },
          err,
        );
      }
      throw dockerErr(`failed to create ${name} vlan link: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Host-side macvlan (bridge mode) with the reserved address, and the subnet's two halves routed
   * through it: more specific than a connected route the parent may have for the whole subnet. */
  private async setupShim(n: Net): Promise<void> {
    const { net, cfg } = n;
    const name = shimName(net.id);
    const [addr] = this.reservedAddresses(n);
    const subnet = parseCidr(net.ipam.pools.find((p) => !p.subnet.includes(':'))!.subnet)!;
    if (!(await this.host.getLink(name))) {
      await this.host.createMacvlan({ name, parent: cfg.parent, mode: 'bridge', mtu: cfg.mtu, alias: ownerAlias(net.id) });
    }
    await addAddressIfMissing(this.host, name, `${addr}/32`);
    const half = subnet.prefix + 1;
    for (const base of [subnet.base, subnet.base + (1n << BigInt(32 - half))]) {
      await this.host.addRoute({ dst: `${formatAddr(4, base)}/${half}`, ifname: name }).catch((err) => {
        if (!(err instanceof CnmError && err.kind === 'conflict')) throw err;
      });
    }
  }
}
