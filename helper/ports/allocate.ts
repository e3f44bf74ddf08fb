// Turns a sandbox-create request's port shapes (Docker's ExposedPorts / PortBindings /
// PublishAllPorts) into concrete mappings: the host address defaults to the network's
// host_binding_ipv4, a missing host port (or a host range) gets a free one, and every mapping is
// checked against cnm's other published ports and against the host's sockets (bind probe), with
// Docker's wording. Nothing is made here: the firewall follows the sandbox's record.
import { normalizeAddr } from '../../model/ip.js';
import {
  hostIpsOverlap,
  parsePortKey,
  parsePortRange,
  PortSpecError,
  type PortBinding,
  type PortMap,
  type PortMapping,
  type PortProto,
} from '../../model/ports.js';
import { CnmError, invalid } from '../errors.js';

export interface PortRequest {
  exposed?: Record<string, object>;
  bindings?: PortMap | null;
  publishAll?: boolean;
}

export interface AllocateEnv {
  /** Sandbox and endpoint, for Docker's "…on endpoint NAME (ID)" wording. */
  sandbox: string;
  endpointId: string;
  /** com.docker.network.bridge.host_binding_ipv4 of the network ports are published from, or 0.0.0.0. */
  defaultHostIp: string;
  /** The sandbox has an IPv6 address there: a binding without address is also published on ::. */
  ipv6: boolean;
  /** Every port cnm already publishes (other sandboxes). */
  taken: PortMapping[];
  /** Why ip:port cannot be bound on the host now, or undefined (helper/kernel/probe.ts). */
  bindProblem(proto: PortProto, ip: string, port: number): Promise<string | undefined>;
  /** Where free host ports are picked: the kernel's ephemeral range. */
  ephemeral: [number, number];
}

const spec = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PortSpecError) throw invalid(err.message);
    throw err;
  }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBinding = (b: unknown) =>
  isObject(b) && ['HostIp', 'HostPort'].every((k) => b[k] === undefined || b[k] === null || typeof b[k] === 'string');

/** The JSON shapes Docker's decoder would refuse, refused here with the field named (400). */
function checkShapes(req: PortRequest): void {
  if (req.exposed !== undefined && req.exposed !== null && !isObject(req.exposed))
    throw invalid('ExposedPorts: an object of "port/proto": {} expected');
  if (req.bindings === undefined || req.bindings === null) return;
  if (!isObject(req.bindings)) throw invalid('PortBindings: an object of "port/proto": [{"HostIp", "HostPort"}] expected');
  for (const [key, list] of Object.entries(req.bindings)) {
    if (list !== null && !(Array.isArray(list) && list.every(isBinding))) {
      throw invalid(`PortBindings["${key}"]: a list of {"HostIp": string, "HostPort": string} expected`);
    }
  }
}

/** The exposed port keys ('80/tcp') of a request, normalised, in order. */
export function exposedPorts(req: PortRequest): string[] {
  checkShapes(req);
  const keys = new Set<string>();
  for (const k of [...Object.keys(req.exposed ?? {}), ...Object.keys(req.bindings ?? {})]) {
    const { port, proto } = spec(() => parsePortKey(k));
    keys.add(`${port}/${proto}`);
  }
  return [...keys];
}

/** What Docker's daemon answers when a mapping cannot be programmed (500). */
function programmingError(env: AllocateEnv, why: string): CnmError {
  return new CnmError(
    'internal',
    `driver failed programming external connectivity on endpoint ${env.sandbox} (${env.endpointId}): ${why}`,
    {
      sandbox: env.sandbox,
    },
  );
}

const goAddr = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

export async function allocatePorts(req: PortRequest, env: AllocateEnv): Promise<PortMapping[]> {
  const wanted: Array<{ proto: PortProto; containerPort: number; binding: PortBinding }> = [];
  for (const [key, list] of Object.entries(req.bindings ?? {})) {
    const { port, proto } = spec(() => parsePortKey(key));
    for (const b of list ?? [{ HostIp: '', HostPort: '' }]) wanted.push({ proto, containerPort: port, binding: b });
  }
  if (req.publishAll) {
    for (const key of exposedPorts(req)) {
      const { port, proto } = parsePortKey(key);
      if (!wanted.some((w) => w.proto === proto && w.containerPort === port)) {
        wanted.push({ proto, containerPort: port, binding: { HostIp: '', HostPort: '' } });
      }
    }
  }
  const out: PortMapping[] = [];
  const busy = (proto: PortProto, ip: string, port: number) =>
    [...env.taken, ...out].some((m) => m.proto === proto && m.hostPort === port && hostIpsOverlap(m.hostIp, ip));
  for (const w of wanted) {
    const given = w.binding.HostIp ?? '';
    const hostIp = given === '' ? env.defaultHostIp : normalizeAddr(given);
    if (hostIp === undefined) throw invalid(`Invalid ip address: ${given}`);
    const v6 = hostIp.includes(':');
    if (v6 && !env.ipv6)
      throw invalid(`cannot publish on ${hostIp}: sandbox ${env.sandbox} has no IPv6 address on the network its ports are published from`);
    const range = w.binding.HostPort ? parsePortRange(w.binding.HostPort) : env.ephemeral;
    if (!range) throw invalid(`Invalid hostPort: ${w.binding.HostPort}`);
    const fixed = !!w.binding.HostPort && range[0] === range[1];
    // Docker 20.10: a binding without address is published on 0.0.0.0 and, with IPv6, on :: too.
    const ips = given === '' && !v6 && env.ipv6 && hostIp === '0.0.0.0' ? [hostIp, '::'] : [hostIp];
    let chosen: number | undefined;
    let last = '';
    for (let port = range[0]; port <= range[1] && chosen === undefined; port++) {
      if (ips.some((ip) => busy(w.proto, ip, port))) {
        if (fixed) throw programmingError(env, `Bind for ${goAddr(hostIp, port)} failed: port is already allocated`);
        continue;
      }
      const problems = await Promise.all(ips.map((ip) => env.bindProblem(w.proto, ip, port)));
      const i = problems.findIndex((p) => p !== undefined);
      if (i < 0) chosen = port;
      else
        last = `Error starting userland proxy: listen ${w.proto}${ips[i]!.includes(':') ? 6 : 4} ${goAddr(ips[i]!, port)}: ${problems[i]}`;
      if (i >= 0 && (fixed || /cannot assign/.test(problems[i]!))) throw programmingError(env, last);
    }
    if (chosen === undefined) throw programmingError(env, last || 'Bind failed: all ports are allocated');
    for (const ip of ips) out.push({ proto: w.proto, containerPort: w.containerPort, hostIp: ip, hostPort: chosen });
  }
  return out;
}
