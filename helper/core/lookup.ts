// Docker's lookup order for a network or container reference: full id, exact name, then a unique
// id prefix. Errors use Docker's wording and statuses.
import { invalid, notFound, type CnmError } from '../errors.js';

interface Named {
  id: string;
  name: string;
}

function ambiguous(kind: 'network' | 'container', ref: string, matches: number, by: 'name' | 'id-prefix'): CnmError {
  const message = `${kind} ${ref} is ambiguous (${matches} matches found ${by === 'name' ? 'on name' : 'based on ID prefix'})`;
  return invalid(message, {}, kind === 'container' ? { reason: 'sandbox-ambiguous', sandbox: ref, matches, by } : undefined);
}

export function lookup<T extends Named>(items: Iterable<T>, ref: string, kind: 'network' | 'container'): T {
  const all = [...items];
  const byId = all.find((x) => x.id === ref);
  if (byId) return byId;
  const byName = all.filter((x) => x.name === ref);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw ambiguous(kind, ref, byName.length, 'name');
  }
  const byPrefix = ref.length > 0 ? all.filter((x) => x.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) {
    throw ambiguous(kind, ref, byPrefix.length, 'id-prefix');
  }
  throw kind === 'network'
    ? notFound(`network ${ref} not found`, { network: ref })
    : notFound(`No such container: ${ref}`, { sandbox: ref }, { reason: 'no-such-sandbox', sandbox: ref });
}
