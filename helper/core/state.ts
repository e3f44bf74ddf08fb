// The controller's in-memory view of everything in the store, with the indexes the hot paths
// need (endpoints by network and by sandbox, names to ids). The store is the truth on disk; this
// is rebuilt from it at start-up and updated only after a store commit succeeds.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';

export class State {
  readonly networks = new Map<string, Network>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly endpoints = new Map<string, Endpoint>();
  private readonly byNetwork = new Map<string, Set<string>>();
  private readonly bySandbox = new Map<string, Set<string>>();

  putNetwork(n: Network): void {
    this.networks.set(n.id, n);
  }

  deleteNetwork(id: string): void {
    this.networks.delete(id);
    this.byNetwork.delete(id);
  }

  putSandbox(s: Sandbox): void {
    this.sandboxes.set(s.id, s);
  }

  deleteSandbox(id: string): void {
    this.sandboxes.delete(id);
    this.bySandbox.delete(id);
  }

  putEndpoint(ep: Endpoint): void {
    this.endpoints.set(ep.id, ep);
    index(this.byNetwork, ep.networkId).add(ep.id);
    index(this.bySandbox, ep.sandboxId).add(ep.id);
  }

  deleteEndpoint(id: string): void {
    const ep = this.endpoints.get(id);
    if (!ep) return;
    this.endpoints.delete(id);
    this.byNetwork.get(ep.networkId)?.delete(id);
    this.bySandbox.get(ep.sandboxId)?.delete(id);
  }

  endpointsOfNetwork(networkId: string): Endpoint[] {
    return [...(this.byNetwork.get(networkId) ?? [])].map((id) => this.endpoints.get(id)!);
  }

  /** A sandbox's endpoints in connect order (eth0 first). */
  endpointsOfSandbox(sandboxId: string): Endpoint[] {
    return [...(this.bySandbox.get(sandboxId) ?? [])]
      .map((id) => this.endpoints.get(id)!)
      .sort((a, b) => a.order - b.order);
  }

  endpointOf(networkId: string, sandboxId: string): Endpoint | undefined {
    for (const id of this.bySandbox.get(sandboxId) ?? []) {
      const ep = this.endpoints.get(id)!;
      if (ep.networkId === networkId) return ep;
    }
    return undefined;
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
