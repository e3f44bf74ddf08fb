// Which kind of file a path is, and the project name its objects are grouped under.
import * as path from 'node:path';

export type FileKind = 'compose' | 'topology';

const TOPOLOGY = /\.cnm\.ya?ml$/i;
const COMPOSE = /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i;

export function fileKind(fileName: string): FileKind | undefined {
  const base = path.basename(fileName);
  if (TOPOLOGY.test(base)) return 'topology';
  if (COMPOSE.test(base)) return 'compose';
  return undefined;
}

/**
 * Compose's rule: the top-level `name:`, else the directory's name, lower-cased with everything but
 * [a-z0-9_-] dropped. A topology file without `name:` is named after the file.
 */
export function projectName(fileName: string, kind: FileKind, declared: unknown): string {
  const raw =
    typeof declared === 'string' && declared !== ''
      ? declared
      : kind === 'topology'
        ? path.basename(fileName).replace(TOPOLOGY, '')
        : path.basename(path.dirname(path.resolve(fileName)));
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '') || 'default';
}
