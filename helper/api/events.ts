// GET /events: the controller's events as JSON lines. Like dockerd, the most recent events are kept
// in memory (a ring of EVENTS_KEPT): a `since` in the past replays those first, then the stream
// goes on live; `until` ends it (at once after the replay when it is already past).
import type { DockerEvent } from '../../model/docker.js';
import type { Controller } from '../core/controller.js';
import { eventFilter, parseFilters } from './filters.js';
import { goJson } from './json.js';
import type { Route } from './router.js';
import { parseTimestamp } from './timestamps.js';

const MAX_TIMER_MS = 2 ** 31 - 1;
/** dockerd's eventsLimit. */
export const EVENTS_KEPT = 256;

/** The last EVENTS_KEPT events, oldest first. */
export class EventRing {
  private readonly ring: DockerEvent[] = [];

  constructor(
    source: Controller['events'],
    private readonly limit = EVENTS_KEPT,
  ) {
    source.on('event', (ev) => {
      this.ring.push(ev);
      if (this.ring.length > this.limit) this.ring.shift();
    });
  }

  /** Kept events at or after `since` and not after `until` (seconds, fractional). */
  between(since: number, until: number | undefined): DockerEvent[] {
    return this.ring.filter((ev) => ev.timeNano / 1e9 >= since && (until === undefined || ev.timeNano / 1e9 <= until));
  }
}

export function eventRoutes(controller: Controller): Route[] {
  const kept = new EventRing(controller.events);
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
        if (since !== undefined) for (const ev of kept.between(since, until)) if (matches(ev)) res.write(goJson(ev) + '\n');
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
