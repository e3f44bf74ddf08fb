// After a sandbox's endpoints change (connect, disconnect, create, remove): its published ports
// follow its address (the firewall is re-rendered from state), and the sandboxes linking to it get
// its new address in their /etc/hosts. Nothing happens for a sandbox without ports or linkers,
// so the connect hot path stays as it was.
import type { Sandbox } from '../../model/cnm.js';
import type { CoreContext } from '../core/context.js';
import { refreshSandboxFiles } from '../core/endpoints.js';
import { linkersOf } from './links.js';
import { publisher } from './state.js';

/** Hairpin mode on the bridge port of the endpoint a sandbox's ports go to (self-hairpin, see kernel/nftables/ports.ts). */
export async function hairpin(ctx: CoreContext, sb: Sandbox, eps?: Parameters<typeof publisher>[2]): Promise<void> {
  const link = sb.ports?.length ? publisher(ctx, sb, eps)?.ep.hostIfname : undefined;
  if (link) await ctx.deps.host.setHairpin(link, true);
}

export async function followSandbox(ctx: CoreContext, sb: Sandbox, gone = false): Promise<void> {
  if (sb.ports?.length) {
    if (!gone) await hairpin(ctx, sb);
    await ctx.applyFirewall();
  }
  for (const l of linkersOf(ctx, sb.id)) if (l.id !== sb.id) await refreshSandboxFiles(ctx, l);
}
