// Moving a network to another subnet (POST /cnm/networks/{id}/move): the request, and the plan
// cnmd returns for a dry run and after a move. One definition for cnmd, the CLI and the extension.

/** POST /cnm/networks/{id}/move body. */
export interface NetworkMoveRequest {
  /** The new IPv4 subnet; absent: a free one (no network's, no live route's or address's). */
  Subnet?: string;
  /** Only plan: nothing is changed, the answer says what would be. */
  DryRun?: boolean;
  /** Move even when something the user set cannot be kept (a static address, the IP range, aux addresses). */
  Force?: boolean;
}

/** One endpoint before and after: `to` undefined means the address is assigned on reconnect. */
export interface MoveEndpointPlan {
  sandbox: string;
  sandboxId: string;
  endpointId: string;
  ifname: string;
  from?: string;
  to?: string;
  macFrom: string;
  macTo: string;
}

/** Something the user set that the new subnet cannot hold. */
export interface MoveLoss {
  what: 'static-address' | 'ip-range' | 'aux-address' | 'gateway';
  value: string;
  sandbox?: string;
  text: string;
}

export interface NetworkMovePlan {
  network: string;
  networkId: string;
  from: { subnet: string; gateway?: string };
  to: { subnet: string; gateway?: string };
  endpoints: MoveEndpointPlan[];
  /** What cannot be kept; a move with any needs Force. */
  losses: MoveLoss[];
  /** Host routes/addresses the new subnet overlaps (a given Subnet only; a free one overlaps none). */
  overlaps: string[];
  dryRun: boolean;
  /** The move was made (false for a dry run). */
  moved: boolean;
  /** How long the move took (disconnect, re-address, reconnect, commit), in ms. */
  ms?: number;
}

/** Lines a user reads: the plan as `cnm network move --dry-run` prints it and the extension shows it. */
export function movePlanLines(p: NetworkMovePlan): string[] {
  const gw = (g?: string) => (g ? ` (gateway ${g})` : '');
  const lines = [`${p.network}: ${p.from.subnet}${gw(p.from.gateway)} → ${p.to.subnet}${gw(p.to.gateway)}`];
  for (const e of p.endpoints) {
    const mac = e.macFrom === e.macTo ? '' : `, MAC ${e.macFrom} → ${e.macTo}`;
    lines.push(`  ${e.sandbox} (${e.ifname}): ${e.from ?? 'no address'} → ${e.to ?? 'assigned on reconnect'}${mac}`);
  }
  for (const l of p.losses) lines.push(`  cannot keep: ${l.text}`);
  for (const o of p.overlaps) lines.push(`  warning: the new subnet overlaps ${o}`);
  if (p.endpoints.length) lines.push(`  ${p.endpoints.length} endpoint(s) are disconnected and reconnected; names, aliases and ids stay`);
  return lines;
}
