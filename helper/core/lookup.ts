// Docker's lookup order for a network or container reference: full id, exact name, then a unique
// id prefix. Errors use Docker's wording and statuses.
import { CnmError, notFound } from '../errors.js';

interface Named {
  id: string;
  name: string;
}

export function lookup<T extends Named>(items: Iterable<T>, ref: string, kind: 'network' | 'container'): T {
  const all = [...items];
  const byId = all.find((x) => x.id === ref);
  if (byId) return byId;
  const byName = all.filter((x) => x.name === ref);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new CnmError('invalid', `${kind} ${ref} is ambiguous (${byName.length} matches found on name)`);
  }
  const byPrefix = ref.length > 0 ? all.filter((x) => x.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) {
    throw new CnmError('invalid', `${kind} ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  }
  throw kind === 'network'
    ? notFound(`network ${ref} not found`, { network: ref })
    : notFound(`No such container: ${ref}`, { sandbox: ref }, { reason: 'no-such-sandbox', sandbox: ref });
}
