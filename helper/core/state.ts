// The controller's in-memory view of everything in the store, with the indexes the hot paths
// need (endpoints by network and by sandbox, names to ids). The store is the truth on disk; this
// is rebuilt from it at start-up and updated only after a store commit succeeds.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import { lookup } from './lookup.js';

export class State {
  readonly networks = new Map<string, Network>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly endpoints = new Map<string, Endpoint>();
  private readonly byNetwork = new Map<string, Set<string>>();
  private readonly bySandbox = new Map<string, Set<string>>();
  /**
   * Names to ids: lookups by name are on every request's path. Network names may repeat, as in
   * Docker (a create without CheckDuplicate); a repeated name is then ambiguous for lookups.
   */
  readonly networkNames = new Map<string, Set<string>>();
  readonly sandboxNames = new Map<string, string>();

  /** By full id or exact name from the indexes; anything else (an id prefix) by Docker's full lookup. */
  network(ref: string): Network {
    const named = this.networkNames.get(ref);
    const unique = named?.size === 1 ? this.networks.get([...named][0]!) : undefined;
    return this.networks.get(ref) ?? unique ?? lookup(this.networks.values(), ref, 'network');
  }

  sandbox(ref: string): Sandbox {
    return (
      this.sandboxes.get(ref) ?? this.sandboxes.get(this.sandboxNames.get(ref) ?? '') ?? lookup(this.sandboxes.values(), ref, 'container')
    );
  }

  putNetwork(n: Network): void {
    this.networks.set(n.id, n);
    index(this.networkNames, n.name).add(n.id);
  }

  deleteNetwork(id: string): void {
    const n = this.networks.get(id);
    const named = n && this.networkNames.get(n.name);
    named?.delete(id);
    if (n && named?.size === 0) this.networkNames.delete(n.name);
    this.networks.delete(id);
    this.byNetwork.delete(id);
  }

  putSandbox(s: Sandbox): void {
    const old = this.sandboxes.get(s.id);
    if (old && this.sandboxNames.get(old.name) === s.id) this.sandboxNames.delete(old.name);
    this.sandboxes.set(s.id, s);
    this.sandboxNames.set(s.name, s.id);
  }

  deleteSandbox(id: string): void {
    const s = this.sandboxes.get(id);
    if (s && this.sandboxNames.get(s.name) === id) this.sandboxNames.delete(s.name);
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
    return [...(this.bySandbox.get(sandboxId) ?? [])].map((id) => this.endpoints.get(id)!).sort((a, b) => a.order - b.order);
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
