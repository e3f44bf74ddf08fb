// GET /events: the controller's events as JSON lines, each written as soon as it happens.
// `since` drops older events (cnmd keeps no history); `until` ends the stream when it passes.
import type { DockerEvent } from '../../model/docker.js';
import type { Controller } from '../core/controller.js';
import { eventFilter, parseFilters } from './filters.js';
import { goJson } from './json.js';
import type { Route } from './router.js';
import { parseTimestamp } from './timestamps.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export function eventRoutes(controller: Controller): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      handle({ query, res }) {
        const now = Date.now() / 1000;
        const matches = eventFilter(parseFilters(query.get('filters')));
        const since = query.get('since') ? parseTimestamp(query.get('since')!, now, 'since') : undefined;
        const until = query.get('until') ? parseTimestamp(query.get('until')!, now, 'until') : undefined;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        if (until !== undefined && until <= now) {
          res.end();
          return;
        }
        const onEvent = (ev: DockerEvent) => {
          const at = ev.timeNano / 1e9;
          if (until !== undefined && at > until) return finish();
          if ((since === undefined || at >= since) && matches(ev)) res.write(goJson(ev) + '\n');
        };
        const delay = until === undefined ? undefined : (until - now) * 1000;
        const timer = delay !== undefined && delay < MAX_TIMER_MS ? setTimeout(() => finish(), delay) : undefined;
        const finish = () => {
          controller.events.off('event', onEvent);
          clearTimeout(timer);
          if (!res.writableEnded) res.end();
        };
        controller.events.on('event', onEvent);
        res.on('close', finish);
      },
    },
  ];
}
