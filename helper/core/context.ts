// Everything an operation of the core needs, in one object passed to the per-operation modules.
import type { ContainerResolver } from './adopt.js';
import { EventEmitter } from 'node:events';
import type { DockerEvent } from '../../model/docker.js';
import { HEAL_EVENT_TYPE, type HealAction, type HealAttributes } from '../../model/heal.js';
import { HOST_NETNS, type Network, type Sandbox } from '../../model/cnm.js';
import type { Store } from '../store/store.js';
import type { DefaultIpam } from '../ipam/ipam.js';
import type { Netlink } from '../kernel/netlink/netlink.js';
import type { Firewall } from '../kernel/nftables/nft.js';
import type { SandboxFiles } from '../sandbox/files.js';
import type { NameService } from './names.js';
import type { ClusterMembership } from './controller.js';
import type { GlobalNetworks, GlobalStore } from './global.js';
import type { Bound, DriverRegistry, NetworkDriver, SandboxHandle, ValidateContext } from '../drivers/driver.js';
import type { NetworkRules } from '../kernel/nftables/ruleset.js';
import type { PortRule } from '../kernel/nftables/ports.js';
import { portRules } from '../ports/state.js';
import { Mutex } from './mutex.js';
import { State } from './state.js';

export interface CoreDeps {
  store: Store;
  ipam: DefaultIpam;
  host: Netlink;
  firewall: Firewall;
  files: SandboxFiles;
  names: NameService;
  /** The drivers this core implements (helper/drivers/index.ts createRegistry; fakes in tests). */
  drivers: DriverRegistry;
  /** Prefix of every netns this cnmd makes: `cnm-<instance tag>-`. */
  netnsPrefix: string;
  /** Opens a netlink socket inside a sandbox's netns (injected so the core stays testable). */
  openNetns: (nsPath: string) => Netlink;
  /** The cluster this cnmd joined (--cluster-store); absent on a stand-alone host. */
  cluster?: ClusterMembership;
  /** Finds a running Docker/Podman container's pid for `--container` adoption; absent: refused. */
  containers?: ContainerResolver;
  /** The cluster store's global-scope state (overlay networks); absent on a stand-alone host. */
  global?: GlobalStore;
}

/** A network with its driver and the configuration the driver parsed once. */
export interface NetworkOf extends Bound<unknown> {
  driver: NetworkDriver;
}

export class CoreContext {
  readonly state = new State();
  readonly mutex = new Mutex();
  readonly events = new EventEmitter<{ event: [DockerEvent] }>();
  /** Netlink sockets opened inside each sandbox's netns, kept for the sandbox's life. */
  readonly sockets = new Map<string, Netlink>();
  /** Sandboxes whose namespace was deleted from outside, with the warning inspect shows. */
  readonly lost = new Map<string, string>();
  /** Each network's driver and parsed configuration, by network id. */
  private readonly bound = new Map<string, NetworkOf>();
  /** Global-scope networks (set by the Core right after construction). */
  global!: GlobalNetworks;

  constructor(readonly deps: CoreDeps) {}

  /** The driver and parsed configuration of a network on record. */
  of(net: Network): NetworkOf {
    const b = this.bound.get(net.id);
    if (!b) throw new Error(`network ${net.id} has no parsed configuration`);
    return b;
  }

  /** Like `of`, but undefined for a network whose configuration could not be parsed. */
  tracked(net: Network): NetworkOf | undefined {
    return this.bound.get(net.id);
  }

  /** Runs the driver's validate: the typed configuration later calls get (kept by `track`). */
  async validate(net: Network, restoring: boolean): Promise<NetworkOf> {
    const driver = this.deps.drivers.get(net.driver);
    const vctx: ValidateContext = {
      hostLinks: () => this.deps.host.listLinks(),
      others: [...this.bound.values()].filter((b) => b.net.id !== net.id),
      restoring,
    };
    return { net, cfg: await driver.validate(net, vctx), driver };
  }

  track(b: NetworkOf): void {
    this.bound.set(b.net.id, b);
  }

  untrack(networkId: string): void {
    this.bound.delete(networkId);
  }

  /** Whether the sandbox shares cnmd's own namespace (made on a network whose driver says so). */
  onHostNetns(sb: Sandbox): boolean {
    return sb.netnsPath === HOST_NETNS;
  }

  handle(sb: Sandbox): SandboxHandle {
    if (this.onHostNetns(sb)) return { sandbox: sb, nl: null };
    let nl = this.sockets.get(sb.id);
    if (!nl) {
      nl = this.deps.openNetns(sb.netnsPath);
      this.sockets.set(sb.id, nl);
    }
    return { sandbox: sb, nl };
  }

  closeHandle(sandboxId: string): void {
    this.sockets.get(sandboxId)?.close();
    this.sockets.delete(sandboxId);
  }

  /**
   * Rewrites cnm's whole firewall from the networks that remain and every published port on
   * record, plus `extraPorts` of a sandbox not yet on record (one atomic batch).
   */
  async applyFirewall(except?: string, extra?: NetworkOf, extraPorts: PortRule[] = []): Promise<void> {
    const rules: NetworkRules[] = [];
    const nets = [...this.bound.values()].filter((b) => b.net.id !== except && b.net.id !== extra?.net.id);
    if (extra) nets.push(extra);
    for (const b of nets) {
      const r = b.driver.rules?.(b);
      if (r) rules.push(r);
    }
    await this.deps.firewall.apply(rules, [...portRules(this), ...extraPorts]);
  }

  emit(action: string, net: Network, extra: Record<string, string> = {}): void {
    this.events.emit('event', {
      Type: 'network',
      Action: action,
      Actor: { ID: net.id, Attributes: { ...extra, name: net.name, type: net.driver } },
      scope: net.scope === 'global' ? 'swarm' : 'local',
      ...eventTime(),
    });
  }

  /** A self-healing event (model/heal.ts) about the object with this id. */
  emitHeal(action: HealAction, id: string, attrs: HealAttributes): void {
    this.events.emit('event', {
      Type: HEAL_EVENT_TYPE,
      Action: action,
      Actor: { ID: id, Attributes: { ...attrs } },
      scope: 'local',
      ...eventTime(),
    });
  }
}

/** Docker's event time: seconds and nanoseconds of the wall clock. */
function eventTime(): { time: number; timeNano: number } {
  const now = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * 1_000_000n + (now % 1_000_000n);
  return { time: Number(wall / 1_000_000_000n), timeNano: Number(wall) };
}
