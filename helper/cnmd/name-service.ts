// The core's NameService, implemented with the embedded DNS (helper/dns): the registry learns
// every endpoint, each sandbox with a netns gets listeners at 127.0.0.11, and resolv.conf follows
// Docker (127.0.0.11 on user-defined networks, the host's upstreams on the default bridge).
import fs from 'node:fs';
import type { DnsRecord, Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { NameService } from '../core/names.js';
import { isUserDefined, parseLink } from '../core/names.js';
import { DnsRegistry } from '../dns/registry.js';
import { DnsServer } from '../dns/server.js';
import { parseResolvConf, renderResolvConf, upstreamsFor, type ResolvConf } from '../dns/resolvconf.js';

export class DnsNameService implements NameService {
  readonly registry = new DnsRegistry();
  private readonly server = new DnsServer(this.registry);
  private readonly host: ResolvConf;

  constructor(hostResolvConf = '/etc/resolv.conf') {
    let text = '';
    try {
      text = fs.readFileSync(hostResolvConf, 'utf8');
    } catch {
      // no resolv.conf: no upstreams, names of our own still resolve
    }
    this.host = parseResolvConf(text);
  }

  resolvConf(sb: Sandbox, nets: Network[]): string {
    return renderResolvConf(this.host, { embedded: nets.some(isUserDefined), dns: sb.dns });
  }

  async sandboxUp(sb: Sandbox): Promise<void> {
    this.registry.setUpstreams(sb.id, upstreamsFor(this.host, sb.dns));
    await this.server.attach(sb.id, sb.netnsPath);
  }

  async sandboxDown(sb: Sandbox): Promise<void> {
    this.registry.removeSandbox(sb.id);
    await this.server.detach(sb.id);
  }

  sandboxRenamed(sb: Sandbox): void {
    this.registry.renameSandbox(sb.id, sb.name);
  }

  endpointUp(sb: Sandbox, net: Network, ep: Endpoint): void {
    this.registry.upsertEndpoint({
      endpointId: ep.id,
      sandboxId: sb.id,
      sandboxName: sb.name,
      hostname: sb.hostname,
      networkId: net.id,
      networkName: net.name,
      internal: net.internal,
      userDefined: isUserDefined(net),
      aliases: ep.aliases,
      links: ep.links && Object.fromEntries(ep.links.map((l) => parseLink(l).reverse())),
      ipv4: ep.ipv4,
      ipv6: ep.ipv6,
    });
  }

  endpointDown(ep: Endpoint): void {
    this.registry.removeEndpoint(ep.id);
  }

  records(network?: Network): DnsRecord[] {
    return this.registry.records(network?.name);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
