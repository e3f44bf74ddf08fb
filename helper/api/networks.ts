// Docker's /networks endpoints: list (with filters), inspect, create, remove, connect, disconnect, prune.
import { networkConnectSchema, networkCreateSchema, networkDisconnectSchema, networkMoveSchema } from '../../model/requests.js';
import type { Controller } from '../core/controller.js';
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { conflictText } from '../../model/diagnose.js';
import { networkListFilter, parseFilters, pruneFilter } from './filters.js';
import { readJsonBody, sendEmpty, sendJson } from './http.js';
import type { Route } from './router.js';
import { invalid, notFound } from '../errors.js';

export function networkRoutes(controller: Controller, diagnostics?: Diagnostics): Route[] {
  return [
    {
      method: 'GET',
      path: '/networks',
      handle({ query, res }) {
        const keep = networkListFilter(parseFilters(query.get('filters')));
        sendJson(res, 200, controller.listNetworks().filter(keep));
      },
    },
    {
      method: 'GET',
      path: '/networks/{id}',
      // verbose is accepted (nothing more to show: no swarm services); a scope the network is not
      // in is 404, as Docker's lookup filtered by scope finds nothing. A subnet conflict adds
      // Warnings (absent otherwise, so the JSON stays Docker's).
      handle({ params, query, res }) {
        const verbose = query.get('verbose');
        if (verbose && parseGoBool(verbose) === undefined) throw invalid(`invalid value for verbose: ${verbose}`);
        const net = controller.inspectNetwork(params.id!);
        const scope = query.get('scope');
        if (scope && scope !== net.Scope) throw notFound(`network ${params.id!} not found`, { network: params.id! });
        const warnings = (diagnostics?.conflicts() ?? []).filter((c) => c.networkId === net.Id).map(conflictText);
        sendJson(res, 200, warnings.length ? { ...net, Warnings: warnings } : net);
      },
    },
    {
      method: 'POST',
      path: '/networks/create',
      // dockerode repeats the options in the query string; the body is what counts.
      async handle({ raw, res }) {
        const body = await readJsonBody(raw, networkCreateSchema);
        sendJson(res, 201, await controller.createNetwork(body));
      },
    },
    {
      method: 'DELETE',
      path: '/networks/{id}',
      async handle({ params, res }) {
        await controller.removeNetwork(params.id!);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/connect',
      async handle({ params, raw, res }) {
        await controller.connect(params.id!, await readJsonBody(raw, networkConnectSchema));
        sendEmpty(res, 200);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/disconnect',
      async handle({ params, raw, res }) {
        await controller.disconnect(params.id!, await readJsonBody(raw, networkDisconnectSchema));
        sendEmpty(res, 200);
      },
    },
    {
      // cnm's own: re-address a network on a free (or given) subnet; DryRun answers the plan only.
      method: 'POST',
      path: '/cnm/networks/{id}/move',
      async handle({ params, raw, res }) {
        sendJson(res, 200, await controller.moveNetwork(params.id!, await readJsonBody(raw, networkMoveSchema)));
      },
    },
    {
      method: 'POST',
      path: '/networks/prune',
      async handle({ query, res }) {
        const keep = pruneFilter(parseFilters(query.get('filters')), Date.now() / 1000);
        const deleted = await controller.prune(keep);
        // Docker answers null, not [], when nothing was removed.
        sendJson(res, 200, { NetworksDeleted: deleted.length ? deleted : null });
      },
    },
  ];
}

/** strconv.ParseBool's accepted spellings; undefined for anything else. */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}
