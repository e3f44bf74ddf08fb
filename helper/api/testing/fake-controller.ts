// An in-memory Controller for the API and CLI tests: seeded with the networks real Docker 20.10
// returned (test/fixtures/docker), it keeps Docker's lookup order, error wording and events.
import type { NetworkMovePlan, NetworkMoveRequest } from '../../../model/move.js';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ClusterView, DnsRecord, HostInfo, SandboxCreateRequest, SandboxView } from '../../../model/cnm.js';
import { isPredefinedNetwork } from '../../../model/docker.js';
import type {
  DockerEvent,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkResource,
} from '../../../model/docker.js';
import type { Controller } from '../../core/controller.js';
import { conflict, forbidden, invalid, notFound } from '../../errors.js';
import { readDockerFixture as readFixture } from '../../../test/fixtures/index.js';

export { readFixture };

/** The seven networks of docker-api-v1.41-GET-networks.json (custom, v6net, none, host, bridge, frontend,
 * backend), frontend as GET /networks/frontend showed it: with its two containers c1 and c2. */
export function fixtureNetworks(): NetworkResource[] {
  const frontend: NetworkResource = JSON.parse(readFixture('docker-api-v1.41-GET-networks-frontend.json'));
  const all: NetworkResource[] = JSON.parse(readFixture('docker-api-v1.41-GET-networks.json'));
  return all.map((n) => (n.Name === frontend.Name ? frontend : n));
}

const hex64 = () => randomBytes(32).toString('hex');

function lookup<T>(items: T[], ref: string, id: (t: T) => string, name: (t: T) => string): T | undefined {
  return items.find((t) => id(t) === ref) ?? items.find((t) => name(t) === ref) ?? unique(items.filter((t) => id(t).startsWith(ref)));
}
const unique = <T>(xs: T[]) => (xs.length === 1 ? xs[0] : undefined);

export class FakeController implements Controller {
  readonly events = new EventEmitter<{ event: [DockerEvent] }>();
  readonly networks: NetworkResource[];
  readonly sandboxes: SandboxView[] = [];
  /** Each call's name and argument, for tests that check what the API layer passed on. */
  readonly calls: Array<[string, unknown]> = [];
  /** Network ids per sandbox id, in connect order (eth0, eth1, …). */
  private readonly attachments = new Map<string, string[]>();

  /** The argument of the latest call to `name`. */
  lastCall(name: string): unknown {
    return [...this.calls].reverse().find(([n]) => n === name)?.[1];
  }

  constructor(seed: NetworkResource[] = fixtureNetworks()) {
    this.networks = structuredClone(seed);
  }

  listNetworks(): NetworkResource[] {
    return this.networks;
  }

  inspectNetwork(ref: string): NetworkResource {
    const n = lookup(
      this.networks,
      ref,
      (x) => x.Id,
      (x) => x.Name,
    );
    if (!n) throw notFound(`network ${ref} not found`, { network: ref });
    return n;
  }

  async createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    this.calls.push(['createNetwork', req]);
    if (!req.Name) throw invalid('network name must not be empty');
    if (this.networks.some((n) => n.Name === req.Name)) throw conflict(`network with name ${req.Name} already exists`);
    const n: NetworkResource = {
      Name: req.Name,
      Id: hex64(),
      Created: new Date().toISOString().replace('Z', '000000Z'),
      Scope: 'local',
      Driver: req.Driver || 'bridge',
      EnableIPv6: !!req.EnableIPv6,
      IPAM: { Driver: req.IPAM?.Driver || 'default', Options: req.IPAM?.Options ?? {}, Config: req.IPAM?.Config ?? [] },
      Internal: !!req.Internal,
      Attachable: !!req.Attachable,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: {},
      Options: req.Options ?? {},
      Labels: req.Labels ?? {},
    };
    this.networks.push(n);
    this.emit('network', 'create', n.Id, { name: n.Name, type: n.Driver });
    return { Id: n.Id, Warning: '' };
  }

  async removeNetwork(ref: string): Promise<void> {
    const n = this.inspectNetwork(ref);
    if (isPredefinedNetwork(n.Name)) throw forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
    if (Object.keys(n.Containers).length) {
      throw forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    }
    this.networks.splice(this.networks.indexOf(n), 1);
    this.emit('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
  }

  async connect(ref: string, req: NetworkConnectRequest): Promise<void> {
    this.calls.push(['connect', req]);
    const n = this.inspectNetwork(ref);
    const s = this.inspectSandbox(req.Container);
    if (n.Containers[s.id]) throw forbidden(`endpoint with name ${s.name} already exists in network ${n.Name}`);
    const ipv4 = req.EndpointConfig?.IPAMConfig?.IPv4Address;
    n.Containers[s.id] = {
      Name: s.name,
      EndpointID: hex64(),
      MacAddress: '02:42:ac:11:00:02',
      IPv4Address: ipv4 ? `${ipv4}/16` : '172.17.0.2/16',
      IPv6Address: '',
    };
    this.attachments.set(s.id, [...(this.attachments.get(s.id) ?? []), n.Id]);
    this.emit('network', 'connect', n.Id, { container: s.id, name: n.Name, type: n.Driver });
  }

  async disconnect(ref: string, req: NetworkDisconnectRequest): Promise<void> {
    const n = this.inspectNetwork(ref);
    const s = this.inspectSandbox(req.Container);
    if (!n.Containers[s.id]) throw forbidden(`container ${s.id} is not connected to network ${n.Name}`);
    delete n.Containers[s.id];
    this.attachments.set(
      s.id,
      (this.attachments.get(s.id) ?? []).filter((id) => id !== n.Id),
    );
    this.emit('network', 'disconnect', n.Id, { container: s.id, name: n.Name, type: n.Driver });
  }

  /** Moves the first pool's subnet (to 10.99.0.0/24 unless given); no endpoints change in the fake. */
  async moveNetwork(ref: string, req: NetworkMoveRequest): Promise<NetworkMovePlan> {
    const n = this.inspectNetwork(ref);
    const from = n.IPAM.Config?.[0]?.Subnet ?? '';
    const to = req.Subnet ?? '10.99.0.0/24';
    if (!req.DryRun) {
      n.IPAM.Config = [{ Subnet: to }];
      this.emit('network', 'move', n.Id, { name: n.Name, type: n.Driver, subnet: to, previous: from });
    }
    const plan = { network: n.Name, networkId: n.Id, from: { subnet: from }, to: { subnet: to }, endpoints: [], losses: [], overlaps: [] };
    return { ...plan, dryRun: !!req.DryRun, moved: !req.DryRun };
  }

  async prune(keep: (n: NetworkResource) => boolean): Promise<string[]> {
    const gone = this.networks.filter((n) => !isPredefinedNetwork(n.Name) && !Object.keys(n.Containers).length && keep(n));
    for (const n of gone) await this.removeNetwork(n.Id);
    return gone.map((n) => n.Name);
  }

  async createSandbox(req: SandboxCreateRequest): Promise<SandboxView> {
    this.calls.push(['createSandbox', req]);
    if (this.sandboxes.some((s) => s.name === req.Name)) throw conflict(`sandbox with name ${req.Name} already exists`);
    const id = hex64();
    const s: SandboxView = {
      id,
      name: req.Name,
      hostname: req.Hostname ?? id.slice(0, 12),
      labels: req.Labels ?? {},
      netnsPath: `/run/netns/cnm-test-${id.slice(0, 12)}`,
      created: new Date().toISOString(),
      dns: req.Dns ?? [],
      endpoints: [],
    };
    this.sandboxes.push(s);
    if (req.Network) await this.connect(req.Network, { Container: s.id, EndpointConfig: { IPAMConfig: { IPv4Address: req.IPv4Address } } });
    return this.view(s);
  }

  listSandboxes(): SandboxView[] {
    return this.sandboxes.map((s) => this.view(s));
  }

  inspectSandbox(ref: string): SandboxView {
    const s = lookup(
      this.sandboxes,
      ref,
      (x) => x.id,
      (x) => x.name,
    );
    if (!s) throw notFound(`No such container: ${ref}`, { sandbox: ref }, { reason: 'no-such-sandbox', sandbox: ref });
    return this.view(s);
  }

  async removeSandbox(ref: string, force: boolean): Promise<void> {
    const s = this.inspectSandbox(ref);
    const attached = this.networks.filter((n) => n.Containers[s.id]);
    if (attached.length && !force) throw conflict(`sandbox ${s.name} is connected to ${attached.length} network(s); use force`);
    for (const n of attached) delete n.Containers[s.id];
    this.attachments.delete(s.id);
    this.sandboxes.splice(
      this.sandboxes.findIndex((x) => x.id === s.id),
      1,
    );
  }

  async repairSandbox(ref: string): Promise<SandboxView> {
    return this.inspectSandbox(ref);
  }

  async renameSandbox(ref: string, newName: string): Promise<void> {
    const s = this.sandboxes.find((x) => x.id === this.inspectSandbox(ref).id)!;
    for (const n of this.networks) if (n.Containers[s.id]) n.Containers[s.id].Name = newName;
    s.name = newName;
  }

  networkNotes(): string[] {
    return [];
  }

  async publishedPorts() {
    return [];
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      interfaces: [{ name: 'lo', kind: 'loopback', addresses: ['127.0.0.1/8'], up: true }],
      routes: [{ dst: 'default', gateway: '10.0.0.1', ifname: 'eth0' }],
    };
  }

  /** Settable by tests: what GET /cnm/cluster answers (a stand-alone host by default). */
  clusterView: ClusterView = { configured: false, hosts: [] };

  async cluster(): Promise<ClusterView> {
    return this.clusterView;
  }

  clusterHealth() {
    return this.clusterView.health;
  }

  async reserveAddress(): Promise<string | undefined> {
    return undefined;
  }

  async releaseAddress(): Promise<void> {}

  driverNames(): string[] {
    return ['bridge', 'host', 'null'];
  }

  dnsRecords(network?: string): DnsRecord[] {
    const records = this.networks.flatMap((n) =>
      Object.values(n.Containers).map((c): DnsRecord => ({
        network: n.Name,
        name: c.Name,
        type: 'A',
        address: c.IPv4Address.split('/')[0]!,
        sandbox: c.Name,
      })),
    );
    return network ? records.filter((r) => r.network === network) : records;
  }

  /** The sandbox with its endpoints derived from the networks' Containers. */
  private view(s: SandboxView): SandboxView {
    const endpoints = (this.attachments.get(s.id) ?? [])
      .map((id) => this.networks.find((n) => n.Id === id)!)
      .map((n, order) => {
        const c = n.Containers[s.id]!;
        return {
          id: c.EndpointID,
          networkId: n.Id,
          networkName: n.Name,
          sandboxId: s.id,
          ifname: `eth${order}`,
          mac: c.MacAddress,
          ipv4: c.IPv4Address,
          aliases: [],
          order,
        };
      });
    return { ...s, endpoints };
  }

  private emit(type: DockerEvent['Type'], action: string, id: string, attributes: Record<string, string>): void {
    const nanos = BigInt(Date.now()) * 1_000_000n;
    this.events.emit('event', {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nanos / 1_000_000_000n),
      timeNano: Number(nanos),
    });
  }
}
