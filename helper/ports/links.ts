// Docker's legacy links (`--link other:alias`), default bridge only: the target's address on the
// default bridge goes into the linking sandbox's /etc/hosts as `<ip>\t<alias> <hostname> [<name>]`
// (Docker's order) and follows the target when its address changes. User-defined networks have
// the embedded DNS instead, so links are refused there.
import type { Network, Sandbox, SandboxLink } from '../../model/cnm.js';
import { invalid } from '../errors.js';
import type { CoreContext } from '../core/context.js';

/** Docker's daemon message for links on the host network (runconfig ErrConflictHostNetworkAndLinks). */
export const HOST_LINKS = "conflicting options: host type networking can't be used with links. This would result in undefined behavior";

const defaultBridge = (ctx: CoreContext): Network | undefined => [...ctx.state.networks.values()].find((n) => n.builtin === 'bridge');

/** Checks `name[:alias]` links of a sandbox being created on `net`; the targets must be on the default bridge. */
export function resolveLinks(ctx: CoreContext, links: string[] | null | undefined, net: Network): SandboxLink[] {
  if (links === undefined || links === null) return [];
  if (!Array.isArray(links) || links.some((l) => typeof l !== 'string')) throw invalid('Links: a list of "name:alias" strings expected');
  if (!links.length) return [];
  if (ctx.of(net).driver.caps.hostNetns) throw invalid(HOST_LINKS);
  const bridge = defaultBridge(ctx);
  if (net.id !== bridge?.id) {
    throw invalid(
      `links are supported only on the default bridge network: sandboxes on user-defined network ${net.name} reach each other by name through the embedded DNS`,
      { network: net.name },
    );
  }
  return links.map((spec) => {
    const [name = '', alias = name] = spec.split(':');
    let target: Sandbox;
    try {
      target = ctx.state.sandbox(name.replace(/^\//, ''));
    } catch (err) {
      throw invalid(`could not get container for ${name}: ${(err as Error).message}`);
    }
    if (!ctx.state.endpointOf(bridge.id, target.id))
      throw invalid(`Cannot link to /${target.name}, as it does not belong to the default network`);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(alias)) throw invalid(`invalid link alias ${JSON.stringify(alias)}`);
    return { sandboxId: target.id, alias };
  });
}

/** The /etc/hosts lines of a sandbox's links, from the targets' current addresses on the default bridge. */
export function linkHostLines(ctx: CoreContext, sb: Sandbox): string[] {
  const bridge = defaultBridge(ctx);
  if (!bridge || !sb.links?.length) return [];
  return sb.links.flatMap((l) => {
    const target = ctx.state.sandboxes.get(l.sandboxId);
    const ip = target && ctx.state.endpointOf(bridge.id, target.id)?.ipv4?.split('/')[0];
    if (!target || !ip) return [];
    const names = [l.alias, target.hostname, ...(l.alias !== target.name ? [target.name] : [])];
    return [`${ip}\t${[...new Set(names)].join(' ')}`];
  });
}

/** The sandboxes that link to `targetId` (their /etc/hosts must follow its address). */
export const linkersOf = (ctx: CoreContext, targetId: string): Sandbox[] =>
  [...ctx.state.sandboxes.values()].filter((s) => s.links?.some((l) => l.sandboxId === targetId));
