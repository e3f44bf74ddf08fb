// Docker's `filters` query parameter and the predicates built from it for GET /networks,
// POST /networks/prune and GET /events. Wording of errors follows dockerd.
import { isPredefinedNetwork, type DockerEvent, type NetworkResource } from '../../model/docker.js';
import type { NetworkFilters } from '../core/controller.js';
import { invalid } from '../errors.js';
import { parseTimestamp } from './timestamps.js';

/** Accepts both encodings Docker has used: {"name":{"x":true}} and {"name":["x"]}. */
export function parseFilters(raw: string | null): NetworkFilters {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalid(`invalid filters: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('invalid filters: expected a JSON object');
  const out: NetworkFilters = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (value && typeof value === 'object') out[key] = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k]);
    else throw invalid(`invalid filters: value of '${key}' must be a list or a map`);
  }
  return out;
}

export function validateFilters(filters: NetworkFilters, accepted: readonly string[]): void {
  for (const key of Object.keys(filters)) if (!accepted.includes(key)) throw invalid(`Invalid filter '${key}'`);
}

/** label=key or label=key=value: every one given must match (Docker's MatchKVList). */
function labelsMatch(wanted: string[], labels: Record<string, string>): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return w in labels;
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

/**
 * Docker's filters.Args.Match: equal, or the value as a regular expression found anywhere in the
 * source (unanchored); a value that is no valid expression matches only by equality.
 */
export function regexMatch(value: string, source: string): boolean {
  if (value === source) return true;
  try {
    return new RegExp(value).test(source);
  } catch {
    return false;
  }
}

const anyOf = (values: string[] | undefined, test: (v: string) => boolean) => !values?.length || values.some(test);

function danglingValue(values: string[] | undefined): boolean | undefined {
  if (!values?.length) return undefined;
  if (values.length > 1) throw invalid('got more than one value for filter key "dangling"');
  const v = values[0]!;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalid(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
}

const NETWORK_LIST_FILTERS = ['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'] as const;

/** The predicate for GET /networks; throws 400 on an unknown filter or value. */
export function networkListFilter(filters: NetworkFilters): (n: NetworkResource) => boolean {
  validateFilters(filters, NETWORK_LIST_FILTERS);
  for (const t of filters.type ?? []) if (t !== 'custom' && t !== 'builtin') throw invalid(`invalid filter: 'type'='${t}'`);
  const dangling = danglingValue(filters.dangling);
  return (n) =>
    anyOf(filters.driver, (d) => n.Driver === d) &&
    anyOf(filters.id, (id) => regexMatch(id, n.Id)) &&
    anyOf(filters.name, (name) => regexMatch(name, n.Name)) &&
    anyOf(filters.scope, (s) => n.Scope === s) &&
    anyOf(filters.type, (t) => (t === 'builtin') === isPredefinedNetwork(n.Name)) &&
    labelsMatch(filters.label ?? [], n.Labels ?? {}) &&
    (dangling === undefined || dangling === (!isPredefinedNetwork(n.Name) && Object.keys(n.Containers ?? {}).length === 0));
}

const PRUNE_FILTERS = ['until', 'label', 'label!'] as const;

/** The `keep` predicate handed to controller.prune: created before `until`, labels as asked. */
export function pruneFilter(filters: NetworkFilters, nowSeconds: number): (n: NetworkResource) => boolean {
  validateFilters(filters, PRUNE_FILTERS);
  const untils = (filters.until ?? []).map((u) => parseTimestamp(u, nowSeconds, 'until'));
  const notLabels = filters['label!'] ?? [];
  return (n) =>
    untils.every((u) => Date.parse(n.Created) / 1000 < u) &&
    labelsMatch(filters.label ?? [], n.Labels ?? {}) &&
    !(notLabels.length && labelsMatch(notLabels, n.Labels ?? {}));
}

const EVENT_FILTERS = ['type', 'event', 'network', 'container', 'scope', 'label'] as const;

/** GET /events: type, event (action), network (id or name), container, scope, label on the actor. */
export function eventFilter(filters: NetworkFilters): (e: DockerEvent) => boolean {
  validateFilters(filters, EVENT_FILTERS);
  return (e) => {
    const attrs = e.Actor.Attributes;
    const networkRef = e.Type === 'network' ? [e.Actor.ID, attrs.name] : [attrs.network];
    const containerRef = e.Type === 'container' ? [e.Actor.ID, attrs.name] : [attrs.container];
    return (
      anyOf(filters.type, (t) => e.Type === t) &&
      anyOf(filters.event, (a) => e.Action === a) &&
      anyOf(filters.network, (n) => networkRef.some((r) => r !== undefined && (r === n || r.startsWith(n)))) &&
      anyOf(filters.container, (c) => containerRef.some((r) => r !== undefined && (r === c || r.startsWith(c)))) &&
      anyOf(filters.scope, (s) => e.scope === s) &&
      labelsMatch(filters.label ?? [], attrs)
    );
  };
}
