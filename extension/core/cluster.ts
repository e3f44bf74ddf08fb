// The cluster as the extension shows it: which host holds each endpoint of a global-scope
// (overlay) network, the hosts a network spans, and the status bar's word on a degraded store.
// Everything comes from GET /cnm/cluster (ClusterView) and Docker's network JSON.
import type { ClusterHost, ClusterView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';

/** How a daemon is told to join a cluster (the Hosts view and the docs say the same). */
export const JOIN_HINT = 'cnmd --cluster-store etcd://HOST:2379 --cluster-advertise IP|IFACE[:PORT]';

/** A network whose endpoints live on several hosts: Docker's `global` scope, with a cluster to place them. */
export function spansHosts(n: NetworkResource, cluster: ClusterView | null | undefined): cluster is ClusterView {
  return n.Scope === 'global' && !!cluster?.configured;
}

/**
 * The host of each of the network's `Containers` entries (by its key): the `host` of the cluster
 * store's record with the same EndpointID. An endpoint the cluster does not list has no entry.
 */
export function endpointHosts(n: NetworkResource, cluster: ClusterView | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!spansHosts(n, cluster)) return out;
  const byEndpoint = new Map(cluster.hosts.flatMap((h) => (h.endpoints ?? []).map((e) => [e.endpointId, e.host] as const)));
  for (const [key, c] of Object.entries(n.Containers ?? {})) {
    const host = byEndpoint.get(c.EndpointID);
    if (host) out.set(key, host);
  }
  return out;
}

/** The hosts holding endpoints of the network, in the cluster's order (this host first). */
export function networkHosts(n: NetworkResource, cluster: ClusterView | null | undefined): ClusterHost[] {
  const names = new Set(endpointHosts(n, cluster).values());
  return (cluster?.hosts ?? []).filter((h) => names.has(h.name));
}

/** "10.0.0.1:2376" or "10.0.0.1". */
export function advertised(h: ClusterHost): string {
  return h.port ? `${h.address}:${h.port}` : h.address;
}

/** The status bar's cluster item: shown only while the store is degraded. */
export function clusterStatus(cluster: ClusterView | null | undefined): { text: string; tooltip: string } | undefined {
  const h = cluster?.health;
  if (!cluster?.configured || h?.state !== 'degraded') return undefined;
  return {
    text: '$(warning) cluster store degraded',
    tooltip: [
      `Container Networks: the cluster store ${h.store} is degraded since ${h.since}`,
      h.lastError ? `Last error: ${h.lastError}` : '',
      'Local networks keep working; cluster-wide changes are refused until it answers again.',
    ]
      .filter(Boolean)
      .join('\n'),
  };
}
