// Docker's JSON, field for field, against what dockerd 20.10 printed on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { networkResource } from './shapes.js';
import { dockerJson } from '../../test/fixtures/index.js';

const fixture = (name: string): NetworkResource[] => dockerJson(name);

/** The stored records that should reproduce a fixture exactly. */
function recordsFor(r: NetworkResource): { net: Network; eps: Endpoint[]; sbs: Map<string, Sandbox> } {
  const net: Network = {
    id: r.Id,
    name: r.Name,
    created: r.Created,
    scope: r.Scope as Network['scope'],
    driver: r.Driver as Network['driver'],
    enableIPv6: r.EnableIPv6,
    internal: r.Internal,
    attachable: r.Attachable,
    ipam: {
      driver: r.IPAM.Driver,
      options: r.IPAM.Options,
      pools: r.IPAM.Config.map((c) => ({
        subnet: c.Subnet!,
        gateway: c.Gateway,
        ipRange: c.IPRange,
        auxAddresses: c.AuxiliaryAddresses ?? {},
        showGateway: c.Gateway !== undefined,
      })),
    },
    options: r.Options,
    labels: r.Labels,
  };
  const sbs = new Map<string, Sandbox>();
  const eps = Object.entries(r.Containers).map(([sid, c], i) => {
    sbs.set(sid, { id: sid, name: c.Name, hostname: sid.slice(0, 12), labels: {}, netnsPath: '', created: '', dns: [] });
    return {
      id: c.EndpointID,
      networkId: r.Id,
      sandboxId: sid,
      ifname: 'eth0',
      mac: c.MacAddress,
      ipv4: c.IPv4Address || undefined,
      ipv6: c.IPv6Address || undefined,
      aliases: [],
      order: i,
    };
  });
  return { net, eps, sbs };
}

for (const file of [
  'docker-network-inspect-backend-after-connect.json',
  'docker-network-inspect-bridge-default.json',
  'docker-network-inspect-frontend-with-2-containers.json',
  'docker-network-inspect-custom-options.json',
  'docker-network-inspect-ipv6.json',
  'docker-network-inspect-host-none.json',
]) {
  test(`network JSON matches ${file} byte for byte`, () => {
    for (const r of fixture(file)) {
      const { net, eps, sbs } = recordsFor(r);
      const out = networkResource(net, eps, (id) => sbs.get(id));
      // Same keys in the same order, same values: compare Docker's own indentation of both.
      assert.equal(JSON.stringify(out, null, 4), JSON.stringify(r, null, 4));
    }
  });
}
