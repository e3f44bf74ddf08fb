// Where things live in each kind of file: services (compose) or sandboxes (topology).
import type { FileKind } from '../../helper/topology/kind.js';

export const sandboxSection = (kind: FileKind): string => (kind === 'compose' ? 'services' : 'sandboxes');

/** `<section>.<name>.networks` (a list or a map of network names). */
export const isAttachments = (path: readonly string[], kind: FileKind): boolean =>
  path.length === 3 && path[0] === sandboxSection(kind) && path[2] === 'networks';

/** `networks.<name>.driver_opts`: the network's name, else undefined. */
export const driverOptsOf = (path: readonly string[]): string | undefined =>
  path.length === 3 && path[0] === 'networks' && path[2] === 'driver_opts' ? path[1] : undefined;

/** `networks.<name>`: the network's name, else undefined. */
export const networkOf = (path: readonly string[]): string | undefined =>
  path.length === 2 && path[0] === 'networks' ? path[1] : undefined;
