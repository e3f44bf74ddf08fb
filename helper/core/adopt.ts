// Adopting a namespace cnm did not make (`cnm sandbox create NAME --netns PATH | --container NAME`):
// which namespace, whether it may be adopted, and how its life is judged. The sandbox then names it
// /run/netns/<prefix><id> by a bind mount (kernel/netns attachNetns) and is used like any other;
// removing the sandbox detaches cnm's endpoints and drops the bind mount, never the namespace.
import type { AdoptedNetns, SandboxCreateRequest } from '../../model/cnm.js';
import { CnmError, invalid } from '../errors.js';
import { netnsInode } from '../kernel/netns/netns.js';
import type { CoreContext } from './context.js';

/** A running container's init pid, from the engine that knows the name (helper/adopt/engines.ts). */
export type ContainerResolver = (name: string) => Promise<{ pid: number; engine: 'docker' | 'podman' }>;

const PROC_NS = /^\/proc\/(\d+|self)\/ns\/net$/;

export async function adoption(ctx: CoreContext, req: SandboxCreateRequest): Promise<{ adopted: AdoptedNetns; path: string } | undefined> {
  if (req.Netns && req.Container) throw invalid('give --netns or --container, not both');
  let source = req.Netns;
  let container: Pick<AdoptedNetns, 'container' | 'engine'> = {};
  if (req.Container) {
    if (!ctx.deps.containers) throw invalid('--container needs cnmd to reach a Docker or Podman socket');
    const { pid, engine } = await ctx.deps.containers(req.Container);
    source = `/proc/${pid}/ns/net`;
    container = { container: req.Container, engine };
  }
  if (!source) return undefined;
  if (!source.startsWith('/'))
    throw invalid(`--netns ${source}: an absolute path to a namespace file is needed (/proc/PID/ns/net or /run/netns/NAME)`);
  const ino = netnsInode(source);
  if (ino === undefined) throw new CnmError('not-found', `${source} is not a network namespace (or it is gone)`, { netns: source });
  if (ino === netnsInode('/proc/self/ns/net'))
    throw invalid(`${source} is cnmd's own network namespace: use a network with the host driver instead`);
  const holder = [...ctx.state.sandboxes.values()].find(
    (s) => s.adopted?.ino === ino || (!s.adopted && !ctx.onHostNetns(s) && netnsInode(s.netnsPath) === ino),
  );
  if (holder) throw new CnmError('conflict', `network namespace ${source} is already sandbox ${holder.name}`, { sandbox: holder.name });
  return { path: source, adopted: { source, liveness: PROC_NS.test(source) ? 'processes' : 'file', ino, ...container } };
}
