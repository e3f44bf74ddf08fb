// GET /cnm/host: the host's interfaces and routes, and the live subnet conflicts (for overlap checks in the editor tools);
// GET /cnm/networks/{id}/notes: what a user should know about a network (cnm-only, never in Docker's JSON);
// GET /cnm/cluster: the cluster's hosts and the cluster store's health;
// GET /cnm/ports: every published port and the host addresses that reach it.
import type { Controller } from '../core/controller.js';
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

export function hostRoutes(controller: Controller, diagnostics?: Diagnostics): Route[] {
  return [
    {
      method: 'GET',
      path: '/cnm/host',
      // With the conflict watch: the same live list of overlaps cnm why and inspect use.
      handle: async ({ res }) => {
        const info = await controller.hostInfo();
        sendJson(res, 200, diagnostics ? { ...info, conflicts: diagnostics.conflicts() } : info);
      },
    },
    {
      method: 'GET',
      path: '/cnm/networks/{id}/notes',
      handle: ({ params, res }) => sendJson(res, 200, controller.networkNotes(params.id!)),
    },
    { method: 'GET', path: '/cnm/ports', handle: async ({ res }) => sendJson(res, 200, await controller.publishedPorts()) },
    { method: 'GET', path: '/cnm/cluster', handle: async ({ res }) => sendJson(res, 200, await controller.cluster()) },
  ];
}
