// cnm's diagnose paths: GET /cnm/why (explain one path, checked by a probe), GET /cnm/why/matrix
// (every sandbox × every sandbox), GET /cnm/conflicts (host routes/addresses overlapping a subnet).
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { invalid } from '../errors.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

/** probe=0/false turns the kernel check off; anything else (or nothing) keeps it. */
const probeParam = (q: URLSearchParams) => !/^(0|false|no)$/i.test(q.get('probe') ?? '');

export function diagnoseRoutes(diagnostics: Diagnostics): Route[] {
  return [
    {
      method: 'GET',
      path: '/cnm/why',
      async handle({ query, res }) {
        const from = query.get('from');
        const to = query.get('to');
        if (!from || !to) throw invalid('from and to are required: GET /cnm/why?from=SANDBOX&to=SANDBOX|IP|HOSTNAME[&port=80/tcp]');
        sendJson(res, 200, await diagnostics.why({ from, to, port: query.get('port') ?? undefined, probe: probeParam(query) }));
      },
    },
    {
      method: 'GET',
      path: '/cnm/why/matrix',
      async handle({ query, res }) {
        sendJson(res, 200, await diagnostics.matrix({ networks: query.getAll('network'), probe: probeParam(query) }));
      },
    },
    { method: 'GET', path: '/cnm/conflicts', handle: ({ res }) => sendJson(res, 200, diagnostics.conflicts()) },
  ];
}
