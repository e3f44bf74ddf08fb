// The network symbol table: every network definition and every place a service/sandbox names a
// network, with source spans. Definition, references, rename, highlight, hover and the checks
// all read it.
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { FileKind } from '../../helper/topology/kind.js';
import { sandboxSection } from './sections.js';

export interface Span {
  start: number;
  end: number;
}

export interface Value<T = unknown> {
  value: T;
  span: Span;
}

export interface PoolDef {
  span: Span;
  subnet?: Value<string>;
  ipRange?: Value<string>;
  gateway?: Value<string>;
  aux: Array<Value<string>>;
}

export interface NetworkDef {
  name: string;
  key: Span;
  /** The whole `name: {...}` entry, for code actions that edit or remove it. */
  entry: Span;
  map?: YAMLMap;
  driver?: Value<string>;
  options: Array<{ key: Value<string>; value?: Value }>;
  external?: Value;
  /** `name:` in the file, or `external: {name:}`. */
  hostName?: string;
  pools: PoolDef[];
}

export interface AttachmentRef {
  network: string;
  span: Span;
  ipv4?: Value<string>;
  ipv6?: Value<string>;
}

export interface ServiceDef {
  name: string;
  key: Span;
  map?: YAMLMap;
  networks?: Value;
  attachments: AttachmentRef[];
  networkMode?: Value<string>;
}

export interface NetworkTable {
  networks: NetworkDef[];
  byName: Map<string, NetworkDef>;
  services: ServiceDef[];
  /** The top-level `networks:` map, if any (where a missing network is added). */
  networksMap?: YAMLMap;
  networksKey?: Span;
  /** The `services:` (compose) or `sandboxes:` (topology) key and map. */
  sandboxesKey?: Span;
  sandboxesMap?: YAMLMap;
  root?: YAMLMap;
}

export const spanOf = (n: Node | null | undefined): Span | undefined => (n?.range ? { start: n.range[0], end: n.range[1] } : undefined);

function keyText(p: Pair): string | undefined {
  return isScalar(p.key) && p.key.value !== null ? String(p.key.value) : undefined;
}

function scalar<T>(n: unknown, accept: (v: unknown) => v is T): Value<T> | undefined {
  if (!isScalar(n) || !accept(n.value)) return undefined;
  return { value: n.value, span: spanOf(n)! };
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isAny = (_v: unknown): _v is unknown => true;
const stringValue = (n: unknown) => scalar(n, isString);

/** The pairs of a map with a plain key, as [key, key node, value node]. */
export function entries(map: unknown): Array<[string, Scalar, unknown, Pair]> {
  if (!isMap(map)) return [];
  const out: Array<[string, Scalar, unknown, Pair]> = [];
  for (const p of map.items) {
    const k = keyText(p);
    if (k !== undefined && isPair(p)) out.push([k, p.key as Scalar, p.value, p]);
  }
  return out;
}

export function get(map: unknown, key: string): unknown {
  return entries(map).find(([k]) => k === key)?.[2];
}

function pairSpan(key: Scalar, value: unknown): Span {
  const end = (value as Node | null)?.range?.[1] ?? key.range![1];
  return { start: key.range![0], end };
}

function pool(n: unknown): PoolDef | undefined {
  if (!isMap(n)) return undefined;
  const aux = entries(get(n, 'aux_addresses')).flatMap(([, , v]) => stringValue(v) ?? []);
  return {
    span: spanOf(n)!,
    subnet: stringValue(get(n, 'subnet')),
    ipRange: stringValue(get(n, 'ip_range')),
    gateway: stringValue(get(n, 'gateway')),
    aux,
  };
}

function network(name: string, key: Scalar, value: unknown): NetworkDef {
  const map = isMap(value) ? value : undefined;
  const external = get(map, 'external');
  const config = get(get(map, 'ipam'), 'config');
  return {
    name,
    key: spanOf(key)!,
    entry: pairSpan(key, value),
    map,
    driver: stringValue(get(map, 'driver')),
    options: entries(get(map, 'driver_opts')).map(([, k, v]) => ({ key: stringValue(k)!, value: scalar(v, isAny) })),
    external: isMap(external) ? { value: true, span: spanOf(external)! } : scalar(external, isAny),
    hostName: stringValue(get(map, 'name'))?.value ?? stringValue(get(external, 'name'))?.value,
    pools: isSeq(config) ? config.items.flatMap((i) => pool(i) ?? []) : [],
  };
}

function attachmentsOf(n: unknown): AttachmentRef[] {
  if (isSeq(n)) {
    return n.items.flatMap((i) => {
      const v = stringValue(i);
      return v ? [{ network: v.value, span: v.span }] : [];
    });
  }
  return entries(n).map(([name, key, settings]) => ({
    network: name,
    span: spanOf(key)!,
    ipv4: stringValue(get(settings, 'ipv4_address')),
    ipv6: stringValue(get(settings, 'ipv6_address')),
  }));
}

function service(name: string, key: Scalar, value: unknown): ServiceDef {
  const map = isMap(value) ? value : undefined;
  const networks = get(map, 'networks') as Node | undefined;
  return {
    name,
    key: spanOf(key)!,
    map,
    networks: networks && spanOf(networks) ? { value: networks, span: spanOf(networks)! } : undefined,
    attachments: attachmentsOf(networks),
    networkMode: stringValue(get(map, 'network_mode')),
  };
}

export function buildTable(doc: Document.Parsed, kind: FileKind): NetworkTable {
  const root = isMap(doc.contents) ? doc.contents : undefined;
  const networksEntry = entries(root).find(([k]) => k === 'networks');
  const networksMap = isMap(networksEntry?.[2]) ? networksEntry[2] : undefined;
  const networks = entries(networksMap).map(([name, key, value]) => network(name, key, value));
  const sandboxesEntry = entries(root).find(([k]) => k === sandboxSection(kind));
  const sandboxesMap = isMap(sandboxesEntry?.[2]) ? sandboxesEntry[2] : undefined;
  const services = entries(sandboxesMap).map(([name, key, value]) => service(name, key, value));
  return {
    networks,
    byName: new Map(networks.map((n) => [n.name, n])),
    services,
    networksMap,
    networksKey: networksEntry ? spanOf(networksEntry[1]) : undefined,
    sandboxesKey: sandboxesEntry ? spanOf(sandboxesEntry[1]) : undefined,
    sandboxesMap,
    root,
  };
}

export type Occurrence = { name: string; span: Span; kind: 'definition' | 'reference' };

/** Every place a network name is written: its definition and each use under a service. */
export function occurrences(table: NetworkTable, name: string): Occurrence[] {
  const def = table.byName.get(name);
  const refs = table.services.flatMap((s) => s.attachments.filter((a) => a.network === name));
  return [
    ...(def ? [{ name, span: def.key, kind: 'definition' as const }] : []),
    ...refs.map((a) => ({ name, span: a.span, kind: 'reference' as const })),
  ];
}

/** The network name under the cursor, if the cursor is on a definition or a use. */
export function occurrenceAt(table: NetworkTable, offset: number): Occurrence | undefined {
  const inside = (s: Span) => offset >= s.start && offset <= s.end;
  const def = table.networks.find((n) => inside(n.key));
  if (def) return { name: def.name, span: def.key, kind: 'definition' };
  for (const s of table.services) {
    const a = s.attachments.find((x) => inside(x.span));
    if (a) return { name: a.network, span: a.span, kind: 'reference' };
  }
  return undefined;
}
