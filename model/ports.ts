// Published ports: Docker's `-p` syntax and its API shapes (PortBindings, ExposedPorts,
// NetworkSettings.Ports), parsed one way for the CLI, the API and the language server.
// Wording of parse errors is Docker's (go-connections/nat ParsePortSpec).
import { normalizeAddr, parseAddr } from './ip.js';

export type PortProto = 'tcp' | 'udp' | 'sctp';
export const PORT_PROTOS: readonly PortProto[] = ['tcp', 'udp', 'sctp'];

/** Docker's PortBinding: HostIp '' = the network's host_binding_ipv4; HostPort '' = any free, 'a-b' = one from the range. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** Docker's PortMap / PortBindings: '80/tcp' → bindings (null: exposed, not published). */
export type PortMap = Record<string, PortBinding[] | null>;

/** One port as cnmd publishes it: a concrete host address (0.0.0.0 / :: = every local one) and port. */
export interface PortMapping {
  proto: PortProto;
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

/** GET /cnm/ports: one published port, where it goes and the host addresses it is reachable on. */
export interface PublishedPort extends PortMapping {
  sandbox: string;
  sandboxId: string;
  network: string;
  /** The sandbox address the port is forwarded to ('' while the sandbox has none of that family). */
  containerIp: string;
  /** host:port pairs that reach it (every local address for a wildcard binding). */
  reachableAt: string[];
}

/** A `docker run -p` spec parsed: the container ports it names and their bindings. */
export interface ParsedPortSpec {
  /** '80/tcp' keys, in order. */
  ports: string[];
  bindings: PortMap;
}

export class PortSpecError extends Error {}

const fail = (msg: string): never => {
  throw new PortSpecError(msg);
};

/** 'a' or 'a-b' → [start, end]; undefined if not a valid port or range. */
export function parsePortRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 65535 || b > 65535 || b < a) return undefined;
  return [a, b];
}

/** '80', '80/udp' → [80, 'udp'] (Docker's nat.NewPort): a key of PortMap. */
export function parsePortKey(key: string): { port: number; end: number; proto: PortProto } {
  const [p, proto = 'tcp'] = key.split('/');
  if (!PORT_PROTOS.includes(proto as PortProto)) fail(`Invalid proto: ${proto}`);
  const r = parsePortRange(p ?? '');
  if (!r) fail(`Invalid containerPort: ${p}`);
  return { port: r![0], end: r![1], proto: proto as PortProto };
}

/** Docker's splitParts: the container port is last, the host port before it, the rest is the IP. */
function splitSpec(raw: string): [ip: string, host: string, container: string] {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return ['', '', parts[0]!];
  if (n === 2) return ['', parts[0]!, parts[1]!];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, parts[n - 1]!];
}

/** `[ip:][hostPort:]containerPort[/proto]`, ranges `8000-8010:80-90`, IPv6 as `[::1]:80:80`. */
export function parsePortSpec(raw: string): ParsedPortSpec {
  const [rawIp, hostPort, rawContainer] = splitSpec(raw);
  const [container = '', proto = 'tcp'] = rawContainer.split('/');
  const ip = rawIp.startsWith('[') && rawIp.endsWith(']') ? rawIp.slice(1, -1) : rawIp;
  if (ip !== '' && !parseAddr(ip)) fail(`Invalid ip address: ${ip}`);
  if (container === '') fail(`No port specified: ${raw}<empty>`);
  const c = parsePortRange(container) ?? fail(`Invalid containerPort: ${container}`);
  let h: [number, number] | undefined;
  if (hostPort !== '') h = parsePortRange(hostPort) ?? fail(`Invalid hostPort: ${hostPort}`);
  if (!PORT_PROTOS.includes(proto as PortProto)) fail(`Invalid proto: ${proto}`);
  const [cs, ce] = c;
  if (h && h[1] - h[0] !== ce - cs && ce !== cs) {
    fail(`Invalid ranges specified for container and host Ports: ${container} and ${hostPort}`);
  }
  const out: ParsedPortSpec = { ports: [], bindings: {} };
  for (let i = 0; i <= ce - cs; i++) {
    const key = `${cs + i}/${proto}`;
    let host = '';
    // A host range for one container port: the engine picks one port from it.
    if (h) host = ce === cs && h[1] !== h[0] ? `${h[0]}-${h[1]}` : String(h[0] + i);
    out.ports.push(key);
    out.bindings[key] = [{ HostIp: ip === '' ? '' : normalizeAddr(ip)!, HostPort: host }];
  }
  return out;
}

/** Several `-p` specs merged into one PortMap (bindings of one port accumulate, as Docker does). */
export function parsePortSpecs(specs: string[]): PortMap {
  const map: PortMap = {};
  for (const s of specs) {
    const p = parsePortSpec(s);
    for (const k of p.ports) map[k] = [...(map[k] ?? []), ...p.bindings[k]!];
  }
  return map;
}

/** `--expose 80`, `--expose 8000-8010/udp` → ExposedPorts keys. */
export function parseExpose(spec: string): string[] {
  const { port, end, proto } = parsePortKey(spec);
  return Array.from({ length: end - port + 1 }, (_, i) => `${port + i}/${proto}`);
}

export const portKey = (m: { containerPort: number; proto: PortProto }): string => `${m.containerPort}/${m.proto}`;

/** NetworkSettings.Ports: every exposed port (null when not published) and its bindings, Docker's order. */
export function portMap(mappings: PortMapping[], exposed: string[] = []): PortMap {
  const map: PortMap = {};
  for (const k of exposed) map[k] = null;
  for (const m of mappings) {
    const k = portKey(m);
    map[k] = [...(map[k] ?? []), { HostIp: m.hostIp, HostPort: String(m.hostPort) }];
  }
  return map;
}

/** NetworkSettings.Ports (or PortBindings with concrete ports) back to mappings, as `docker port` reads them. */
export function mappingsOf(ports: PortMap | null | undefined): PortMapping[] {
  return Object.entries(ports ?? {}).flatMap(([key, list]) => {
    const [port, proto = 'tcp'] = key.split('/');
    return (list ?? []).map((b) => ({
      proto: proto as PortProto,
      containerPort: Number(port),
      hostIp: b.HostIp,
      hostPort: Number(b.HostPort),
    }));
  });
}

/** `docker port` lines (20.10 wording): `80/tcp -> 0.0.0.0:8080`, or just `0.0.0.0:8080` for one port. */
export function formatPortLines(mappings: PortMapping[], only?: string): string[] {
  const sorted = [...mappings].sort((a, b) => a.containerPort - b.containerPort || a.proto.localeCompare(b.proto));
  if (only === undefined) return sorted.map((m) => `${portKey(m)} -> ${m.hostIp}:${m.hostPort}`);
  const want = only.includes('/') ? only : `${only}/tcp`;
  return sorted.filter((m) => portKey(m) === want).map((m) => `${m.hostIp}:${m.hostPort}`);
}

/** `host:port` as a URL authority (IPv6 in brackets). */
export const hostPortText = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Whether two host addresses can take the same port: equal, or either is the wildcard of the other's family. */
export function hostIpsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const fa = a.includes(':') ? 6 : 4;
  const fb = b.includes(':') ? 6 : 4;
  if (fa !== fb) return false;
  const any = fa === 4 ? '0.0.0.0' : '::';
  return a === any || b === any;
}

/** Ports that usually speak HTTP: the extension offers "Open in Browser" for these. */
export function looksLikeHttp(m: { proto: PortProto; containerPort: number }): boolean {
  return m.proto === 'tcp' && [80, 443, 3000, 4200, 5000, 5173, 8000, 8008, 8080, 8081, 8443, 8888, 9000].includes(m.containerPort);
}
