// Wires helper/diagnose into cnmd: the conflict watch on cnmd's own namespace and the explainer.
import type { Controller } from '../core/controller.js';
import { ConflictWatch } from '../diagnose/conflicts.js';
import { Diagnoser } from '../diagnose/diagnoser.js';
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { Netlink } from '../kernel/netlink/netlink.js';
import { Firewall } from '../kernel/nftables/nft.js';
import { isOwnLink } from './ownership.js';

export async function startDiagnose(controller: Controller, host: Netlink): Promise<{ diagnostics: Diagnostics; close(): void }> {
  const watch = new ConflictWatch({ controller, host, isOwnLink });
  await watch.start();
  // Its own nft context: listing never interleaves with the core's applies.
  const firewall = Firewall.forCurrent();
  const diagnostics = new Diagnoser({ controller, host, firewall, openNetns: (p) => Netlink.inNetns(p), conflicts: () => watch.list() });
  return {
    diagnostics,
    close() {
      watch.close();
      firewall.close();
    },
  };
}
