// The controller: the one implementation of helper/core/controller.ts. It owns the in-memory
// state and serialises every change; the per-operation logic lives in networks.ts,
// endpoints.ts, sandboxes.ts and restore.ts.
import type {
  ClusterHealth,
  ClusterView,
  DnsRecord,
  HostInfo,
  Network,
  Sandbox,
  SandboxCreateRequest,
  SandboxView,
} from '../../model/cnm.js';
import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkResource,
} from '../../model/docker.js';
import { invalid } from '../errors.js';
import { CoreContext, type CoreDeps } from './context.js';
import type { Controller } from './controller.js';
import { connect, disconnect, endpointRequest } from './endpoints.js';
import { configInUse, createNetwork, ensureDefaultNetworks, removeNetwork } from './networks.js';
import { restore } from './restore.js';
import { moveNetwork } from './move.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import { Healer, repairSandbox } from './heal/healer.js';
import { GlobalNetworks } from './global.js';
import { createSandbox, removeSandbox, renameSandbox } from './sandboxes.js';
import { networkResource } from './shapes.js';
import { portMap, type PublishedPort } from '../../model/ports.js';
import { publishedPorts, publisher } from '../ports/state.js';

export class Core implements Controller {
  private readonly ctx: CoreContext;
  private healer: Healer | undefined;

  private constructor(deps: CoreDeps) {
    this.ctx = new CoreContext(deps);
    this.ctx.global = new GlobalNetworks(this.ctx, deps.global);
  }

  /** Loads the store, re-adopts kernel objects, and makes the default networks on first start. */
  static async start(deps: CoreDeps): Promise<Core> {
    const core = new Core(deps);
    await restore(core.ctx);
    await ensureDefaultNetworks(core.ctx);
    core.ctx.global.start();
    return core;
  }

  /** Starts self-healing: kernel notifications for cnmd's links, firewall table and sandbox namespaces. */
  startHealing(): void {
    this.healer ??= new Healer(this.ctx);
    this.healer.start();
  }

  get events() {
    return this.ctx.events;
  }

  private network(ref: string) {
    return this.ctx.state.network(ref);
  }

  private sandbox(ref: string): Sandbox {
    return this.ctx.state.sandbox(ref);
  }

  private resource(id: string): NetworkResource {
    const { state } = this.ctx;
    const res = networkResource(state.networks.get(id)!, state.endpointsOfNetwork(id), (s) => state.sandboxes.get(s));
    // cnm's addition to Docker's endpoint data: the ports published through this endpoint.
    for (const [sbId, c] of Object.entries(res.Containers)) {
      const sb = state.sandboxes.get(sbId);
      if (sb?.ports?.length && publisher(this.ctx, sb)?.ep.id === c.EndpointID) c.Ports = portMap(sb.ports);
    }
    Object.assign(res.Containers, this.ctx.global.remoteContainers(id));
    return res;
  }

  listNetworks(): NetworkResource[] {
    return [...this.ctx.state.networks.keys()].map((id) => this.resource(id));
  }

  inspectNetwork(idOrName: string): NetworkResource {
    return this.resource(this.network(idOrName).id);
  }

  driverNames(): string[] {
    return this.ctx.deps.drivers.names();
  }

  networkNotes(idOrName: string): string[] {
    const b = this.ctx.of(this.network(idOrName));
    return b.driver.notes?.(b) ?? [];
  }

  createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    // A global-scope driver's networks are claimed first (cluster-wide, or on this host for a
    // stand-alone one); createNetwork gives Docker's errors for everything else (unknown driver).
    // A config-only network is stored under the null driver: nothing to claim.
    const global =
      !req?.ConfigOnly && this.ctx.deps.drivers.all().find((d) => d.name === (req?.Driver || 'bridge'))?.caps.scope === 'global';
    return this.ctx.mutex.run(() => (global ? this.ctx.global.createNetwork(req) : createNetwork(this.ctx, req)));
  }

  removeNetwork(idOrName: string): Promise<void> {
    return this.ctx.mutex.run(() => this.remove(this.network(idOrName)));
  }

  private remove(net: Network): Promise<void> {
    return net.scope === 'global' ? this.ctx.global.removeNetwork(net) : removeNetwork(this.ctx, net);
  }

  connect(idOrName: string, req: NetworkConnectRequest): Promise<void> {
    return this.ctx.mutex.run(async () => {
      if (!req || typeof req.Container !== 'string') throw invalid('Container is required');
      const net = this.network(idOrName);
      const sb = this.sandbox(req.Container);
      await connect(this.ctx, net, sb, endpointRequest(req.EndpointConfig));
      await this.ctx.global.egress(sb);
    });
  }

  disconnect(idOrName: string, req: NetworkDisconnectRequest): Promise<void> {
    return this.ctx.mutex.run(async () => {
      if (!req || typeof req.Container !== 'string') throw invalid('Container is required');
      const net = this.network(idOrName);
      const sb = this.sandbox(req.Container);
      await disconnect(this.ctx, net, sb, !!req.Force);
      await this.ctx.global.egress(sb);
    });
  }

  moveNetwork(idOrName: string, req: NetworkMoveRequest): Promise<NetworkMovePlan> {
    return this.ctx.mutex.run(() => moveNetwork(this.ctx, this.network(idOrName), req ?? {}));
  }

  prune(keep: (n: NetworkResource) => boolean): Promise<string[]> {
    return this.ctx.mutex.run(async () => {
      const removed: string[] = [];
      for (const net of [...this.ctx.state.networks.values()]) {
        // As Docker: what cannot be removed (in use, a configuration still used) is left, not an error.
        if (net.builtin || this.ctx.state.endpointsOfNetwork(net.id).length > 0 || configInUse(this.ctx, net)) continue;
        if (!keep(this.resource(net.id))) continue;
        await this.remove(net);
        removed.push(net.name);
      }
      return removed;
    });
  }

  createSandbox(req: SandboxCreateRequest): Promise<SandboxView> {
    return this.ctx.mutex.run(async () => {
      const sb = await createSandbox(this.ctx, req);
      await this.ctx.global.egress(sb);
      return this.view(sb);
    });
  }

  listSandboxes(): SandboxView[] {
    return [...this.ctx.state.sandboxes.values()].map((s) => this.view(s));
  }

  inspectSandbox(idOrName: string): SandboxView {
    return this.view(this.sandbox(idOrName));
  }

  removeSandbox(idOrName: string, force: boolean): Promise<void> {
    return this.ctx.mutex.run(() => removeSandbox(this.ctx, this.sandbox(idOrName), force));
  }

  repairSandbox(idOrName: string): Promise<SandboxView> {
    return this.ctx.mutex.run(async () => {
      const sb = this.sandbox(idOrName);
      await repairSandbox(this.ctx, sb);
      return this.view(sb);
    });
  }

  renameSandbox(idOrName: string, newName: string): Promise<void> {
    return this.ctx.mutex.run(() => renameSandbox(this.ctx, this.sandbox(idOrName), newName));
  }

  private view(sb: Sandbox): SandboxView {
    const { state } = this.ctx;
    return {
      ...sb,
      endpoints: state.endpointsOfSandbox(sb.id).map((e) => ({ ...e, networkName: state.networks.get(e.networkId)!.name })),
      netnsFile: this.ctx.onHostNetns(sb) ? `/proc/${process.pid}/ns/net` : sb.netnsPath,
      ...(this.ctx.lost.has(sb.id) ? { warnings: [this.ctx.lost.get(sb.id)!] } : {}),
      NetworkSettings: { Ports: portMap(sb.ports ?? [], sb.exposed) },
    };
  }

  async hostInfo(): Promise<HostInfo> {
    const { host } = this.ctx.deps;
    const [links, addrs, routes] = await Promise.all([host.listLinks(), host.listAddresses(), host.listRoutes()]);
    return {
      interfaces: links.map((l) => ({
        name: l.name,
        kind: l.kind ?? '',
        up: l.up,
        addresses: addrs.filter((a) => a.ifname === l.name).map((a) => a.cidr),
      })),
      routes,
    };
  }

  async publishedPorts(): Promise<PublishedPort[]> {
    const addrs = await this.ctx.deps.host.listAddresses();
    return publishedPorts(
      this.ctx,
      addrs.map((a) => a.cidr.split('/')[0]!),
    );
  }

  dnsRecords(network?: string): DnsRecord[] {
    return this.ctx.deps.names.records(network === undefined ? undefined : this.network(network));
  }

  cluster(): Promise<ClusterView> {
    return this.ctx.deps.cluster?.view() ?? Promise.resolve({ configured: false, hosts: [] });
  }

  clusterHealth(): ClusterHealth | undefined {
    return this.ctx.deps.cluster?.health();
  }

  reserveAddress(idOrName: string, ip: string): Promise<string | undefined> {
    return this.ctx.global.reserveAddress(this.network(idOrName), ip);
  }

  releaseAddress(idOrName: string, ip: string): Promise<void> {
    return this.ctx.global.releaseAddress(this.network(idOrName), ip);
  }

  /** Closes the sandbox sockets; the kernel objects stay for the next start to re-adopt. */
  async close(): Promise<void> {
    this.healer?.close();
    for (const id of [...this.ctx.sockets.keys()]) this.ctx.closeHandle(id);
  }
}
