// Docker 1.9's cluster flags, parsed and checked: --cluster-store etcd://HOST[:PORT][,HOST[:PORT]…],
// --cluster-store-opt kv.cacertfile|kv.certfile|kv.keyfile=PATH (TLS to etcd) and
// --cluster-advertise IP|IFACE[:PORT]. Errors name the flag, as every cnmd flag error does.
import net from 'node:net';
import os from 'node:os';

export const DEFAULT_ETCD_PORT = 2379;

export interface ClusterStoreUrl {
  /** As the user wrote it (shown in `cnm info` and /cnm/cluster). */
  text: string;
  /** gRPC endpoints for the etcd3 client, e.g. http://10.0.0.1:2379 (https:// with TLS). */
  endpoints: string[];
  /** TLS to etcd (--cluster-store-opt): the files, read when cnmd starts. */
  tls?: ClusterStoreTls;
}

/** Docker 1.9's --cluster-store-opt names for TLS to the store. */
export interface ClusterStoreTls {
  /** kv.cacertfile: the CA that signed etcd's certificate. */
  cacertfile: string;
  /** kv.certfile and kv.keyfile: this host's client certificate (etcd's --client-cert-auth), both or neither. */
  certfile?: string;
  keyfile?: string;
}

/** The files' contents, in the shape the etcd3 client takes (gRPC's createSsl). */
export interface ClusterCredentials {
  rootCertificate: Buffer;
  certChain?: Buffer;
  privateKey?: Buffer;
}

const STORE_OPTS = ['kv.cacertfile', 'kv.certfile', 'kv.keyfile'] as const;
/** --cluster-store-opt's values as given, by key. */
export type ClusterStoreOpts = Partial<Record<(typeof STORE_OPTS)[number], string>>;

/** The advertise address as given: an IP, or an interface name resolved when cnmd starts. */
export interface Advertise {
  ip?: string;
  iface?: string;
  port?: number;
}

const IFACE = /^[A-Za-z0-9_.@-]{1,15}$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function port(text: string, flag: string, whole: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new Error(`invalid value "${whole}" for flag ${flag}: port "${text}" is not 1-65535`);
  return n;
}

/** `[v6]:port`, `v4:port`, `name:port` or the same without the port. */
function hostPort(text: string, flag: string, whole: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (v6) {
    if (net.isIPv6(v6[1]!) === false) throw new Error(`invalid value "${whole}" for flag ${flag}: "${v6[1]}" is not an IPv6 address`);
    return { host: v6[1]!, port: v6[2] === undefined ? undefined : port(v6[2], flag, whole) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text };
  if (text.indexOf(':') !== colon)
    throw new Error(`invalid value "${whole}" for flag ${flag}: write an IPv6 address in brackets, e.g. [fd00::1]:2379`);
  return { host: text.slice(0, colon), port: port(text.slice(colon + 1), flag, whole) };
}

export function parseClusterStore(text: string): ClusterStoreUrl {
  const flag = '--cluster-store';
  const m = /^([a-z0-9]+):\/\/(.*)$/.exec(text);
  if (!m) throw new Error(`invalid value "${text}" for flag ${flag}: expected etcd://HOST:2379[,HOST:2379…]`);
  if (m[1] !== 'etcd')
    throw new Error(`invalid value "${text}" for flag ${flag}: cluster store "${m[1]}" is not supported, only etcd (v3 API)`);
  if (m[2]!.includes('/')) throw new Error(`invalid value "${text}" for flag ${flag}: a path is not supported (keys live under /cnm/v1/)`);
  const endpoints = m[2]!.split(',').map((part) => {
    if (!part) throw new Error(`invalid value "${text}" for flag ${flag}: empty host in the list`);
    const { host, port: p } = hostPort(part, flag, text);
    if (!net.isIP(host) && !HOSTNAME.test(host))
      throw new Error(`invalid value "${text}" for flag ${flag}: "${host}" is not a host name or IP`);
    return `http://${net.isIPv6(host) ? `[${host}]` : host}:${p ?? DEFAULT_ETCD_PORT}`;
  });
  return { text, endpoints };
}

/** One `--cluster-store-opt KEY=VALUE`, added to `opts` (the flag repeats; a key only once). */
export function parseClusterStoreOpt(text: string, opts: ClusterStoreOpts): void {
  const flag = '--cluster-store-opt';
  const eq = text.indexOf('=');
  const key = text.slice(0, eq < 0 ? text.length : eq);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (!(STORE_OPTS as readonly string[]).includes(key))
    throw new Error(`invalid value "${text}" for flag ${flag}: unknown option "${key}" (supported: ${STORE_OPTS.join(', ')})`);
  if (!value) throw new Error(`invalid value "${text}" for flag ${flag}: ${key} needs a file, e.g. ${key}=/etc/cnm/etcd-ca.pem`);
  if (opts[key as keyof ClusterStoreOpts] !== undefined) throw new Error(`flag ${flag}: ${key} is given twice`);
  opts[key as keyof ClusterStoreOpts] = value;
}

/** The store with its TLS options: every endpoint speaks https, checked for a complete set of files. */
export function withStoreOpts(url: ClusterStoreUrl | undefined, opts: ClusterStoreOpts): ClusterStoreUrl | undefined {
  if (Object.keys(opts).length === 0) return url;
  const flag = '--cluster-store-opt';
  if (!url) throw new Error(`flag ${flag} needs --cluster-store etcd://HOST:2379`);
  if (!opts['kv.cacertfile'])
    throw new Error(`flag ${flag}: TLS to the cluster store needs kv.cacertfile=CA.pem (the CA of etcd's certificate)`);
  if (!opts['kv.certfile'] !== !opts['kv.keyfile'])
    throw new Error(`flag ${flag}: kv.certfile and kv.keyfile go together (the client certificate and its key)`);
  return {
    ...url,
    endpoints: url.endpoints.map((e) => e.replace(/^http:/, 'https:')),
    tls: { cacertfile: opts['kv.cacertfile'], certfile: opts['kv.certfile'], keyfile: opts['kv.keyfile'] },
  };
}

export function parseAdvertise(text: string): Advertise {
  const flag = '--cluster-advertise';
  const { host, port: p } = hostPort(text, flag, text);
  if (net.isIP(host)) return { ip: host, port: p };
  if (!IFACE.test(host))
    throw new Error(`invalid value "${text}" for flag ${flag}: "${host}" is neither an IP address nor an interface name`);
  return { iface: host, port: p };
}

/** The advertise IP: the given one, or the interface's first IPv4 (else IPv6, non link-local) address. */
export function resolveAdvertise(a: Advertise, interfaces = os.networkInterfaces()): string {
  if (a.ip) return a.ip;
  const addrs = interfaces[a.iface!];
  if (!addrs) throw new Error(`flag --cluster-advertise: no interface named "${a.iface}" in cnmd's network namespace`);
  const pick = addrs.find((x) => x.family === 'IPv4') ?? addrs.find((x) => x.family === 'IPv6' && !x.address.startsWith('fe80'));
  if (!pick) throw new Error(`flag --cluster-advertise: interface "${a.iface}" has no IPv4 or global IPv6 address`);
  return pick.address;
}
