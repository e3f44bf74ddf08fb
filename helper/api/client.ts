// A small typed client for cnmd's API over its unix socket, used by the `cnm` CLI and the language
// server's `apply`. Errors from the daemon become ApiError (status + Docker's message); a daemon
// that is not there becomes DaemonUnreachable, so callers can print Docker's wording for each.
import http from 'node:http';
import type {
  DockerEvent,
  DockerInfo,
  DockerVersion,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkPruneResponse,
  NetworkResource,
} from '../../model/docker.js';
import type { ClusterView, DnsRecord, HostInfo, SandboxCreateRequest, SandboxView } from '../../model/cnm.js';
import type { ReachabilityMatrix, SubnetConflict, WhyReport } from '../../model/diagnose.js';
import { cnmWording, errorDetailOf, type CnmErrorDetail } from '../../model/errors.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import type { PublishedPort } from '../../model/ports.js';

export const DEFAULT_HOST = 'unix:///run/cnmd/cnmd.sock';

/** Filters as Docker's API takes them: name → accepted values. */
export type Filters = Record<string, string[]>;

/** A daemon error. Its message is cnm's wording where the body carries cnm's detail, else the body's. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: CnmErrorDetail,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class DaemonUnreachable extends Error {
  constructor(
    readonly host: string,
    cause: unknown,
  ) {
    super(`Cannot connect to the cnm daemon at ${host}. Is cnmd running?`, { cause });
    this.name = 'DaemonUnreachable';
  }
}

/** -H/--host wins, then CNM_HOST, then the default socket. */
export function resolveHost(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return flag || env.CNM_HOST || DEFAULT_HOST;
}

/** `unix:///run/x.sock` or a bare path → the socket path. */
export function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.includes('://')) throw new Error(`unsupported host ${host}: only unix:// sockets are served by cnmd`);
  return host;
}

export interface EventsOptions {
  filters?: Filters;
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};
const filtersParam = (f?: Filters) => (f && Object.keys(f).length ? JSON.stringify(f) : undefined);
const seg = encodeURIComponent;

export class ApiClient {
  readonly host: string;
  /** The unix socket the requests go to (a local tunnel's for an ssh:// host). */
  readonly socketPath: string;

  constructor(host: string = DEFAULT_HOST) {
    this.host = host.includes('://') ? host : `unix://${host}`;
    this.socketPath = socketPathOf(host);
  }

  ping(): Promise<string> {
    return this.call('GET', '/_ping');
  }
  version(): Promise<DockerVersion> {
    return this.call('GET', '/version');
  }
  /** Docker's /info; from cnmd with `Cnm`: its version, drivers and the host's kernel features. */
  info(): Promise<DockerInfo> {
    return this.call('GET', '/info');
  }

  listNetworks(filters?: Filters): Promise<NetworkResource[]> {
    return this.call('GET', `/networks${query({ filters: filtersParam(filters) })}`);
  }
  inspectNetwork(idOrName: string): Promise<NetworkResource> {
    return this.call('GET', `/networks/${seg(idOrName)}`);
  }
  createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.call('POST', '/networks/create', req);
  }
  removeNetwork(idOrName: string): Promise<void> {
    return this.call('DELETE', `/networks/${seg(idOrName)}`);
  }
  connect(idOrName: string, req: NetworkConnectRequest): Promise<void> {
    return this.call('POST', `/networks/${seg(idOrName)}/connect`, req);
  }
  disconnect(idOrName: string, req: NetworkDisconnectRequest): Promise<void> {
    return this.call('POST', `/networks/${seg(idOrName)}/disconnect`, req);
  }
  /** cnm's own: re-address a network on a free (or given) subnet; DryRun: the plan only. */
  moveNetwork(idOrName: string, req: NetworkMoveRequest): Promise<NetworkMovePlan> {
    return this.call('POST', `/cnm/networks/${seg(idOrName)}/move`, req);
  }
  pruneNetworks(filters?: Filters): Promise<NetworkPruneResponse> {
    return this.call('POST', `/networks/prune${query({ filters: filtersParam(filters) })}`);
  }

  createSandbox(req: SandboxCreateRequest): Promise<SandboxView> {
    return this.call('POST', '/cnm/sandboxes/create', req);
  }
  listSandboxes(): Promise<SandboxView[]> {
    return this.call('GET', '/cnm/sandboxes');
  }
  inspectSandbox(idOrName: string): Promise<SandboxView> {
    return this.call('GET', `/cnm/sandboxes/${seg(idOrName)}`);
  }
  removeSandbox(idOrName: string, force = false): Promise<void> {
    return this.call('DELETE', `/cnm/sandboxes/${seg(idOrName)}${force ? '?force=1' : ''}`);
  }
  repairSandbox(idOrName: string): Promise<SandboxView> {
    return this.call('POST', `/cnm/sandboxes/${seg(idOrName)}/repair`);
  }
  renameSandbox(idOrName: string, newName: string): Promise<void> {
    return this.call('POST', `/cnm/sandboxes/${seg(idOrName)}/rename${query({ name: newName })}`);
  }
  dnsRecords(network?: string): Promise<DnsRecord[]> {
    return this.call('GET', `/cnm/dns${query({ network })}`);
  }
  hostInfo(): Promise<HostInfo> {
    return this.call('GET', '/cnm/host');
  }
  publishedPorts(): Promise<PublishedPort[]> {
    return this.call('GET', '/cnm/ports');
  }
  cluster(): Promise<ClusterView> {
    return this.call('GET', '/cnm/cluster');
  }
  networkNotes(idOrName: string): Promise<string[]> {
    return this.call('GET', `/cnm/networks/${seg(idOrName)}/notes`);
  }
  /** Why A can or cannot reach B (a sandbox, IP or hostname); probe=false skips the kernel check. */
  why(from: string, to: string, opts: { port?: string; probe?: boolean } = {}): Promise<WhyReport> {
    return this.call('GET', `/cnm/why${query({ from, to, port: opts.port, probe: opts.probe === false ? '0' : undefined })}`);
  }
  /** Every sandbox × every sandbox (of these networks, or the whole host). */
  matrix(networks: string[] = [], opts: { probe?: boolean } = {}): Promise<ReachabilityMatrix> {
    const q = new URLSearchParams(networks.map((n) => ['network', n]));
    if (opts.probe === false) q.set('probe', '0');
    const s = q.toString();
    return this.call('GET', `/cnm/why/matrix${s ? `?${s}` : ''}`);
  }
  /** Host routes/addresses overlapping a network's subnet now. */
  conflicts(): Promise<SubnetConflict[]> {
    return this.call('GET', '/cnm/conflicts');
  }

  /** Streams events until `until` passes, the daemon ends the stream, or the signal aborts. */
  async *events(opts: EventsOptions = {}): AsyncGenerator<DockerEvent> {
    const path = `/events${query({ filters: filtersParam(opts.filters), since: opts.since, until: opts.until })}`;
    const res = await this.open('GET', path, undefined, opts.signal);
    if (res.statusCode !== 200) throw await errorOf(res);
    let buffered = '';
    try {
      for await (const chunk of res) {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield JSON.parse(line) as DockerEvent;
        }
      }
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    } finally {
      res.destroy();
    }
  }

  /** One request, its JSON (or text) answer; empty answers resolve undefined. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.open(method, path, body);
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 400) throw errorFromBody(res.statusCode ?? 500, text);
    if (!text) return undefined as T;
    return (res.headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text) as T;
  }

  private open(method: string, path: string, body?: unknown, signal?: AbortSignal, retried = false): Promise<http.IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          method,
          path,
          signal,
          headers: payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection cnmd closed (its keep-alive timeout) while this process was busy:
        // the request never reached it, so it goes once more on a new connection.
        if (req.reusedSocket && !retried && (err.code === 'EPIPE' || err.code === 'ECONNRESET'))
          return void this.open(method, path, body, signal, true).then(resolve, reject);
        const unreachable = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES';
        reject(unreachable ? new DaemonUnreachable(this.host, err) : err);
      });
      req.end(payload);
    });
  }
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

function errorFromBody(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    const detail = errorDetailOf(body);
    if (detail) return new ApiError(status, cnmWording(detail), detail);
    if (typeof body.message === 'string') return new ApiError(status, body.message);
  } catch {
    // not Docker's error body: fall through to the raw text
  }
  return new ApiError(status, text.trim() || `HTTP ${status}`);
}

async function errorOf(res: http.IncomingMessage): Promise<ApiError> {
  return errorFromBody(res.statusCode ?? 500, await readAll(res));
}
