// resolv.conf, read from the host and written for sandboxes the way Docker 20.10 does it
// (libnetwork sandbox_dns_unix.go + its resolvconf package):
// - user-defined networks: `search` from the host, `nameserver 127.0.0.11` only (the embedded
//   DNS forwards the rest), the host's options plus `ndots:0` unless the host sets ndots > 0;
// - the default bridge: the host's file with loopback nameservers dropped (they mean nothing
//   inside the sandbox), and Google's public resolvers when none is left.
// Pure functions: the caller reads and writes the files.
import { isIP } from 'node:net';
import { hostnameProblem } from '../../model/requests.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export const EMBEDDED_DNS = '127.0.0.11';
/** libnetwork's fallback when the host has no usable nameserver (resolvconf.defaultIPv4Dns). */
export const DEFAULT_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'nameserver' && values[0] && isIP(values[0])) out.nameservers.push(values[0]);
    // The last search/domain line wins (resolv.conf(5)).
    else if (key === 'search' || key === 'domain') out.search = values;
    else if (key === 'options') out.options.push(...values);
  }
  return out;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** The servers the embedded DNS forwards to: `--dns` if given, else the host's minus loopback. */
export function upstreamsFor(host: ResolvConf, dns?: string[]): string[] {
  if (dns && dns.length) return [...dns];
  return host.nameservers.filter((n) => !isLoopback(n));
}

export interface SandboxDnsConfig {
  /** true on user-defined networks: the sandbox asks 127.0.0.11. */
  embedded: boolean;
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

// eslint-disable-next-line no-control-regex
const OPTION = /^[^\s#;\x00-\x1f\x7f]+$/;

/**
 * The resolv.conf of a sandbox, in libnetwork's layout: search, nameserver lines, options. Only
 * values that fit their line go in (servers: IP addresses; search: host names; options: one token
 * each), so no value can add a line of its own.
 */
export function renderResolvConf(host: ResolvConf, cfg: SandboxDnsConfig): string {
  const search = (cfg.dnsSearch?.length ? cfg.dnsSearch : host.search).filter((d) => d === '.' || !hostnameProblem(d));
  const options = (cfg.dnsOptions?.length ? [...cfg.dnsOptions] : [...host.options]).filter((o) => OPTION.test(o));
  let nameservers: string[];
  if (cfg.embedded) {
    nameservers = [EMBEDDED_DNS];
    if (!options.some(ndotsAboveZero)) options.push('ndots:0');
  } else {
    nameservers = upstreamsFor(host, cfg.dns).filter((n) => isIP(n));
    if (nameservers.length === 0) nameservers = [...DEFAULT_UPSTREAMS];
  }
  const lines: string[] = [];
  if (search.length && search.join(' ').trim() !== '.') lines.push(`search ${search.join(' ')}`);
  for (const ns of nameservers) lines.push(`nameserver ${ns}`);
  if (options.length) lines.push(`options ${options.join(' ')}`);
  return lines.join('\n') + '\n';
}

function ndotsAboveZero(option: string): boolean {
  const m = /^ndots:(\d+)$/.exec(option);
  return m !== null && Number(m[1]) > 0;
}
