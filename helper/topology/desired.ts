// A topology file's or compose file's networking parts, as plain data (yaml's toJS), turned into
// the desired state. Wrong shapes are collected as problems rather than thrown, so the caller
// decides: the CLI refuses to apply, the language server already shows its own diagnostics.
import type { IPAMPoolConfig } from '../../model/docker.js';
import { DEFAULT_DRIVER } from '../../model/drivers.js';
import { projectName, type FileKind } from './kind.js';
import { PROJECT_LABEL, type DesiredAttachment, type DesiredNetwork, type DesiredSandbox, type DesiredState } from './types.js';

export interface DesiredResult {
  state: DesiredState;
  problems: string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const bool = (v: unknown): boolean => v === true || v === 'true';

/** Compose accepts both a list and a map for labels, driver_opts and the like. */
function stringMap(v: unknown): Record<string, string> {
  if (Array.isArray(v)) {
    return Object.fromEntries(v.map(String).map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(obj(v)).map(([k, x]) => [k, str(x) ?? '']));
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v == null ? [] : [String(v)]);

function pool(v: unknown): IPAMPoolConfig {
  const o = obj(v);
  const p: IPAMPoolConfig = {};
  if (str(o.subnet)) p.Subnet = str(o.subnet);
  if (str(o.ip_range)) p.IPRange = str(o.ip_range);
  if (str(o.gateway)) p.Gateway = str(o.gateway);
  if (isObj(o.aux_addresses)) p.AuxiliaryAddresses = stringMap(o.aux_addresses);
  return p;
}

/** Compose prefixes its networks with the project; external and explicitly named ones keep their name. */
export function networkHostName(key: string, declared: { name?: string; external: boolean }, kind: FileKind, project: string): string {
  return declared.name ?? (kind === 'compose' && !declared.external ? `${project}_${key}` : key);
}

function network(key: string, v: unknown, kind: FileKind, project: string): DesiredNetwork {
  const o = obj(v);
  const external = isObj(o.external) ? true : bool(o.external);
  const name = networkHostName(
    key,
    { name: str(o.name) ?? (isObj(o.external) ? str(o.external.name) : undefined), external },
    kind,
    project,
  );
  const ipam = obj(o.ipam);
  return {
    key,
    name,
    external,
    driver: str(o.driver) ?? DEFAULT_DRIVER,
    options: stringMap(o.driver_opts),
    internal: bool(o.internal),
    attachable: bool(o.attachable),
    enableIPv6: bool(o.enable_ipv6),
    labels: { ...stringMap(o.labels), [PROJECT_LABEL]: project },
    ipam: {
      driver: str(ipam.driver) ?? 'default',
      options: stringMap(ipam.options),
      config: Array.isArray(ipam.config) ? ipam.config.map(pool) : [],
    },
  };
}

/** A service's / sandbox's `networks:` is a list of names or a map of name → settings (or null). */
function attachments(v: unknown, hostName: (key: string) => string): DesiredAttachment[] {
  const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((n) => [String(n), null]) : Object.entries(obj(v));
  return entries.map(([key, settings]) => {
    const s = obj(settings);
    return { network: hostName(key), ipv4: str(s.ipv4_address), ipv6: str(s.ipv6_address), aliases: stringList(s.aliases) };
  });
}

const DEFAULT_NETWORK = 'default';

export function desiredState(doc: unknown, fileName: string, kind: FileKind): DesiredResult {
  const root = obj(doc);
  const problems: string[] = [];
  const project = projectName(fileName, kind, root.name);
  const networks = Object.entries(obj(root.networks)).map(([key, v]) => network(key, v, kind, project));
  const byKey = new Map(networks.map((n) => [n.key, n]));
  const hostName = (key: string): string => {
    const n = byKey.get(key);
    if (n) return n.name;
    if (kind === 'compose' && key === DEFAULT_NETWORK) {
      // compose's implicit default network, made on first use.
      const made = network(key, {}, kind, project);
      networks.push(made);
      byKey.set(key, made);
      return made.name;
    }
    problems.push(`network "${key}" is used but not defined under networks:`);
    return key;
  };

  const sandboxSection = kind === 'compose' ? root.services : root.sandboxes;
  const sandboxes = Object.entries(obj(sandboxSection)).map(([key, v]): DesiredSandbox => {
    const o = obj(v);
    const mode = str(o.network_mode);
    let atts: DesiredAttachment[];
    if (mode === undefined) {
      atts = o.networks === undefined && kind === 'compose' ? attachments([DEFAULT_NETWORK], hostName) : attachments(o.networks, hostName);
    } else if (mode === 'host' || mode === 'none' || mode === 'bridge') {
      atts = [{ network: mode, aliases: [] }];
    } else {
      problems.push(`${key}: network_mode "${mode}" is not supported by cnm apply (only host, none, bridge)`);
      atts = [];
    }
    const name = str(o.container_name) ?? (kind === 'compose' ? `${project}-${key}-1` : (str(o.name) ?? key));
    return {
      key,
      name,
      hostname: str(o.hostname),
      dns: stringList(o.dns),
      labels: { ...stringMap(o.labels), [PROJECT_LABEL]: project },
      attachments: atts,
    };
  });
  return { state: { project, networks, sandboxes }, problems };
}
