// The network-driver half of the Docker plugin (`docker network create -d cnm`). A Docker network is
// a cnm network (named docker-<first 12 of Docker's id>; the plugin protocol never tells a name). A
// Docker endpoint is a cnm sandbox standing for it (labelled with the endpoint id and as handed off):
// CreateEndpoint connects it with the address Docker's IPAM request gave, so the core plumbs the
// interface as for any sandbox; Join moves that interface to cnmd's namespace under a unique name,
// and Docker moves it into the container (libnetwork's remote-driver contract). The sandbox is then
// renamed to the container's Docker name once dockerd shows it, for `cnm network inspect`, the
// extension's tree and cnm's DNS. Overlay networks are bound by name to one cnm global network
// (overlay.ts).
import type { CreateEndpointRequest, CreateNetworkRequest, JoinRequest, JoinResponse } from '../../model/plugin.js';
import { DOCKER_ENDPOINT_LABEL, HANDOFF_LABEL } from '../../model/plugin.js';
import type { SandboxView } from '../../model/cnm.js';
import type { Controller } from '../core/controller.js';
import { CnmError, invalid } from '../errors.js';
import { log } from '../log.js';
import { DRIVER_OPTION, OverlayBindings, type OverlayDeps } from './overlay.js';

export const DOCKER_NETWORK_LABEL = 'cnm.docker.network';
/** Drivers a plugin network may ask for with -o cnm.driver=… (overlay: with the cluster store, see README). */
const DRIVERS = ['bridge', 'macvlan', 'overlay'];

export const networkName = (dockerId: string) => `docker-${dockerId.slice(0, 12)}`;
export const endpointSandbox = (endpointId: string) => `docker-ep-${endpointId.slice(0, 12)}`;
/** The name the interface has in cnmd's namespace between Join and Docker's move (≤ 15 bytes). */
export const handoffName = (endpointId: string) => `cnmd${endpointId.slice(0, 10)}`;

export interface NetworkPluginDeps extends OverlayDeps {
  controller: Controller;
  /** Moves a link out of a sandbox namespace into cnmd's own under a new name (helper/kernel/handoff). */
  moveToHost(netnsPath: string, ifname: string, newName: string): Promise<void>;
  /** The container name of a Docker endpoint, once dockerd shows it; undefined if it never does. */
  containerName?(networkId: string, endpointId: string): Promise<string | undefined>;
}

const isNotFound = (err: unknown) => err instanceof CnmError && err.kind === 'not-found';

export class PluginNetworkDriver {
  private readonly overlays: OverlayBindings;

  constructor(private readonly deps: NetworkPluginDeps) {
    this.overlays = new OverlayBindings(deps);
  }

  /**
   * Scope "local": each engine creates the network itself and dockerd asks this host's cnmd only;
   * for overlay, cnm's own cluster store (etcd) is what joins the hosts, not Docker's (which needs
   * Swarm or the removed --cluster-store for a "global" plugin).
   */
  capabilities() {
    return { Scope: 'local', ConnectivityScope: 'local' };
  }

  async createNetwork(req: CreateNetworkRequest): Promise<void> {
    const generic = { ...(req.Options?.['com.docker.network.generic'] ?? {}) };
    const driver = generic[DRIVER_OPTION] ?? 'bridge';
    delete generic[DRIVER_OPTION];
    if (!DRIVERS.includes(driver)) throw invalid(`-o ${DRIVER_OPTION}=${driver}: use ${DRIVERS.join(', ')}`);
    if (req.IPv6Data?.length) throw invalid('IPv6 on cnm plugin networks is not supported yet');
    if (!req.IPv4Data?.length) throw invalid('a cnm plugin network needs an IPv4 pool: use --ipam-driver cnm (or give --subnet)');
    if (driver === 'overlay') return this.overlays.prepare(req.NetworkID);
    const name = networkName(req.NetworkID);
    const existing = this.deps.controller.listNetworks().find((n) => n.Labels?.[DOCKER_NETWORK_LABEL] === req.NetworkID);
    if (existing) return; // Docker asked again (a restart): it is there
    await this.deps.controller.createNetwork({
      Name: name,
      Driver: driver,
      IPAM: { Config: req.IPv4Data.map((d) => ({ Subnet: d.Pool, Gateway: d.Gateway?.split('/')[0] })) },
      Options: generic,
      Labels: { [DOCKER_NETWORK_LABEL]: req.NetworkID },
    });
  }

  /** The cnm network standing for a Docker network: its own (`docker-<id>`), or the bound overlay. */
  private async cnmNetwork(dockerId: string): Promise<string> {
    const own = this.deps.controller.listNetworks().find((n) => n.Labels?.[DOCKER_NETWORK_LABEL] === dockerId);
    return own ? own.Name : this.overlays.network(dockerId);
  }

  async deleteNetwork(networkId: string): Promise<void> {
    // Endpoints Docker forgot (a crash between its calls) must not keep the network.
    for (const sb of this.deps.controller.listSandboxes()) {
      if (sb.labels[DOCKER_ENDPOINT_LABEL] && sb.labels[DOCKER_NETWORK_LABEL] === networkId)
        await this.deps.controller.removeSandbox(sb.id, true);
    }
    const overlay = await this.overlays.known(networkId);
    if (overlay) return this.leaveOverlay(overlay);
    await this.deps.controller.removeNetwork(networkName(networkId)).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /**
   * This host's Docker network is gone: the cnm overlay goes cluster-wide if no host has endpoints
   * on it (Docker's kv-store `network rm`), else it stays for them. A host whose Docker network
   * still exists makes it again (same name, subnet, options) on its next container.
   */
  private async leaveOverlay(name: string): Promise<void> {
    const net = this.deps.controller.listNetworks().find((n) => n.Name === name);
    if (!net || Object.keys(net.Containers ?? {}).length > 0) return;
    await this.deps.controller.removeNetwork(name).catch((err) => {
      if (isNotFound(err) || (err instanceof CnmError && err.kind === 'forbidden'))
        return log('info', 'docker plugin: overlay network kept', { network: name, reason: err.message });
      throw err;
    });
  }

  async createEndpoint(req: CreateEndpointRequest): Promise<{ Interface: { MacAddress?: string } }> {
    const ip = req.Interface?.Address?.split('/')[0];
    if (!ip) throw invalid('the endpoint has no IPv4 address: the network must use --ipam-driver cnm or a --subnet');
    const sb = await this.deps.controller.createSandbox({
      Name: endpointSandbox(req.EndpointID),
      Network: await this.cnmNetwork(req.NetworkID),
      IPv4Address: ip,
      Labels: { [DOCKER_ENDPOINT_LABEL]: req.EndpointID, [DOCKER_NETWORK_LABEL]: req.NetworkID, [HANDOFF_LABEL]: 'docker' },
    });
    // Docker keeps the MAC it was given; cnm's (derived from the IP, as Docker's own) if it had none.
    return { Interface: req.Interface?.MacAddress ? {} : { MacAddress: sb.endpoints[0]?.mac } };
  }

  /** Idempotent: an endpoint already cleaned up (its container died, see reconcile) is fine. */
  async deleteEndpoint(endpointId: string): Promise<void> {
    const sb = this.deps.controller.listSandboxes().find((s) => s.labels[DOCKER_ENDPOINT_LABEL] === endpointId);
    if (sb) await this.deps.controller.removeSandbox(sb.id, true);
  }

  /**
   * Removes the endpoints whose interface died with its container while nobody told cnm (dockerd
   * killed or restarted, cnmd down at the time): a handed-off veth's host end goes with its peer.
   */
  async reconcile(): Promise<string[]> {
    await this.overlays.recover();
    const links = new Set((await this.deps.controller.hostInfo()).interfaces.map((i) => i.name));
    const gone: string[] = [];
    for (const sb of this.deps.controller.listSandboxes()) {
      const host = sb.endpoints[0]?.hostIfname;
      if (!sb.labels[DOCKER_ENDPOINT_LABEL] || !host || links.has(host)) continue;
      await this.deps.controller.removeSandbox(sb.id, true);
      gone.push(sb.name);
    }
    if (gone.length) log('info', 'docker plugin: removed endpoints whose container is gone', { sandboxes: gone });
    return gone;
  }

  endpointInfo(endpointId: string): { Value: Record<string, unknown> } {
    const sb = this.sandbox(endpointId);
    return { Value: { sandbox: sb.name, ip: sb.endpoints[0]?.ipv4 ?? '', mac: sb.endpoints[0]?.mac ?? '' } };
  }

  async join(req: JoinRequest): Promise<JoinResponse> {
    const sb = this.sandbox(req.EndpointID);
    const ep = sb.endpoints[0];
    if (!ep?.ifname) throw new CnmError('internal', `endpoint ${req.EndpointID.slice(0, 12)} has no interface to hand over`);
    const src = handoffName(req.EndpointID);
    await this.deps.moveToHost(sb.netnsPath, ep.ifname, src);
    const net = this.deps.controller.inspectNetwork(await this.cnmNetwork(req.NetworkID));
    void this.nameAfterContainer(req.NetworkID, req.EndpointID);
    // An overlay has no gateway: without one, dockerd gives the container egress on its
    // docker_gwbridge, as for its own overlay networks.
    const gateway = net.Scope === 'global' ? undefined : net.IPAM.Config?.[0]?.Gateway || undefined;
    return { InterfaceName: { SrcName: src, DstPrefix: 'eth' }, Gateway: gateway };
  }

  /** Gives the endpoint's sandbox the container's Docker name (in the background: dockerd is mid-start). */
  private async nameAfterContainer(networkId: string, endpointId: string): Promise<void> {
    try {
      const name = await this.deps.containerName?.(networkId, endpointId);
      if (name) await this.deps.controller.renameSandbox(endpointSandbox(endpointId), name);
    } catch (err) {
      log('warn', 'docker plugin: cannot name the endpoint after its container', { endpoint: endpointId.slice(0, 12), error: String(err) });
    }
  }

  private sandbox(endpointId: string): SandboxView {
    const sb = this.deps.controller.listSandboxes().find((s) => s.labels[DOCKER_ENDPOINT_LABEL] === endpointId);
    if (!sb) throw new CnmError('not-found', `endpoint ${endpointId.slice(0, 12)} not found`);
    return sb;
  }
}
