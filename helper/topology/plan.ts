// plan(desired, actual): the steps that make the host match the file, in the order apply runs them
// (everything that goes away first, then what is made). Networks are immutable in Docker's API, so
// a changed network is removed and made again, with its connections.
import type { SandboxView } from '../../model/cnm.js';
import type { IPAMPoolConfig, NetworkResource } from '../../model/docker.js';
import { normalizeAddr, parseCidr, formatCidr } from '../../model/ip.js';
import {
  PROJECT_LABEL,
  type ActualState,
  type DesiredNetwork,
  type DesiredSandbox,
  type DesiredState,
  type Plan,
  type Step,
} from './types.js';

const ORDER: Record<Step['kind'], number> = {
  disconnect: 0,
  'remove-sandbox': 1,
  'remove-network': 2,
  'recreate-network': 3,
  'create-network': 3,
  'recreate-sandbox': 4,
  'create-sandbox': 4,
  reconnect: 5,
  connect: 5,
};

/** cnmd's predefined networks: never created or removed by a file. */
export const PREDEFINED = new Set(['bridge', 'host', 'none']);

const cidr = (s: string | undefined) => (s ? (parseCidr(s) ? formatCidr(parseCidr(s)!) : s) : '');
const addr = (s: string | undefined) => (s ? (normalizeAddr(s.split('/')[0]) ?? s) : '');

/** A pool as text, with only the fields `shape` sets: what the daemon fills in (a gateway) is no change. */
function poolText(p: IPAMPoolConfig, shape: IPAMPoolConfig = p): string {
  const aux = Object.entries(p.AuxiliaryAddresses ?? {})
    .map(([k, v]) => `${k}=${addr(v)}`)
    .sort()
    .join(',');
  const parts: Array<[string, string, unknown]> = [
    ['subnet', cidr(p.Subnet), shape.Subnet],
    ['ip_range', cidr(p.IPRange), shape.IPRange],
    ['gateway', addr(p.Gateway), shape.Gateway],
    ['aux', aux, shape.AuxiliaryAddresses],
  ];
  return parts
    .filter(([, v, wanted]) => v && wanted)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const mapText = (m: Record<string, string> | null | undefined) =>
  JSON.stringify(Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b)));

function field(changes: string[], what: string, want: string, have: string): void {
  if (want !== have) changes.push(`${what}: ${have || '(none)'} → ${want || '(none)'}`);
}

export function networkChanges(want: DesiredNetwork, have: NetworkResource): string[] {
  const changes: string[] = [];
  field(changes, 'driver', want.driver, have.Driver);
  field(changes, 'internal', String(want.internal), String(have.Internal));
  field(changes, 'attachable', String(want.attachable), String(have.Attachable));
  field(changes, 'enable_ipv6', String(want.enableIPv6), String(have.EnableIPv6));
  field(changes, 'driver_opts', mapText(want.options), mapText(have.Options));
  field(changes, 'labels', mapText(want.labels), mapText(have.Labels));
  // Without pools in the file any allocated subnet will do.
  if (want.ipam.config.length > 0) {
    const havePools = have.IPAM.Config.map((p, i) => poolText(p, want.ipam.config[i] ?? p));
    field(changes, 'ipam', want.ipam.config.map((p) => poolText(p)).join('; '), havePools.join('; '));
  }
  return changes;
}

export function sandboxChanges(want: DesiredSandbox, have: SandboxView): string[] {
  const changes: string[] = [];
  if (want.hostname !== undefined) field(changes, 'hostname', want.hostname, have.hostname);
  field(changes, 'dns', want.dns.join(','), have.dns.join(','));
  field(changes, 'labels', mapText(want.labels), mapText(have.labels));
  return changes;
}

export function plan(desired: DesiredState, actual: ActualState): Plan {
  const steps: Step[] = [];
  const blockers: string[] = [];
  const owned = (labels: Record<string, string> | null | undefined) => labels?.[PROJECT_LABEL] === desired.project;
  const netByName = new Map(actual.networks.map((n) => [n.Name, n]));
  const sbByName = new Map(actual.sandboxes.map((s) => [s.name, s]));

  // Networks whose endpoints all go (removed or made again): every sandbox on them reconnects.
  const replacedNets = new Set<string>();
  for (const want of desired.networks) {
    const have = netByName.get(want.name);
    if (want.external) {
      if (!have) blockers.push(`external network "${want.name}" does not exist on the host`);
    } else if (!have) {
      steps.push({ kind: 'create-network', network: want });
    } else {
      const changes = networkChanges(want, have);
      if (changes.length > 0) {
        steps.push({ kind: 'recreate-network', network: want, id: have.Id, changes });
        replacedNets.add(want.name);
      }
    }
  }
  const wantedNets = new Set(desired.networks.map((n) => n.name));
  for (const have of actual.networks) {
    if (owned(have.Labels) && !wantedNets.has(have.Name)) {
      steps.push({ kind: 'remove-network', name: have.Name, id: have.Id });
      replacedNets.add(have.Name);
    }
  }

  const goneSandboxes = new Set<string>();
  for (const want of desired.sandboxes) {
    const have = sbByName.get(want.name);
    const changes = have ? sandboxChanges(want, have) : [];
    if (!have) {
      steps.push({ kind: 'create-sandbox', sandbox: want });
      continue;
    }
    if (changes.length > 0) {
      steps.push({ kind: 'recreate-sandbox', sandbox: want, id: have.id, changes });
      goneSandboxes.add(have.name);
      continue;
    }
    for (const att of want.attachments) {
      const ep = have.endpoints.find((e) => e.networkName === att.network);
      if (!ep || replacedNets.has(att.network)) {
        // A predefined network's endpoint came with the sandbox: host and none cannot be connected later.
        if (!ep || !PREDEFINED.has(att.network)) steps.push({ kind: 'connect', sandbox: want.name, attachment: att });
        continue;
      }
      const changes: string[] = [];
      if (att.ipv4) field(changes, 'ipv4_address', addr(att.ipv4), addr(ep.ipv4));
      if (att.ipv6) field(changes, 'ipv6_address', addr(att.ipv6), addr(ep.ipv6));
      const missing = att.aliases.filter((a) => !ep.aliases.includes(a));
      if (missing.length > 0) changes.push(`aliases: + ${missing.join(', ')}`);
      if (changes.length > 0) steps.push({ kind: 'reconnect', sandbox: want.name, attachment: att, changes });
    }
  }
  const wantedSandboxes = new Map(desired.sandboxes.map((s) => [s.name, s]));
  for (const have of actual.sandboxes) {
    if (owned(have.labels) && !wantedSandboxes.has(have.name)) {
      steps.push({ kind: 'remove-sandbox', name: have.name, id: have.id });
      goneSandboxes.add(have.name);
    }
  }

  // Endpoints that must go: on networks going away, or no longer in the file. Sandboxes being
  // removed lose theirs with them.
  for (const have of actual.sandboxes) {
    if (goneSandboxes.has(have.name)) continue;
    const want = wantedSandboxes.get(have.name);
    for (const ep of have.endpoints) {
      const stillWanted = want?.attachments.some((a) => a.network === ep.networkName) ?? true;
      if (replacedNets.has(ep.networkName) || !stillWanted) {
        steps.push({ kind: 'disconnect', sandbox: have.name, network: ep.networkName });
      }
    }
  }

  const sorted = steps.map((s, i) => [s, i] as const).sort(([a, i], [b, j]) => ORDER[a.kind] - ORDER[b.kind] || i - j);
  return { steps: sorted.map(([s]) => s), blockers };
}
