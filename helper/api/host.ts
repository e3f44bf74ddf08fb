// GET /cnm/host: the host's interfaces and routes (for overlap checks in the editor tools).
import type { Controller } from '../core/controller.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

export function hostRoutes(controller: Controller): Route[] {
  return [{ method: 'GET', path: '/cnm/host', handle: async ({ res }) => sendJson(res, 200, await controller.hostInfo()) }];
}
