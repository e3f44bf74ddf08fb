// Everything an operation of the core needs, in one object passed to the per-operation modules.
import { EventEmitter } from 'node:events';
import type { DockerEvent } from '../../model/docker.js';
import type { Network, Sandbox } from '../../model/cnm.js';
import type { Store } from '../store/store.js';
import type { DefaultIpam } from '../ipam/ipam.js';
import type { Netlink } from '../kernel/netlink/netlink.js';
import type { Firewall } from '../kernel/nftables/nft.js';
import type { SandboxFiles } from '../sandbox/files.js';
import type { NameService } from './names.js';
import { driverFor } from '../drivers/index.js';
import type { DriverContext, SandboxHandle } from '../drivers/driver.js';
import type { NetworkRules } from '../kernel/nftables/ruleset.js';
import { Mutex } from './mutex.js';
import { State } from './state.js';

export interface CoreDeps {
  store: Store;
  ipam: DefaultIpam;
  host: Netlink;
  firewall: Firewall;
  files: SandboxFiles;
  names: NameService;
  /** Prefix of every netns this cnmd makes: `cnm-<instance tag>-`. */
  netnsPrefix: string;
  /** Opens a netlink socket inside a sandbox's netns (injected so the core stays testable). */
  openNetns: (nsPath: string) => Netlink;
}

export class CoreContext {
  readonly state = new State();
  readonly mutex = new Mutex();
  readonly events = new EventEmitter<{ event: [DockerEvent] }>();
  /** Netlink sockets opened inside each sandbox's netns, kept for the sandbox's life. */
  readonly sockets = new Map<string, Netlink>();

  constructor(readonly deps: CoreDeps) {}

  get driverCtx(): DriverContext {
    return { host: this.deps.host };
  }

  handle(sb: Sandbox): SandboxHandle {
    if (sb.netnsPath === 'host') return { sandbox: sb, nl: null };
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

  /** Rewrites cnm's whole firewall from the networks that remain (one atomic batch). */
  async applyFirewall(except?: string, extra?: Network): Promise<void> {
    const rules: NetworkRules[] = [];
    const nets = [...this.state.networks.values()].filter((n) => n.id !== except);
    if (extra) nets.push(extra);
    for (const n of nets) {
      const r = driverFor(n.driver).rules(n);
      if (r) rules.push(r);
    }
    await this.deps.firewall.apply(rules);
  }

  emit(action: string, net: Network, extra: Record<string, string> = {}): void {
    const now = process.hrtime.bigint();
    const wall = BigInt(Date.now()) * 1_000_000n + (now % 1_000_000n);
    this.events.emit('event', {
      Type: 'network',
      Action: action,
      Actor: { ID: net.id, Attributes: { ...extra, name: net.name, type: net.driver } },
      scope: net.scope === 'global' ? 'swarm' : 'local',
      time: Number(wall / 1_000_000_000n),
      timeNano: Number(wall),
    });
  }
}
