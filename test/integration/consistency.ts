// What "nothing broken" means after a crash and restart, checked against the kernel of a test
// host: every object on record is whole (bridge, veth ends marked and up on their bridge,
// interface up with its address inside the sandbox, firewall rules), nothing off record is left
// (links marked `cnm:`, unmarked cnm-named links, namespaces, rules), no address is used twice.
// Returns the problems found, one line each (empty: consistent).
import fs from 'node:fs';
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import type { ApiClient } from '../../helper/api/client.js';
import { sh, type TestHost } from './host.js';

interface IpLink {
  ifname: string;
  ifalias?: string;
  flags: string[];
  master?: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

const ipJson = (args: string[]): IpLink[] => {
  const r = sh('ip', ['-j', ...args]);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]');
};

export interface Snapshot {
  networks: NetworkResource[];
  sandboxes: SandboxView[];
}

export async function snapshot(api: ApiClient): Promise<Snapshot> {
  return { networks: await api.listNetworks(), sandboxes: await api.listSandboxes() };
}

export async function checkConsistent(host: TestHost, api: ApiClient): Promise<string[]> {
  const { networks, sandboxes } = await snapshot(api);
  const problems: string[] = [];
  const endpoints = sandboxes.flatMap((s) => s.endpoints.map((e) => ({ ...e, sandbox: s })));
  const known = new Set([...networks.map((n) => n.Id), ...sandboxes.map((s) => s.id), ...endpoints.map((e) => e.id)]);
  const hostLinks = ipJson(['-n', host.ns, 'link', 'show']);
  const byName = new Map(hostLinks.map((l) => [l.ifname, l]));
  for (const l of hostLinks) {
    const owner = l.ifalias?.startsWith('cnm:') ? l.ifalias.slice(4) : undefined;
    if (owner && !known.has(owner)) problems.push(`orphan link ${l.ifname} (${l.ifalias})`);
    if (!owner && /^(vcnm|br-)/.test(l.ifname)) problems.push(`link ${l.ifname} without a cnm: mark`);
  }
  const bridgeOf = new Map<string, string>();
  for (const n of networks.filter((x) => x.Driver === 'bridge')) {
    const br = hostLinks.find((l) => l.ifalias === `cnm:${n.Id}`);
    if (!br) problems.push(`network ${n.Name}: no bridge`);
    else bridgeOf.set(n.Id, br.ifname);
  }
  const ips = new Map<string, string>();
  for (const ep of endpoints) {
    const where = `endpoint ${ep.sandbox.name}/${ep.networkName}`;
    for (const a of [ep.ipv4, ep.ipv6]) {
      if (!a) continue;
      const key = `${ep.networkId} ${a.split('/')[0]}`;
      if (ips.has(key)) problems.push(`${where}: address ${a} also used by ${ips.get(key)}`);
      ips.set(key, where);
    }
    if (!ep.hostIfname) continue;
    const end = byName.get(ep.hostIfname);
    if (!end) problems.push(`${where}: host end ${ep.hostIfname} missing`);
    else {
      if (end.ifalias !== `cnm:${ep.id}`) problems.push(`${where}: host end marked '${end.ifalias ?? ''}'`);
      if (!end.flags.includes('UP')) problems.push(`${where}: host end down`);
      if (end.master !== bridgeOf.get(ep.networkId)) problems.push(`${where}: host end on '${end.master ?? 'no bridge'}'`);
    }
  }
  const netnsWanted = new Set(sandboxes.filter((s) => s.netnsPath !== 'host').map((s) => s.netnsPath.split('/').pop()!));
  const present = fs.readdirSync('/run/netns').filter((n) => n.startsWith(host.netnsPrefix));
  for (const n of present) if (!netnsWanted.has(n)) problems.push(`orphan netns ${n}`);
  for (const sb of sandboxes) {
    if (sb.netnsPath === 'host') continue;
    const ns = sb.netnsPath.split('/').pop()!;
    if (!present.includes(ns)) {
      problems.push(`sandbox ${sb.name}: netns ${ns} missing`);
      continue;
    }
    const inside = ipJson(['-n', ns, 'addr', 'show']);
    const wanted = new Map(sb.endpoints.filter((e) => e.ifname).map((e) => [e.ifname, e]));
    for (const l of inside) {
      if (l.ifname === 'lo') continue;
      const ep = wanted.get(l.ifname);
      // A spare veth (bridge driver): peer `spare<tag>` down and bare, host end `vcnm<tag>` marked with the sandbox.
      const spare = /^spare([0-9a-f]{10})$/.exec(l.ifname);
      if (!ep && spare && byName.get(`vcnm${spare[1]}`)?.ifalias === `cnm:${sb.id}` && !l.flags.includes('UP') && !l.addr_info?.length)
        continue;
      if (!ep) {
        problems.push(`sandbox ${sb.name}: stray link ${l.ifname}`);
        continue;
      }
      if (!l.flags.includes('UP')) problems.push(`sandbox ${sb.name}: ${l.ifname} down`);
      const addr = ep.ipv4?.split('/')[0];
      if (addr && !l.addr_info?.some((a) => a.local === addr)) problems.push(`sandbox ${sb.name}: ${l.ifname} lacks ${addr}`);
    }
    for (const name of wanted.keys()) if (!inside.some((l) => l.ifname === name)) problems.push(`sandbox ${sb.name}: ${name} missing`);
  }
  const table = host.inHost('nft', 'list', 'table', 'inet', 'cnm');
  if (table.code !== 0) problems.push(`no nftables table inet cnm: ${table.stderr.trim()}`);
  else {
    const ruled = new Set([...table.stdout.matchAll(/comment "cnm:([0-9a-f]{12})"/g)].map((m) => m[1]));
    for (const id of ruled) if (!networks.some((n) => n.Id.startsWith(id))) problems.push(`firewall rule of network ${id}, not on record`);
    const set = /elements = \{([^}]*)\}/.exec(table.stdout)?.[1] ?? '';
    const listed = new Set([...set.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
    for (const br of bridgeOf.values()) if (!listed.has(br)) problems.push(`firewall set lacks bridge ${br}`);
    for (const br of listed) if (![...bridgeOf.values()].includes(br)) problems.push(`firewall set has unknown bridge ${br}`);
  }
  return problems;
}
