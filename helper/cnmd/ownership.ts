// How cnmd recognises its own kernel objects (see ARCHITECTURE.md, Invariants): links by their
// alias `cnm:<owner id>`, sandbox namespaces and /etc/netns folders by a name prefix derived from
// the state dir, so several cnmd on one machine never touch each other's.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ownerOf } from '../drivers/owner.js';

export const isOwnLink = (link: { alias?: string }): boolean => ownerOf(link.alias) !== undefined;

/** `cnm-<4 hex of the state dir's real path>-`; the state dir must exist. */
export function netnsPrefixFor(stateDir: string): string {
  return `cnm-${createHash('sha256').update(fs.realpathSync(stateDir)).digest('hex').slice(0, 4)}-`;
}
