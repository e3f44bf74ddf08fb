// An in-memory daemon behind the CnmClient interface, for unit tests and the tree benchmark.
// It keeps Docker's shapes and emits /events the way cnmd does.
import { randomBytes } from 'node:crypto';
import type {
  ClusterEndpoint,
  ClusterHost,
  ClusterView,
  EngineContainer,
  HostInfo,
  SandboxCreateRequest,
  SandboxView,
} from '../../model/cnm.js';
import { TEST_KERNEL } from '../../model/features.js';
import { hostPortText, mappingsOf, portMap, type PublishedPort } from '../../model/ports.js';
import type { DockerEvent, DockerInfo, NetworkCreateRequest, NetworkResource } from '../../model/docker.js';
import type { ExecHandle, ExecOptions, ExecSinks } from '../../transport/exec.js';
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import { ApiError, type CnmClient, type EventHandlers } from './client.js';

const hex = () => randomBytes(32).toString('hex');

export function fakeNetwork(name: string, driver: string, subnet?: string, extra: Partial<NetworkResource> = {}): NetworkResource {
  return {
    Name: name,
    Id: hex(),
    Created: '2026-11-22T10:00:00.000000000Z',
    Scope: 'local',
    Driver: driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: subnet ? [{ Subnet: subnet, Gateway: subnet.replace(/0\/\d+$/, '1') }] : [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: {},
    ...extra,
  };
}

export function fakeInfo(drivers: string[], version = '0.1.0'): DockerInfo {
  return {
    ID: 'fake',
    Name: 'fake',
    ServerVersion: version,
    OperatingSystem: 'Debian GNU/Linux 12',
    OSType: 'linux',
    Architecture: 'x86_64',
    KernelVersion: '6.1.0',
    NCPU: 2,
    MemTotal: 0,
    Containers: 0,
    Images: 0,
    Driver: '',
    Plugins: { Network: drivers, Volume: [], Log: [] },
    Cnm: {
      version,
      drivers,
      kernel: TEST_KERNEL,
    },
  };
}

/** The cluster store's record of a network's `Containers` entry, held by `host` (VTEP `vtep`). */
export function fakeClusterEndpoint(net: NetworkResource, key: string, host: string, vtep: string): ClusterEndpoint {
  const c = net.Containers[key];
  return {
    networkId: net.Id,
    endpointId: c.EndpointID,
    sandboxId: key,
    name: c.Name,
    hostname: c.Name,
    aliases: [],
    ...(c.IPv4Address ? { ipv4: c.IPv4Address } : {}),
    mac: c.MacAddress,
    host,
    vtep,
  };
}

/** A cluster of hosts (the first is this host) with the store up, as GET /cnm/cluster answers. */
export function fakeCluster(
  hosts: Array<Pick<ClusterHost, 'name' | 'address' | 'state'> & Partial<ClusterHost>>,
  store = 'etcd://10.231.0.1:2379',
): ClusterView {
  return {
    configured: true,
    name: hosts[0]?.name,
    health: { store, state: 'up', since: '2026-12-01T12:00:00.000Z' },
    hosts: hosts.map((h) => ({ version: '0.1.0', ...h })),
  };
}

/** Makes these sandboxes and connects each to `network` (a fixture for tests). */
export async function connectedSandboxes(fake: FakeClient, network: string, names: string[]): Promise<void> {
  for (const n of names) {
    await fake.createSandbox({ Name: n });
    await fake.connect(network, { Container: n });
  }
}

export class FakeClient implements CnmClient {
  networks: NetworkResource[] = [
    fakeNetwork('bridge', 'bridge', '172.17.0.0/16'),
    fakeNetwork('host', 'host'),
    fakeNetwork('none', 'null'),
  ];
  sandboxes: SandboxView[] | undefined = [];
  host: HostInfo = {
    interfaces: [],
    routes: [
      { dst: 'default', gateway: '10.0.0.1' },
      { dst: '10.0.0.0/24', ifname: 'eth0' },
    ],
  };
  reachable = true;
  /** What GET /info answers; undefined plays a daemon without it (404). */
  daemonInfo: DockerInfo | undefined = fakeInfo(['bridge', 'host', 'null']);
  daemonVersion = '0.1.0';
  /** What GET /cnm/cluster answers (a standalone cnmd by default); undefined plays a daemon without it. */
  clusterView: ClusterView | undefined = { configured: false, hosts: [] };
  calls: string[] = [];
  private handlers = new Set<EventHandlers>();

  private check(): void {
    if (!this.reachable) throw Object.assign(new Error('connect ENOENT /run/cnmd/cnmd.sock'), { code: 'ENOENT' });
  }
  private find(idOrName: string): NetworkResource {
    const n = this.networks.find((x) => x.Id === idOrName || x.Name === idOrName);
    if (!n) throw new ApiError(`network ${idOrName} not found`, 404);
    return n;
  }
  emit(Action: string, n: NetworkResource, container = ''): void {
    const e: DockerEvent = {
      Type: 'network',
      Action,
      Actor: { ID: n.Id, Attributes: { name: n.Name, type: n.Driver, ...(container ? { container } : {}) } },
      scope: 'local',
      time: 0,
      timeNano: 0,
    };
    for (const h of this.handlers) h.onEvent(e);
  }
  /** cnmd's `cluster` event: the store's health (as clusterView says it now) changed. */
  emitClusterHealth(): void {
    const h = this.clusterView?.health;
    if (!h) return;
    const e: DockerEvent = {
      Type: 'cluster',
      Action: h.state,
      Actor: { ID: this.clusterView?.name ?? '', Attributes: { store: h.store, since: h.since, error: h.lastError ?? '' } },
      scope: 'swarm',
      time: 0,
      timeNano: 0,
    };
    for (const h of this.handlers) h.onEvent(e);
  }
  /** Simulates cnmd going away: every open event stream ends. */
  drop(): void {
    this.reachable = false;
    for (const h of [...this.handlers]) h.onEnd(new Error('socket hang up'));
    this.handlers.clear();
  }

  async ping() {
    this.check();
  }
  async version() {
    this.check();
    return { Version: this.daemonVersion, ApiVersion: '1.41', Platform: { Name: 'cnmd' } };
  }
  async info() {
    this.check();
    return this.daemonInfo && structuredClone(this.daemonInfo);
  }
  async listNetworks() {
    this.check();
    this.calls.push('list');
    return this.networks.map((n) => ({ ...n, Containers: {} }));
  }
  async inspectNetwork(id: string) {
    this.check();
    this.calls.push('inspect');
    return structuredClone(this.find(id));
  }
  /** Every create request, as sent. */
  createRequests: NetworkCreateRequest[] = [];
  async createNetwork(req: NetworkCreateRequest) {
    this.check();
    this.calls.push(`create ${req.Name}`);
    this.createRequests.push(structuredClone(req));
    if (this.networks.some((n) => n.Name === req.Name)) throw new ApiError(`network with name ${req.Name} already exists`, 409);
    // like cnmd: a given pool is echoed as given (no Gateway unless one was given); none given: a default pool
    const given = req.IPAM?.Config?.length ? { IPAM: { Driver: 'default', Options: {}, Config: structuredClone(req.IPAM.Config) } } : {};
    const n = fakeNetwork(req.Name, req.Driver ?? 'bridge', '172.30.0.0/16', {
      Internal: !!req.Internal,
      EnableIPv6: !!req.EnableIPv6,
      Options: req.Options ?? {},
      ...given,
    });
    this.networks.push(n);
    this.emit('create', n);
    return { Id: n.Id, Warning: '' };
  }
  async removeNetwork(id: string) {
    this.check();
    const n = this.find(id);
    if (Object.keys(n.Containers).length)
      throw new ApiError(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`, 403);
    this.networks = this.networks.filter((x) => x !== n);
    this.calls.push(`remove ${n.Name}`);
    this.emit('destroy', n);
  }
  async connect(network: string, req: { Container: string; EndpointConfig?: { IPAMConfig?: { IPv4Address?: string } | null } | null }) {
    this.check();
    const n = this.find(network);
    const sb = this.sandboxes?.find((s) => s.name === req.Container || s.id === req.Container);
    if (!sb) throw new ApiError(`No such container: ${req.Container}`, 404);
    const ip = req.EndpointConfig?.IPAMConfig?.IPv4Address ?? `172.30.0.${Object.keys(n.Containers).length + 2}`;
    const epId = hex();
    n.Containers[sb.id] = { Name: sb.name, EndpointID: epId, MacAddress: '02:42:ac:1e:00:02', IPv4Address: `${ip}/16`, IPv6Address: '' };
    sb.endpoints.push({
      id: epId,
      networkId: n.Id,
      networkName: n.Name,
      sandboxId: sb.id,
      ifname: `eth${sb.endpoints.length}`,
      mac: '02:42:ac:1e:00:02',
      ipv4: `${ip}/16`,
      aliases: [],
      order: sb.endpoints.length,
    });
    this.calls.push(`connect ${sb.name} ${n.Name}`);
    this.emit('connect', n, sb.id);
  }
  async disconnect(network: string, req: { Container: string }) {
    this.check();
    const n = this.find(network);
    const sb = this.sandboxes?.find((s) => s.name === req.Container || s.id === req.Container);
    if (!sb || !n.Containers[sb.id]) throw new ApiError(`container ${req.Container} is not connected to network ${n.Name}`, 403);
    delete n.Containers[sb.id];
    sb.endpoints = sb.endpoints.filter((e) => e.networkId !== n.Id);
    this.calls.push(`disconnect ${sb.name} ${n.Name}`);
    this.emit('disconnect', n, sb.id);
  }
  async pruneNetworks() {
    this.check();
    const gone = this.networks.filter((n) => !['bridge', 'host', 'none'].includes(n.Name) && !Object.keys(n.Containers).length);
    this.networks = this.networks.filter((n) => !gone.includes(n));
    return { NetworksDeleted: gone.map((n) => n.Name) };
  }
  async events(h: EventHandlers) {
    this.check();
    this.handlers.add(h);
    return { close: () => void this.handlers.delete(h) };
  }
  async listSandboxes() {
    this.check();
    return this.sandboxes && structuredClone(this.sandboxes);
  }
  async createSandbox(req: Pick<SandboxCreateRequest, 'Name' | 'PortBindings' | 'Container'>) {
    this.check();
    const adopted = req.Container
      ? { source: '/proc/1/ns/net', liveness: 'processes' as const, ino: 1, container: req.Container }
      : undefined;
    const sb: SandboxView = {
      ...(adopted ? { adopted } : {}),
      id: hex(),
      name: req.Name,
      hostname: req.Name,
      labels: {},
      netnsPath: `/run/netns/cnm-x-${req.Name}`,
      created: '',
      dns: [],
      endpoints: [],
      // Bindings as given, host address 0.0.0.0 where the request left it out.
      NetworkSettings: {
        Ports: portMap(mappingsOf(req.PortBindings).map((m) => ({ ...m, hostIp: m.hostIp || '0.0.0.0' }))),
      },
    };
    this.sandboxes?.push(sb);
    return structuredClone(sb);
  }
  async removeSandbox(id: string) {
    this.check();
    this.sandboxes = this.sandboxes?.filter((s) => s.id !== id);
  }
  async hostInfo() {
    this.check();
    return this.host;
  }
  async dns() {
    return [];
  }
  async cluster() {
    this.check();
    this.calls.push('cluster');
    return this.clusterView && structuredClone(this.clusterView);
  }
  async publishedPorts(): Promise<PublishedPort[] | undefined> {
    return this.sandboxes?.flatMap((sb) =>
      mappingsOf(sb.NetworkSettings?.Ports).map((m) => ({
        ...m,
        sandbox: sb.name,
        sandboxId: sb.id,
        network: sb.endpoints[0]?.networkName ?? '',
        containerIp: '',
        reachableAt: [hostPortText(m.hostIp, m.hostPort)],
      })),
    );
  }
  containers: EngineContainer[] = [];
  async listContainers() {
    this.check();
    return this.containers;
  }
  /** What exec answers: output and exit code per command (default: no output, 0). */
  execResult: (sandbox: string, cmd: string[]) => { output: string; code: number } = () => ({ output: '', code: 0 });
  readonly execs: { sandbox: string; opts: ExecOptions; input: string; sizes: string[] }[] = [];
  async exec(sandbox: string, opts: ExecOptions, sinks: ExecSinks): Promise<ExecHandle> {
    this.check();
    if (!this.sandboxes?.some((s) => s.name === sandbox || s.id === sandbox)) throw new ApiError(`No such sandbox: ${sandbox}`, 404);
    const rec = { sandbox, opts, input: '', sizes: opts.size ? [`${opts.size.rows}x${opts.size.cols}`] : [] };
    this.execs.push(rec);
    const { output, code } = this.execResult(sandbox, opts.cmd);
    let end!: (code: number) => void;
    const exit = new Promise<number>((r) => (end = r));
    queueMicrotask(() => sinks.stdout(Buffer.from(output)));
    if (!opts.stdin) queueMicrotask(() => end(code));
    return {
      id: hex(),
      write: (d) => void (rec.input += String(d)),
      endInput: () => end(code),
      resize: async (rows, cols) => void rec.sizes.push(`${rows}x${cols}`),
      exit,
    };
  }
  /** What /cnm/why and /cnm/why/matrix answer (tests set them); unset: the daemon lacks the paths. */
  whyAnswer?: (from: string, to: string, port?: string) => WhyReport;
  matrixAnswer?: (networks: string[]) => ReachabilityMatrix;
  async why(from: string, to: string, port?: string) {
    this.check();
    return this.whyAnswer?.(from, to, port);
  }
  async matrix(networks: string[]) {
    this.check();
    return this.matrixAnswer?.(networks);
  }
  /** The subnet a move without one takes; `moveFailure` plays cnmd's rolled-back move (500). */
  freeSubnet = '10.99.0.0/24';
  moveFailure: string | undefined;
  async moveNetwork(network: string, req: NetworkMoveRequest): Promise<NetworkMovePlan> {
    this.check();
    const n = this.find(network);
    const from = n.IPAM.Config?.[0]?.Subnet ?? '';
    const to = req.Subnet ?? this.freeSubnet;
    const prefix = to.split('/')[1];
    const base = to.split('/')[0]!.split('.').slice(0, 3).join('.');
    const endpoints = Object.entries(n.Containers).map(([id, c], i) => ({
      sandbox: c.Name,
      sandboxId: id,
      endpointId: c.EndpointID,
      ifname: 'eth0',
      from: c.IPv4Address,
      to: `${base}.${i + 2}/${prefix}`,
      macFrom: c.MacAddress,
      macTo: c.MacAddress,
    }));
    const plan = { network: n.Name, networkId: n.Id, from: { subnet: from }, to: { subnet: to, gateway: `${base}.1` }, endpoints };
    const done = { ...plan, losses: [], overlaps: [], dryRun: !!req.DryRun, moved: !req.DryRun };
    this.calls.push(`move ${n.Name}${req.Subnet ? ` ${req.Subnet}` : ''}${req.DryRun ? ' dry-run' : ''}`);
    if (req.DryRun) return done;
    if (this.moveFailure) {
      throw new ApiError(
        `moving network ${n.Name} to ${to} failed, so it stays on ${from} with every endpoint reconnected: ${this.moveFailure}`,
        500,
      );
    }
    n.IPAM.Config = [{ Subnet: to, Gateway: `${base}.1` }];
    for (const e of endpoints) n.Containers[e.sandboxId]!.IPv4Address = e.to;
    delete n.Warnings;
    this.emit('move', n);
    return { ...done, ms: 1 };
  }
  dispose() {}
}
