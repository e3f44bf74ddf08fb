// Docker networks made with `-o cnm.driver=overlay`: each engine creates its own (scope local, its
// own id), and they all stand for ONE cnm global overlay network with the Docker network's name,
// shared through cnm's cluster store. The protocol never tells a network's name, and dockerd only
// shows its record once CreateNetwork has returned, so the binding is made just after (in the
// background) or at the latest on the network's first endpoint: the first host creates the cnm
// network (claimed in etcd), the others join it if subnet and options agree and are refused,
// with what to change, if not.
import type { NetworkResource } from '../../model/docker.js';
import type { Controller } from '../core/controller.js';
import { CnmError, conflict } from '../errors.js';
import { log } from '../log.js';
import type { DockerNetworkInfo } from './docker-names.js';

export const DRIVER_OPTION = 'cnm.driver';
/** On the cnm network: made through the plugin (informative; the record is shared by every host). */
export const OVERLAY_LABEL = 'cnm.docker.overlay';

export interface OverlayDeps {
  controller: Controller;
  /** dockerd's record of a network (name, options, subnet); undefined if it never shows one. */
  dockerNetwork?(networkId: string): Promise<DockerNetworkInfo | undefined>;
  /** dockerd's cnm plugin networks; undefined while dockerd does not answer. */
  dockerNetworks?(): Promise<DockerNetworkInfo[] | undefined>;
  /** How long a racing host's network may take to reach this host's mirror. */
  mirrorWaitMs?: number;
}

const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const subnetOf = (n: { IPAM?: { Config?: Array<{ Subnet?: string }> | null } }) => n.IPAM?.Config?.[0]?.Subnet ?? '';

export class OverlayBindings {
  /** Docker network id → the cnm network's name, once bound (or while binding). */
  private readonly bound = new Map<string, Promise<string>>();
  private recovered = false;

  constructor(private readonly deps: OverlayDeps) {}

  /** Starts binding right after CreateNetwork (dockerd shows the network a moment later). */
  prepare(dockerId: string): void {
    this.network(dockerId).catch(() => undefined); // logged in network(); refused again at the first endpoint
  }

  /** The cnm network of a Docker overlay network, bound again if it was removed meanwhile. */
  async network(dockerId: string): Promise<string> {
    let p = this.bound.get(dockerId);
    if (p) {
      const name = await p.catch(() => undefined);
      if (name && this.global(name)) return name;
      this.bound.delete(dockerId);
    }
    p = this.bind(dockerId);
    this.bound.set(dockerId, p);
    p.catch((err) => {
      this.bound.delete(dockerId);
      log('warn', 'docker plugin: overlay network not bound', { network: dockerId.slice(0, 12), error: String(err) });
    });
    return p;
  }

  /** The bound name without asking dockerd (DeleteNetwork: dockerd is removing its record). */
  async known(dockerId: string): Promise<string | undefined> {
    const name = await this.bound.get(dockerId)?.catch(() => undefined);
    this.bound.delete(dockerId);
    return name;
  }

  /**
   * After a cnmd restart the bindings (kept in memory) are read back from dockerd's own overlay
   * networks, so its later DeleteNetwork still finds the cnm network. Once, when dockerd answers.
   */
  async recover(): Promise<void> {
    if (this.recovered || !this.deps.dockerNetworks) return;
    const nets = await this.deps.dockerNetworks();
    if (!nets) return;
    this.recovered = true;
    for (const d of nets) {
      if (!d.Id || d.Options?.[DRIVER_OPTION] !== 'overlay' || this.bound.has(d.Id) || !this.global(d.Name)) continue;
      this.bound.set(d.Id, Promise.resolve(d.Name));
    }
  }

  private global(name: string): NetworkResource | undefined {
    return this.deps.controller.listNetworks().find((n) => n.Name === name && n.Scope === 'global');
  }

  private async bind(dockerId: string): Promise<string> {
    const d = await this.deps.dockerNetwork?.(dockerId);
    if (!d)
      throw new CnmError(
        'not-found',
        `dockerd does not show network ${dockerId.slice(0, 12)}: cnm names an overlay after the Docker network, read from dockerd (cnmd --docker-host)`,
      );
    const options = { ...(d.Options ?? {}) };
    delete options[DRIVER_OPTION];
    const gateway = d.IPAM?.Config?.[0]?.Gateway;
    if (!this.deps.controller.listNetworks().some((n) => n.Name === d.Name)) {
      try {
        await this.deps.controller.createNetwork({
          Name: d.Name,
          Driver: 'overlay',
          IPAM: { Config: [{ Subnet: subnetOf(d), ...(gateway ? { Gateway: gateway } : {}) }] },
          Options: options,
          Labels: { [OVERLAY_LABEL]: 'true' },
        });
        log('info', 'docker plugin: overlay network created in the cluster', { network: d.Name });
        return d.Name;
      } catch (err) {
        // Another host created it first: join that one once it reaches this host's mirror.
        if (!(err instanceof CnmError && err.kind === 'conflict' && /already exists/.test(err.message))) throw err;
        await this.waitForMirror(d.Name);
      }
    }
    this.check(d, options);
    log('info', 'docker plugin: overlay network joined', { network: d.Name });
    return d.Name;
  }

  private async waitForMirror(name: string): Promise<void> {
    const until = Date.now() + (this.deps.mirrorWaitMs ?? 10_000);
    while (!this.global(name) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  /** Refuses to join a cnm network that is not the same overlay: says what to give instead. */
  private check(d: DockerNetworkInfo, options: Record<string, string>): void {
    const net = this.global(d.Name);
    if (!net) throw conflict(`a cnm network named ${d.Name} exists and is not a global overlay network: choose another name`);
    const [theirs, mine] = [subnetOf(net), subnetOf(d)];
    if (theirs !== mine)
      throw conflict(
        `cnm overlay network ${d.Name} exists in the cluster with subnet ${theirs} (this Docker network has ${mine}): ` +
          `remove it and create it again with --subnet ${theirs}`,
      );
    if (sorted(net.Options ?? {}) !== sorted(options))
      throw conflict(
        `cnm overlay network ${d.Name} exists in the cluster with options ${sorted(net.Options ?? {})} (this Docker network has ${sorted(options)}): ` +
          'use the same -o options on every host',
      );
  }
}
