// Every link cnmd makes carries the alias `cnm:<owner id>` (a network, an endpoint, or a sandbox
// for a parked spare veth): start-up removes links whose owner nothing on record knows.
const PREFIX = 'cnm:';

export const ownerAlias = (id: string): string => `${PREFIX}${id}`;

/** The owner id of a link's alias, or undefined when the link is not cnm's. */
export const ownerOf = (alias: string | undefined): string | undefined =>
  alias?.startsWith(PREFIX) ? alias.slice(PREFIX.length) : undefined;

/**
 * The alias of a link the admin made and cnm adopted (a bridge named with
 * com.docker.network.bridge.name that already existed): not `cnm:`, so clean-up never deletes it,
 * and network rm gives it back (alias cleared) instead of deleting it, as Docker does.
 */
export const adoptedAlias = (id: string): string => `cnm-adopted:${id}`;
