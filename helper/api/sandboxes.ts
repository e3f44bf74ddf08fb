// cnm's own /cnm/sandboxes endpoints: a sandbox is what Docker would call a container's network side.
import { nameSchema, sandboxCreateSchema } from '../../model/requests.js';
import type { Controller } from '../core/controller.js';
import { checked, readJsonBody, sendEmpty, sendJson } from './http.js';
import type { Route } from './router.js';

const truthy = (v: string | null) => v === '1' || v === 'true';

export function sandboxRoutes(controller: Controller): Route[] {
  return [
    {
      method: 'POST',
      path: '/cnm/sandboxes/create',
      async handle({ raw, res }) {
        sendJson(res, 201, await controller.createSandbox(await readJsonBody(raw, sandboxCreateSchema)));
      },
    },
    { method: 'GET', path: '/cnm/sandboxes', handle: ({ res }) => sendJson(res, 200, controller.listSandboxes()) },
    {
      method: 'GET',
      path: '/cnm/sandboxes/{id}',
      handle: ({ params, res }) => sendJson(res, 200, controller.inspectSandbox(params.id!)),
    },
    {
      method: 'POST',
      path: '/cnm/sandboxes/{id}/rename',
      async handle({ params, query, res }) {
        await controller.renameSandbox(params.id!, checked(nameSchema, query.get('name') ?? '', 'name'));
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/cnm/sandboxes/{id}/repair',
      handle: async ({ params, res }) => sendJson(res, 200, await controller.repairSandbox(params.id!)),
    },
    {
      method: 'DELETE',
      path: '/cnm/sandboxes/{id}',
      async handle({ params, query, res }) {
        await controller.removeSandbox(params.id!, truthy(query.get('force')));
        sendEmpty(res, 204);
      },
    },
  ];
}
