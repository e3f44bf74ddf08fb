// The Docker name of a plugin endpoint's container: dockerd's GET /networks/{id} lists each
// container with its EndpointID. Asked after Join, while dockerd is still starting the container,
// so it polls (bounded) until the endpoint shows up.
import { engineGet } from '../adopt/engines.js';

interface NetworkContainers {
  Containers?: Record<string, { Name?: string; EndpointID?: string }>;
}

export function dockerNames(socketPath: string, opts: { tries: number; everyMs: number } = { tries: 100, everyMs: 100 }) {
  return async (networkId: string, endpointId: string): Promise<string | undefined> => {
    for (let i = 0; i < opts.tries; i++) {
      const net = (await engineGet<NetworkContainers>(socketPath, `/networks/${encodeURIComponent(networkId)}`))?.body;
      const hit = Object.values(net?.Containers ?? {}).find((c) => c.EndpointID === endpointId);
      if (hit?.Name) return hit.Name;
      await new Promise((r) => setTimeout(r, opts.everyMs));
    }
    return undefined;
  };
}
