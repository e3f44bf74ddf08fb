// The claims of a stand-alone overlay (`--scope local` on a cnmd without a cluster store): the
// same rules as the cluster's (model/overlay.ts), taken against this host's own networks instead
// of etcd. Nothing is published and nothing needs releasing: the VNI lives in the network's record
// and the subnet in the IPAM's pool, both on the embedded store and gone with the record.
import type { NetworkClaim } from '../../model/cnm.js';
import { nextGlobalSubnet, nextVni } from '../../model/overlay.js';
import { conflict, forbidden } from '../errors.js';
import type { NetworkClaims } from './global.js';
import type { State } from './state.js';

export class LocalClaims implements NetworkClaims {
  constructor(private readonly state: State) {}

  /** This host's store is always there. */
  ensureAvailable(): void {}

  async claimNetwork(c: NetworkClaim): Promise<{ subnet: string; vni: number }> {
    const used = new Set([...this.state.networks.values()].flatMap((n) => (n.vxlanId === undefined ? [] : [n.vxlanId])));
    if (c.vni !== undefined && used.has(c.vni)) throw conflict(`VXLAN id ${c.vni} is already in use`, { network: c.name });
    const vni = c.vni ?? nextVni(used);
    // A given subnet is checked by the IPAM (overlaps, syntax) when its pool is requested.
    const subnet = c.subnet ?? nextGlobalSubnet(c.avoid);
    if (vni === undefined || subnet === undefined) throw forbidden('no available VXLAN id or subnet in 10.0.0.0/8', { network: c.name });
    return { subnet, vni };
  }

  async publishNetwork(): Promise<void> {}

  async releaseNetwork(): Promise<void> {}
}
