// CnmClient over dockerode. Docker's endpoints go through dockerode's own methods (so the same code
// works against a real Docker engine); cnm's /cnm/ paths go through its modem's dial.
import Docker from 'dockerode';
import type { ClusterView, EngineContainer, HostInfo, SandboxCreateRequest, SandboxView, DnsRecord } from '../../model/cnm.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import type { DockerEvent, DockerInfo, NetworkCreateResponse, NetworkPruneResponse, NetworkResource } from '../../model/docker.js';
import { cnmWording, errorDetailOf } from '../../model/errors.js';
import type { PublishedPort } from '../../model/ports.js';
import { ExecError, startExec, type ExecHandle, type ExecOptions, type ExecSinks } from '../../transport/exec.js';
import { ApiError, type CnmClient, type EventHandlers, type EventSubscription } from './client.js';

interface DialOptions {
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  options?: object;
  statusCodes: Record<number, boolean | string>;
}
interface Modem {
  dial(o: DialOptions, cb: (err: (Error & { statusCode?: number; json?: unknown }) | null, data: unknown) => void): void;
}

/**
 * dockerode's errors read "(HTTP code 409) unexpected - message"; keep the daemon's message and status,
 * in cnm's wording where the body carries cnm's detail (a sandbox is a sandbox, an overlap names the network).
 */
export function toApiError(err: unknown): Error {
  const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
  if (typeof e?.statusCode === 'number') {
    const detail = errorDetailOf(e.json);
    const msg = detail ? cnmWording(detail) : (e.json?.message ?? e.message?.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim() ?? 'error');
    return new ApiError(msg, e.statusCode);
  }
  return err instanceof Error ? err : new Error(String(err));
}

async function api<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw toApiError(err);
  }
}

export class DockerodeClient implements CnmClient {
  private readonly docker: Docker;
  private readonly modem: Modem;

  constructor(
    private readonly socketPath: string,
    private readonly onDispose: () => void = () => {},
  ) {
    this.docker = new Docker({ socketPath });
    this.modem = (this.docker as unknown as { modem: Modem }).modem;
  }

  /** `options` is the JSON body of a POST and the query string of anything else. */
  private dial<T>(method: DialOptions['method'], path: string, options?: Record<string, unknown>): Promise<T> {
    // docker-modem appends a query only to a path that ends in '?'.
    const withQuery = method !== 'POST' && options && Object.keys(options).length > 0;
    return new Promise((resolve, reject) => {
      this.modem.dial(
        { path: withQuery ? path + '?' : path, method, options, statusCodes: { 200: true, 201: true, 204: true } },
        (err, data) => (err ? reject(toApiError(err)) : resolve(data as T)),
      );
    });
  }

  /** GET on a cnm path that a plain Docker engine does not have: undefined on 404. */
  private async optional<T>(path: string, query?: Record<string, unknown>): Promise<T | undefined> {
    try {
      return await this.dial<T>('GET', path, query);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  async ping(): Promise<void> {
    await api(this.docker.ping());
  }
  version() {
    return api(this.docker.version()) as unknown as ReturnType<CnmClient['version']>;
  }
  info(): Promise<DockerInfo | undefined> {
    return this.optional<DockerInfo>('/info');
  }
  listNetworks(): Promise<NetworkResource[]> {
    return api(this.docker.listNetworks()) as unknown as Promise<NetworkResource[]>;
  }
  inspectNetwork(id: string): Promise<NetworkResource> {
    return api(this.docker.getNetwork(id).inspect()) as Promise<NetworkResource>;
  }
  async createNetwork(req: Parameters<CnmClient['createNetwork']>[0]): Promise<NetworkCreateResponse> {
    // dockerode's createNetwork wraps the reply in a Network object and drops Warning: dial directly.
    return this.dial<NetworkCreateResponse>('POST', '/networks/create', { ...req });
  }
  async removeNetwork(id: string): Promise<void> {
    await api(this.docker.getNetwork(id).remove());
  }
  async connect(network: string, req: Parameters<CnmClient['connect']>[1]): Promise<void> {
    await api(this.docker.getNetwork(network).connect(req as object));
  }
  async disconnect(network: string, req: Parameters<CnmClient['disconnect']>[1]): Promise<void> {
    await api(this.docker.getNetwork(network).disconnect(req));
  }
  pruneNetworks(): Promise<NetworkPruneResponse> {
    return api(this.docker.pruneNetworks()) as Promise<NetworkPruneResponse>;
  }

  async events(h: EventHandlers): Promise<EventSubscription> {
    // `cluster` is cnm's own type, not in dockerode's list; Docker validates filter keys, not values
    const types = ['network', 'container', 'cluster'] as DockerEvent['Type'][] as Array<'network' | 'container'>;
    const stream = (await api(this.docker.getEvents({ filters: { type: types } }))) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    let buf = '';
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      h.onEnd(err);
    };
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          h.onEvent(JSON.parse(line) as DockerEvent);
        } catch {
          // a malformed line is skipped; the next refresh re-reads the whole state anyway
        }
      }
    });
    stream.on('error', (err: Error) => end(err));
    stream.on('end', () => end());
    stream.on('close', () => end());
    return {
      close: () => {
        ended = true;
        stream.destroy();
      },
    };
  }

  listSandboxes(): Promise<SandboxView[] | undefined> {
    return this.optional<SandboxView[]>('/cnm/sandboxes');
  }
  createSandbox(req: SandboxCreateRequest): Promise<{ id: string }> {
    return this.dial('POST', '/cnm/sandboxes/create', { ...req });
  }
  async removeSandbox(id: string, force: boolean): Promise<void> {
    await this.dial('DELETE', `/cnm/sandboxes/${encodeURIComponent(id)}`, force ? { force: 1 } : undefined);
  }
  hostInfo(): Promise<HostInfo | undefined> {
    return this.optional<HostInfo>('/cnm/host');
  }
  listContainers(): Promise<EngineContainer[] | undefined> {
    return this.optional<EngineContainer[]>('/cnm/containers');
  }
  async exec(sandbox: string, opts: ExecOptions, sinks: ExecSinks): Promise<ExecHandle> {
    try {
      return await startExec(this.socketPath, sandbox, opts, sinks);
    } catch (err) {
      throw err instanceof ExecError ? new ApiError(err.message, err.status) : err;
    }
  }
  dns(network?: string): Promise<DnsRecord[] | undefined> {
    return this.optional<DnsRecord[]>('/cnm/dns', network ? { network } : undefined);
  }
  cluster(): Promise<ClusterView | undefined> {
    return this.optional<ClusterView>('/cnm/cluster');
  }
  publishedPorts(): Promise<PublishedPort[] | undefined> {
    return this.optional<PublishedPort[]>('/cnm/ports');
  }
  why(from: string, to: string, port?: string): Promise<WhyReport | undefined> {
    return this.optional<WhyReport>('/cnm/why', { from, to, ...(port ? { port } : {}) });
  }
  matrix(networks: string[]): Promise<ReachabilityMatrix | undefined> {
    // docker-modem writes an array as repeated keys (network=a&network=b), as the API reads them.
    return this.optional<ReachabilityMatrix>('/cnm/why/matrix', networks.length ? { network: networks } : undefined);
  }
  async moveNetwork(network: string, req: NetworkMoveRequest): Promise<NetworkMovePlan | undefined> {
    try {
      return await this.dial<NetworkMovePlan>('POST', `/cnm/networks/${encodeURIComponent(network)}/move`, { ...req });
    } catch (err) {
      // A plain Docker engine has no such path (its 404 names the page, not a network).
      if (err instanceof ApiError && err.status === 404 && /page not found/i.test(err.message)) return undefined;
      throw err;
    }
  }
  dispose(): void {
    this.onDispose();
  }
}
