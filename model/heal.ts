// Self-healing events: cnmd saw damage done from outside (a flushed or deleted firewall table, a
// deleted bridge or veth, a deleted sandbox namespace) and repaired it, or reports what only a
// user can resolve. They arrive on GET /events beside Docker's events, with Type 'cnm'; Docker
// clients show them as any other event, the extension as a notification.
import type { DockerEvent } from './docker.js';

export const HEAL_EVENT_TYPE = 'cnm';

/** What was damaged: cnm's nftables table, a network's link (bridge), an endpoint's links, a sandbox's namespace. */
export type HealSubject = 'firewall' | 'network' | 'endpoint' | 'sandbox';

/**
 * heal: cnmd repaired it by itself · heal-failed: it tried and could not (detail says why) ·
 * lost: damage cnmd does not undo by itself (a deleted sandbox namespace: repair or remove it) ·
 * repair: a repair a user asked for (POST /cnm/sandboxes/{id}/repair) is done.
 */
export type HealAction = 'heal' | 'heal-failed' | 'lost' | 'repair';

/** Actor.Attributes of a heal event (strings, as in every Docker event). */
export interface HealAttributes {
  subject: HealSubject;
  /** The object's name: `inet cnm`, a network's name, a sandbox's name. */
  name: string;
  /** What happened and what was done, in words. */
  detail: string;
  /** Milliseconds from the kernel's notification to the repair done (heal, repair). */
  ms?: string;
}

export interface HealEvent extends DockerEvent {
  Type: typeof HEAL_EVENT_TYPE;
  Action: HealAction;
  Actor: { ID: string; Attributes: HealAttributes & Record<string, string> };
}

export function isHealEvent(e: DockerEvent): e is HealEvent {
  return e.Type === HEAL_EVENT_TYPE;
}

/** One line for a person: `cnmd healed the firewall (inet cnm): … (3 ms)`. */
export function healMessage(e: HealEvent): string {
  const a = e.Actor.Attributes;
  const verb = { heal: 'healed', 'heal-failed': 'could not heal', lost: 'lost', repair: 'repaired' }[e.Action] ?? e.Action;
  return `cnmd ${verb} ${a.subject} ${a.name}: ${a.detail}${a.ms ? ` (${a.ms} ms)` : ''}`;
}
