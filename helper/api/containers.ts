// GET /cnm/containers: the running containers of the engines cnmd can reach, for adopting one
// (`POST /cnm/sandboxes/create` with "Container") from a client that cannot see those engines itself.
import type { EngineContainer } from '../../model/cnm.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

export function containersRoute(list: () => Promise<EngineContainer[]>): Route {
  return { method: 'GET', path: '/cnm/containers', handle: async ({ res }) => sendJson(res, 200, await list()) };
}
