// Test and bench support: a network record as the core would hand it to a driver. Not used by cnmd.
import type { Network } from '../../model/cnm.js';

/** A local bridge network with id `id` (repeated to 64 hex), one IPv4 pool if `subnet` is given. */
export function testNetwork(id: string, over: Partial<Network> & { subnet?: string; gateway?: string } = {}): Network {
  const { subnet, gateway, ...rest } = over;
  return {
    id: id.repeat(64 / id.length),
    name: `net-${id}`,
    created: '',
    scope: 'local',
    driver: 'bridge',
    enableIPv6: false,
    internal: false,
    attachable: false,
    ipam: { driver: 'default', options: {}, pools: subnet ? [{ subnet, gateway, auxAddresses: {}, showGateway: true }] : [] },
    options: {},
    labels: {},
    ...rest,
  };
}
