// Docker's JSON for CNM objects, derived from the stored records. Field order follows dockerd
// 20.10 so that output matches test/fixtures/docker field for field.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { IPAMPoolConfig, NetworkContainer, NetworkResource } from '../../model/docker.js';

export function networkResource(net: Network, endpoints: Endpoint[], sandboxOf: (id: string) => Sandbox | undefined): NetworkResource {
  const containers: Record<string, NetworkContainer> = {};
  for (const ep of endpoints) {
    containers[ep.sandboxId] = {
      Name: sandboxOf(ep.sandboxId)?.name ?? '',
      EndpointID: ep.id,
      MacAddress: ep.mac,
      IPv4Address: ep.ipv4 ?? '',
      IPv6Address: ep.ipv6 ?? '',
    };
  }
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: net.scope,
    Driver: net.driver,
    EnableIPv6: net.enableIPv6,
    IPAM: {
      Driver: net.ipam.driver,
      Options: net.ipam.options,
      Config: net.ipam.pools
        .map((p) => {
          const c: IPAMPoolConfig = { Subnet: p.subnet };
          if (p.ipRange) c.IPRange = p.ipRange;
          if (p.gateway && p.showGateway) c.Gateway = p.gateway;
          if (Object.keys(p.auxAddresses).length > 0) c.AuxiliaryAddresses = { ...p.auxAddresses };
          return c;
        })
        .concat((net.ipam.unallocated ?? []).map((c) => ({ ...c }))),
    },
    Internal: net.internal,
    Attachable: net.attachable,
    Ingress: false,
    ConfigFrom: { Network: net.configFrom ?? '' },
    ConfigOnly: !!net.configOnly,
    Containers: containers,
    Options: { ...net.options },
    Labels: { ...net.labels },
  };
}
