// The schema of every JSON body the API takes, one per path, checked before anything is allocated
// (helper/api), before a request is sent (the CLI) and as the user types (the extension). Each
// schema is typed against its shape in docker.ts / cnm.ts, so the two cannot drift apart.
import type { SandboxCreateRequest } from './cnm.js';
import type { ExecCreateRequest, ExecStartRequest } from './exec.js';
import type { EndpointSettings, IPAMPoolConfig, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from './docker.js';
import { parseAddr, parseCidr } from './ip.js';
import type { NetworkMoveRequest } from './move.js';
import type { PortBinding } from './ports.js';
import { array, boolean, integer, map, object, optional, refuse, string, stringMap, type Schema } from './schema.js';

/** cnm's limits on a request (documented in helper/api/README.md): Docker has none, cnmd keeps memory and files bounded. */
export const LIMITS = {
  /** A request body, in bytes (413 past it). */
  body: 1024 * 1024,
  /** Network and sandbox names, in characters. */
  name: 255,
  /** Labels (and driver / IPAM options) per object, and the size of each key and value. */
  labels: 256,
  labelKey: 256,
  labelValue: 4096,
  /** DNS aliases per endpoint. */
  aliases: 64,
  /** Address pools per network, auxiliary addresses per pool. */
  pools: 16,
  auxAddresses: 256,
  /** Upstream DNS servers per sandbox. */
  dns: 16,
  /** Exposed or published ports per sandbox, and bindings per port. */
  ports: 1024,
} as const;

const LABELS = { entries: LIMITS.labels, key: LIMITS.labelKey, value: LIMITS.labelValue };
/** Field values that carry no limit of their own (driver names, addresses, ids): generous, but bounded. */
const SHORT = 1024;

/** Why `s` is not an RFC 1123 host name (labels of letters, digits and '-', dot-separated, ≤ 253), or undefined. */
export function hostnameProblem(s: string): string | undefined {
  if (s.length === 0 || s.length > 253) return 'a host name has 1 to 253 characters';
  for (const label of s.replace(/\.$/, '').split('.')) {
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(label)) {
      return `"${s}" is not a valid host name (RFC 1123: dot-separated labels of 1 to 63 letters, digits or '-', not starting or ending with '-')`;
    }
  }
  return undefined;
}

/** Why `s` is not a single IPv4 or IPv6 address, or undefined. Docker's wording (opts.ValidateIPAddress). */
export function ipProblem(s: string): string | undefined {
  return parseAddr(s) ? undefined : `${s} is not an ip address`;
}

/** Why `s` cannot be a DNS alias: empty, or with whitespace or control characters (it is a DNS name). */
export function aliasProblem(s: string): string | undefined {
  if (s.length === 0) return 'an alias must not be empty';
  // eslint-disable-next-line no-control-regex
  return /[\s\x00-\x1f\x7f]/.test(s) ? `alias ${JSON.stringify(s)} contains whitespace or a control character` : undefined;
}

/**
 * Why a subnet cannot be a network's pool, or undefined. Syntax errors are IPAM's (Docker's
 * wording); these are the prefixes that parse but leave no room: a /0 overlaps every address
 * (and the default route), a /32 or /128 has no address for an endpoint.
 */
export function subnetProblem(s: string): string | undefined {
  const c = parseCidr(s);
  if (!c) return undefined;
  const host = c.family === 4 ? 32 : 128;
  if (c.prefix === 0) return `subnet ${s} covers every address: give a prefix length above 0`;
  if (c.prefix === host) return `subnet ${s} has no room for a gateway and an endpoint: use a prefix shorter than /${host}`;
  return undefined;
}

const name = string({ max: LIMITS.name });
/** A name given outside a body (a query parameter such as rename's `name`). */
export const nameSchema: Schema<string> = name;
const short = string({ max: SHORT });
const labels = optional(stringMap(LABELS));

const ipamConfig: Schema<IPAMPoolConfig> = object<IPAMPoolConfig>('IPAMConfig', {
  Subnet: optional(string({ max: SHORT, check: subnetProblem })),
  IPRange: optional(short),
  Gateway: optional(short),
  AuxiliaryAddresses: optional(stringMap({ entries: LIMITS.auxAddresses, key: SHORT, value: SHORT })),
});

/** POST /networks/create. */
export const networkCreateSchema: Schema<NetworkCreateRequest> = object<NetworkCreateRequest>('NetworkCreateRequest', {
  Name: name,
  CheckDuplicate: optional(boolean),
  Driver: optional(short),
  Scope: optional(short),
  Internal: optional(boolean),
  Attachable: optional(boolean),
  Ingress: optional(boolean),
  EnableIPv6: optional(boolean),
  IPAM: optional(
    object<NonNullable<NetworkCreateRequest['IPAM']>>('IPAM', {
      Driver: optional(short),
      Options: labels,
      Config: optional(array(ipamConfig, '[]network.IPAMConfig', LIMITS.pools)),
    }),
  ),
  Options: labels,
  Labels: labels,
  ConfigOnly: optional(boolean),
  ConfigFrom: optional(object<{ Network: string }>('ConfigReference', { Network: name })),
});

const aliases = optional(array(string({ max: 253, check: aliasProblem }), '[]string', LIMITS.aliases));
const address = (family: 4 | 6) =>
  optional(
    string({
      max: SHORT,
      // Empty means "none" (Docker's zero value); anything else is one address of this family.
      check: (s) => (s === '' || parseAddr(s.split('/')[0])?.family === family ? undefined : `${s} is not an IPv${family} address`),
    }),
  );

const endpointSettings: Schema<EndpointSettings> = object<EndpointSettings>('EndpointSettings', {
  IPAMConfig: optional(
    // Addresses as plain strings: Docker words a bad one itself (core/endpoints.ts, its 500 included).
    object('EndpointIPAMConfig', {
      IPv4Address: optional(short),
      IPv6Address: optional(short),
      LinkLocalIPs: optional(array(short, '[]string', LIMITS.aliases)),
    }),
  ),
  Links: optional(array(short, '[]string', LIMITS.aliases)),
  Aliases: aliases,
  NetworkID: optional(short),
  EndpointID: optional(short),
  Gateway: optional(short),
  IPAddress: optional(short),
  IPPrefixLen: optional(integer),
  IPv6Gateway: optional(short),
  GlobalIPv6Address: optional(short),
  GlobalIPv6PrefixLen: optional(integer),
  MacAddress: optional(short),
  DriverOpts: labels,
});

/** POST /networks/{id}/connect. */
export const networkConnectSchema: Schema<NetworkConnectRequest> = object<NetworkConnectRequest>('NetworkConnectRequest', {
  Container: name,
  EndpointConfig: optional(endpointSettings),
});

/** POST /networks/{id}/disconnect. */
export const networkDisconnectSchema: Schema<NetworkDisconnectRequest> = object<NetworkDisconnectRequest>('NetworkDisconnectRequest', {
  Container: name,
  Force: optional(boolean),
});

/** POST /cnm/networks/{id}/move: a subnet must be IPv4 (the move re-addresses the network's IPv4 pool). */
export const networkMoveSchema: Schema<NetworkMoveRequest> = object<NetworkMoveRequest>('NetworkMoveRequest', {
  Subnet: optional(
    string({
      max: SHORT,
      check: (s) => {
        const c = parseCidr(s);
        if (!c) return `${s} is not a subnet in CIDR notation (e.g. 10.20.0.0/24)`;
        return c.family === 4 ? subnetProblem(s) : `${s} is not an IPv4 subnet (a move re-addresses the IPv4 pool)`;
      },
    }),
  ),
  DryRun: optional(boolean),
  Force: optional(boolean),
});

const bindings = array(object<PortBinding>('PortBinding', { HostIp: short, HostPort: short }), '[]nat.PortBinding', LIMITS.ports);

/** POST /cnm/sandboxes/create. Its values end up in the sandbox's /etc/hosts and resolv.conf. */
export const sandboxCreateSchema: Schema<SandboxCreateRequest> = object<SandboxCreateRequest>('SandboxCreateRequest', {
  Name: name,
  Network: optional(name),
  IPv4Address: address(4),
  IPv6Address: address(6),
  Hostname: optional(string({ max: 253, check: (s) => (s === '' ? undefined : hostnameProblem(s)) })),
  Labels: labels,
  Aliases: aliases,
  Dns: optional(array(string({ max: 64, check: ipProblem }), '[]string', LIMITS.dns)),
  ExposedPorts: optional(map(object<object>('struct {}', {}), 'nat.PortSet', LIMITS.ports)),
  PortBindings: optional(map<PortBinding[] | null>((v, at) => (v === null ? null : bindings(v, at)), 'nat.PortMap', LIMITS.ports)),
  PublishAllPorts: optional(boolean),
  Links: optional(array(short, '[]string', LIMITS.aliases)),
  Netns: optional(string({ max: 4096 })),
  Container: optional(name),
});

/** POST /cnm/sandboxes/{id}/exec (Docker's ExecConfig, the fields cnmd uses). */
export const execCreateSchema: Schema<ExecCreateRequest> = object<ExecCreateRequest>('ExecConfig', {
  AttachStdin: optional(boolean),
  AttachStdout: optional(boolean),
  AttachStderr: optional(boolean),
  Tty: optional(boolean),
  Cmd: array(string({ max: LIMITS.body }), '[]string', 4096),
  Env: optional(array(string({ max: LIMITS.body }), '[]string', 4096)),
  WorkingDir: optional(string({ max: 4096 })),
  ConsoleSize: optional((v, at) => {
    const size = array(integer, '[2]uint', 2)(v, at);
    if (size.length !== 2) throw refuse(at, 'ConsoleSize is [height, width]');
    return size as [number, number];
  }),
});

/** POST /exec/{id}/start. */
export const execStartSchema: Schema<ExecStartRequest> = object<ExecStartRequest>('ExecStartCheck', {
  Detach: optional(boolean),
  Tty: optional(boolean),
});
