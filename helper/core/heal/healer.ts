// Self-healing at run time, driven by kernel notifications (no polling): cnmd's links (rtnetlink
// RTNLGRP_LINK), its nftables table (NFNLGRP_NFTABLES) and the sandbox namespace files (inotify
// on /run/netns). Each notification queues a job on the core's queue, so a heal never races an
// operation; by the time it runs, cnmd's own changes (a network removed, a sandbox deleted) are
// on record and the job finds nothing to do. Every heal is an event (model/heal.ts).
//
// - the table changed by another process (`nft flush ruleset`, `nft delete table inet cnm`, a
//   rule added by hand): the whole table is re-applied.
// - a network's link deleted (`ip link del br-…`): the driver's setupNetwork re-makes it and
//   every endpoint on it is checked and re-made (heal/repair.ts).
// - an endpoint's link deleted: that endpoint is re-made.
// - a sandbox's namespace file deleted (`ip netns del`): cnmd lets the namespace go (closes its
//   sockets in it), reports it (inspect's `warnings`, a `lost` event) and waits for a repair or rm.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Network, Sandbox } from '../../../model/cnm.js';
import type { HealSubject } from '../../../model/heal.js';
import { ownerOf } from '../../drivers/owner.js';
import { watchLinks } from '../../kernel/netlink/monitor.js';
import { watchNetns } from '../../kernel/netns/netns.js';
import { watchTable } from '../../kernel/nftables/monitor.js';
import { log } from '../../log.js';
import type { CoreContext } from '../context.js';
import { nsName } from '../endpoints.js';
import { readoptSandbox } from '../restore.js';
import { repairEndpoints } from './repair.js';

const ms = (since: number): string => (performance.now() - since).toFixed(1);
/** After a failed heal, the links it deleted itself are not a reason to try again at once. */
const RETRY_AFTER_FAILURE_MS = 5000;

/** Notifications seen but not yet handled: link owners (with the link's name and when). */
interface Pending {
  since: number;
  link: string;
}

export class Healer {
  private watches: { close(): void }[] = [];
  private readonly gone = new Map<string, Pending>();
  private linksQueued = false;
  private firewallDue: { since: number; why: string } | undefined;
  /** Objects whose last heal failed, and when: a failed re-make deletes links too, which must not loop. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly ctx: CoreContext) {}

  start(): void {
    this.watches.push(
      watchLinks(
        (c) => c.deleted && this.linkGone(c.link.alias, c.link.name),
        () => this.queue(() => this.everything('link notifications were lost')),
      ),
      watchTable(
        (c) => this.firewallChanged(`${c.process || 'another process'} (pid ${c.pid}) changed it`),
        () => this.firewallChanged('notifications were lost'),
      ),
      watchNetns(this.ctx.deps.netnsPrefix, (name) => this.queue(() => this.netnsGone(name))),
    );
  }

  close(): void {
    for (const w of this.watches) w.close();
    this.watches = [];
  }

  private queue(job: () => Promise<void>): void {
    this.ctx.mutex.run(job).catch((err) => log('error', 'heal job failed', { error: String(err) }));
  }

  /** Runs one repair; a failure becomes a heal-failed event instead of an exception. */
  private async attempt(
    subject: HealSubject,
    id: string,
    name: string,
    since: number,
    fn: () => Promise<string | undefined>,
  ): Promise<void> {
    try {
      const detail = await fn();
      if (detail) this.ctx.emitHeal('heal', id, { subject, name, detail, ms: ms(since) });
      if (detail) log('warn', 'healed', { subject, name, detail, ms: ms(since) });
      this.failedAt.delete(id);
    } catch (err) {
      this.failedAt.set(id, performance.now());
      const detail = err instanceof Error ? err.message : String(err);
      log('error', 'heal failed', { subject, name, error: detail });
      this.ctx.emitHeal('heal-failed', id, { subject, name, detail });
    }
  }

  private firewallChanged(why: string): void {
    if (this.firewallDue) return; // one re-apply covers every change before it runs
    this.firewallDue = { since: performance.now(), why };
    this.queue(async () => {
      const { since, why: reason } = this.firewallDue!;
      this.firewallDue = undefined;
      await this.attempt('firewall', 'inet cnm', 'inet cnm', since, async () => {
        await this.ctx.applyFirewall();
        return `${reason}: re-applied`;
      });
    });
  }

  private linkGone(alias: string, link: string): void {
    const owner = ownerOf(alias);
    if (!owner || performance.now() - (this.failedAt.get(owner) ?? -Infinity) < RETRY_AFTER_FAILURE_MS) return;
    if (!this.gone.has(owner)) this.gone.set(owner, { since: performance.now(), link });
    if (this.linksQueued) return;
    this.linksQueued = true;
    this.queue(async () => {
      this.linksQueued = false;
      const gone = new Map(this.gone);
      this.gone.clear();
      await this.linksGone(gone);
    });
  }

  private async linksGone(gone: Map<string, Pending>): Promise<void> {
    const { state } = this.ctx;
    const nets = [...gone.keys()].filter((id) => state.networks.has(id));
    for (const id of nets) {
      const net = state.networks.get(id)!;
      const { since, link } = gone.get(id)!;
      await this.attempt('network', id, net.name, since, async () => {
        // Already back (cnmd re-made it itself: a subnet move) and nothing to re-attach: no heal.
        const back = !!(await this.ctx.deps.host.getLink(link));
        const n = await this.healNetwork(net);
        return back && n === 0 ? undefined : `${link} was deleted: re-made, ${n} endpoint(s) re-attached`;
      });
    }
    for (const [id, { since, link }] of gone) {
      const ep = state.endpoints.get(id);
      if (!ep || nets.includes(ep.networkId)) continue;
      const sb = state.sandboxes.get(ep.sandboxId)!;
      const net = state.networks.get(ep.networkId)!;
      if (this.ctx.lost.has(sb.id)) continue;
      await this.attempt('endpoint', id, `${sb.name} on ${net.name}`, since, async () => {
        const [r] = await repairEndpoints(this.ctx, sb, (e) => e.id === id);
        return r && `${link} was deleted (${r.problems.join('; ')}): re-made`;
      });
    }
  }

  /** The network's links again (idempotent setupNetwork), then each of its endpoints checked. */
  private async healNetwork(net: Network): Promise<number> {
    const b = this.ctx.of(net);
    await b.driver.setupNetwork(b);
    let n = 0;
    for (const sb of this.sandboxesOn(net)) n += (await repairEndpoints(this.ctx, sb, (e) => e.networkId === net.id)).length;
    return n;
  }

  private sandboxesOn(net: Network): Sandbox[] {
    const { state, lost } = this.ctx;
    const ids = new Set(state.endpointsOfNetwork(net.id).map((e) => e.sandboxId));
    return [...ids].filter((id) => !lost.has(id)).map((id) => state.sandboxes.get(id)!);
  }

  /** After lost notifications: every network and endpoint checked. */
  private async everything(why: string): Promise<void> {
    const since = performance.now();
    for (const net of this.ctx.state.networks.values()) {
      await this.attempt('network', net.id, net.name, since, async () => {
        const n = await this.healNetwork(net);
        return n ? `${why}: ${n} endpoint(s) re-made` : undefined;
      });
    }
    this.firewallChanged(why);
  }

  private async netnsGone(name: string): Promise<void> {
    const { ctx } = this;
    const sb = [...ctx.state.sandboxes.values()].find((s) => !ctx.onHostNetns(s) && nsName(s) === name);
    if (!sb || ctx.lost.has(sb.id) || fs.existsSync(sb.netnsPath)) return; // cnmd's own removal, or back already
    const warning = `its network namespace ${sb.netnsPath} was deleted from outside cnmd: repair it (cnm sandbox repair ${sb.name}) or remove it`;
    ctx.lost.set(sb.id, warning);
    await letGo(ctx, sb);
    log('warn', 'sandbox namespace lost', { sandbox: sb.name, netns: sb.netnsPath });
    ctx.emitHeal('lost', sb.id, { subject: 'sandbox', name: sb.name, detail: warning });
  }
}

/** Closes everything cnmd holds inside a sandbox's namespace, so a deleted one really goes. */
async function letGo(ctx: CoreContext, sb: Sandbox): Promise<void> {
  await ctx.deps.names.sandboxDown(sb);
  ctx.closeHandle(sb.id);
  for (const d of ctx.deps.drivers.all()) d.sandboxGone?.(sb.id);
}

/**
 * A user's repair of a sandbox (POST /cnm/sandboxes/{id}/repair): its namespace re-made if it is
 * gone, every endpoint checked and re-made where needed, its files and names again. Returns what
 * was done, in words; also an event.
 */
export async function repairSandbox(ctx: CoreContext, sb: Sandbox): Promise<string> {
  const since = performance.now();
  const present = ctx.onHostNetns(sb) || fs.existsSync(sb.netnsPath);
  if (!present) await letGo(ctx, sb);
  const repaired = await readoptSandbox(ctx, sb, present);
  ctx.lost.delete(sb.id);
  const detail = `${present ? 'namespace present' : 'namespace re-made'}, ${repaired.length} endpoint(s) re-made`;
  ctx.emitHeal('repair', sb.id, { subject: 'sandbox', name: sb.name, detail, ms: ms(since) });
  return detail;
}
