// Publishing a new sandbox's ports: the request's shapes → concrete mappings on its record, with
// the checks of allocate.ts against cnm's other ports and the host's sockets.
import type { Endpoint, Sandbox, SandboxCreateRequest } from '../../model/cnm.js';
import { invalid } from '../errors.js';
import type { CoreContext } from '../core/context.js';
import { bindProblem, ephemeralPortRange } from '../kernel/probe.js';
import { allocatePorts, exposedPorts, type PortRequest } from './allocate.js';
import { publisher } from './state.js';

export const portRequest = (req: SandboxCreateRequest): PortRequest => ({
  exposed: req.ExposedPorts,
  bindings: req.PortBindings,
  publishAll: req.PublishAllPorts,
});

/** Syntax of the request's ports, checked before anything is made; returns the exposed keys. */
export const checkPortRequest = (req: SandboxCreateRequest): string[] => exposedPorts(portRequest(req));

/** Sets `sb.ports` for the sandbox's first endpoint `ep` (not yet on record). */
export async function publishPorts(ctx: CoreContext, sb: Sandbox, req: SandboxCreateRequest, ep: Endpoint): Promise<void> {
  const preq = portRequest(req);
  const wants = Object.keys(preq.bindings ?? {}).length > 0 || (!!preq.publishAll && (sb.exposed?.length ?? 0) > 0);
  if (!wants) return;
  const pub = publisher(ctx, sb, [ep]);
  const net = ctx.state.networks.get(ep.networkId)!;
  if (!pub)
    throw invalid(`cannot publish ports of ${sb.name}: network ${net.name} is not a bridge network with a gateway to the outside`, {
      network: net.name,
    });
  const taken = [...ctx.state.sandboxes.values()].flatMap((s) => (s.id === sb.id ? [] : (s.ports ?? [])));
  sb.ports = await allocatePorts(preq, {
    sandbox: sb.name,
    endpointId: ep.id,
    defaultHostIp: pub.defaultHostIp,
    ipv6: !!ep.ipv6,
    taken,
    bindProblem,
    ephemeral: ephemeralPortRange(),
  });
}
