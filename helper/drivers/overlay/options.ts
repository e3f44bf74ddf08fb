// The overlay driver's options: the VXLAN id (allocated by the core, cluster-wide with a cluster
// store, or named by `-o com.docker.network.driver.overlay.vxlanid_list`), the MTU, and
// `-o encrypted`, which is refused: this kernel has neither IPsec ESP nor WireGuard (the design is
// in ARCHITECTURE.md, "Encrypted overlay").
import fs from 'node:fs';
import type { Network } from '../../../model/cnm.js';
import { VXLANID_OPTION, parseVxlanIdList } from '../../../model/overlay.js';
import { CnmError, invalid } from '../../errors.js';
import { parseMtu } from '../options.js';

export const ENCRYPTED_OPTION = 'encrypted';

export interface OverlayConfig {
  vni: number;
  /** The user's MTU; otherwise the underlay's minus VXLAN's 50 bytes, found at the first join. */
  mtu?: number;
}

/** Which of the kernel parts an encrypted overlay could use are present (module loaded or built in). */
export function encryptionSupport(sys = '/sys/module'): { esp: boolean; wireguard: boolean } {
  const has = (m: string) => fs.existsSync(`${sys}/${m}`);
  return { esp: has('esp4') && has('xfrm_user'), wireguard: has('wireguard') };
}

export function encryptedRefusal(support = encryptionSupport()): CnmError {
  const missing = [!support.esp && 'IPsec ESP (esp4, xfrm_user)', !support.wireguard && 'WireGuard'].filter(Boolean);
  const why = missing.length
    ? `this kernel lacks ${missing.join(' and ')}`
    : 'cnm does not implement encryption yet (design: ARCHITECTURE.md, "Encrypted overlay")';
  return new CnmError('unsupported', `overlay option -o ${ENCRYPTED_OPTION} is not supported: ${why}`, { call: 'overlay encrypted' });
}

export function parseOverlayOptions(net: Network): OverlayConfig {
  const o = net.options;
  if (ENCRYPTED_OPTION in o) throw encryptedRefusal();
  let ids: number[] | undefined;
  try {
    ids = parseVxlanIdList(o[VXLANID_OPTION]);
  } catch (err) {
    throw invalid((err as Error).message, { network: net.name });
  }
  const vni = net.vxlanId ?? ids?.[0];
  if (vni === undefined) throw invalid(`overlay network ${net.name} has no VXLAN id`, { network: net.name });
  return { vni, mtu: parseMtu(o) };
}
