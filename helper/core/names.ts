// What the core tells the name service (embedded DNS + resolv.conf) about sandboxes and
// endpoints. The DNS implementation lives in helper/dns; this is the seam.
import type { DnsRecord, Endpoint, Network, Sandbox } from '../../model/cnm.js';
import { invalid } from '../errors.js';

export interface NameService {
  /** resolv.conf for a sandbox attached to `nets` (Docker: 127.0.0.11 on user-defined networks). */
  resolvConf(sb: Sandbox, nets: Network[]): string;
  /** A sandbox with its own netns now exists: start its DNS listeners. */
  sandboxUp(sb: Sandbox): Promise<void>;
  sandboxDown(sb: Sandbox): Promise<void>;
  sandboxRenamed(sb: Sandbox): void;
  endpointUp(sb: Sandbox, net: Network, ep: Endpoint): void;
  endpointDown(ep: Endpoint): void;
  records(network?: Network): DnsRecord[];
}

/** Networks on which Docker gives containers name resolution: every one but the default bridge (and the overlay egress bridge). */
export function isUserDefined(net: Network): boolean {
  return net.builtin === undefined && !net.gwbridge;
}

/** A link "container[:alias]" as Docker parses it (opts.ParseLink): [container, alias]. */
export function parseLink(link: string): [string, string] {
  const parts = link.split(':');
  if (parts.length > 2 || parts[0] === '' || (parts.length === 2 && parts[1] === '')) {
    throw invalid(`invalid link format: ${link}`);
  }
  const name = parts[0]!.replace(/^\//, '');
  return [name, parts.length === 2 ? parts[1]! : name];
}
