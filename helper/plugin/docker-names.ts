// What dockerd knows that the plugin protocol never says: the container name of a plugin endpoint
// and a network's name, options and subnet, from dockerd's GET /networks/{id}. Asked while dockerd
// is mid-way (a container starting, a network just created), so both poll (bounded) until it shows.
import { engineGet } from '../adopt/engines.js';

/** The part of dockerd's network record the plugin reads. */
export interface DockerNetworkInfo {
  Id?: string;
  Name: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> };
  Containers?: Record<string, { Name?: string; EndpointID?: string }>;
}

interface Poll {
  tries: number;
  everyMs: number;
}

async function pollNetwork<T>(socketPath: string, networkId: string, opts: Poll, pick: (n: DockerNetworkInfo) => T | undefined) {
  for (let i = 0; i < opts.tries; i++) {
    const net = (await engineGet<DockerNetworkInfo>(socketPath, `/networks/${encodeURIComponent(networkId)}`))?.body;
    const hit = net && pick(net);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, opts.everyMs));
  }
  return undefined;
}

export function dockerNames(socketPath: string, opts: Poll = { tries: 100, everyMs: 100 }) {
  return (networkId: string, endpointId: string): Promise<string | undefined> =>
    pollNetwork(socketPath, networkId, opts, (n) => Object.values(n.Containers ?? {}).find((c) => c.EndpointID === endpointId)?.Name);
}

/** dockerd's record of a network: it has one once its CreateNetwork call has returned. */
export function dockerNetworks(socketPath: string, opts: Poll = { tries: 100, everyMs: 100 }) {
  return (networkId: string): Promise<DockerNetworkInfo | undefined> =>
    pollNetwork(socketPath, networkId, opts, (n) => (n.Name ? n : undefined));
}

/** dockerd's networks of this plugin (named after its socket); undefined while dockerd does not answer. */
export function dockerPluginNetworks(socketPath: string, pluginName: string) {
  const filters = encodeURIComponent(JSON.stringify({ driver: { [pluginName]: true } }));
  return async (): Promise<DockerNetworkInfo[] | undefined> =>
    (await engineGet<DockerNetworkInfo[]>(socketPath, `/networks?filters=${filters}`))?.body;
}
