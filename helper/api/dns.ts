// GET /cnm/dns[?network=N]: the names the embedded DNS answers.
import type { Controller } from '../core/controller.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

export function dnsRoutes(controller: Controller): Route[] {
  return [
    {
      method: 'GET',
      path: '/cnm/dns',
      handle: ({ query, res }) => sendJson(res, 200, controller.dnsRecords(query.get('network') || undefined)),
    },
  ];
}
