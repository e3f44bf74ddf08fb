// cnmd's API server: node:http on a unix socket, Docker's headers on every answer, routing to one
// handler module per resource, errors as Docker's {"message": ...} body (worded for cnm's objects on
// cnm's own /cnm/… paths).
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { EngineContainer, KernelFeatures } from '../../model/cnm.js';
import type { Caller } from '../../model/exec.js';
import type { Controller } from '../core/controller.js';
import { CnmError } from '../errors.js';
import { log } from '../log.js';
import { dnsRoutes } from './dns.js';
import { eventRoutes } from './events.js';
import { hostRoutes } from './host.js';
import { containersRoute } from './containers.js';
import { execRoutes, type ExecService } from './exec.js';
import { BODY_LIMIT, sendError, statusOf } from './http.js';
import { networkRoutes } from './networks.js';
import { API_VERSION, Router, type ApiRequest } from './router.js';
import { sandboxRoutes } from './sandboxes.js';
import { systemRoutes } from './system.js';

export interface ApiServerOptions {
  socketPath: string;
  /** Group owning the socket (mode 0660) when it exists; default `cnm`. */
  socketGroup?: string;
  controller: Controller;
  version: string;
  /** The host's features as cnmd's start-up probe found them (GET /info → Cnm.kernel). */
  kernel: KernelFeatures;
  /** Exec on sandboxes (helper/exec); without it the exec paths answer 404. */
  exec?: ExecService;
  /** Running containers of the Docker/Podman engines cnmd reaches (GET /cnm/containers). */
  containers?: () => Promise<EngineContainer[]>;
  /** The peer credentials of a connection (helper/kernel/peercred via cnmd). */
  peerOf?: (socket: Socket) => Caller;
}

export interface ApiServer {
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const router = new Router([
    ...systemRoutes(opts.version, opts.controller, opts.kernel),
    ...networkRoutes(opts.controller),
    ...eventRoutes(opts.controller),
    ...sandboxRoutes(opts.controller),
    ...dnsRoutes(opts.controller),
    ...hostRoutes(opts.controller),
    ...(opts.exec ? execRoutes(opts.exec) : []),
    ...(opts.containers ? [containersRoute(opts.containers)] : []),
  ]);
  const serverHeader = `cnmd/${opts.version}`;

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, upgrade?: ApiRequest['upgrade']) => {
    const started = process.hrtime.bigint();
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', serverHeader);
    const url = new URL(req.url ?? '/', 'http://cnmd');
    let cnmPath = false;
    try {
      const { route, params } = router.match(req.method ?? 'GET', url.pathname);
      cnmPath = route.path.startsWith('/cnm/');
      const caller = opts.peerOf?.(req.socket) ?? {};
      await route.handle({ params, query: url.searchParams, raw: req, res, caller, upgrade });
    } catch (err) {
      if (statusOf(err) >= 500)
        log('error', 'api request failed', {
          method: req.method,
          path: url.pathname,
          error: err instanceof CnmError ? err.detail() : String((err as Error)?.stack ?? err),
        });
      sendError(res, err, cnmPath);
    }
    res.once('finish', () =>
      log('debug', 'api request', {
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }),
    );
  };
  const server = http.createServer(serve);
  // Docker's hijack (exec start): the body comes first on the raw socket, then the stream.
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    void readUpgradeBody(socket, head, Number(req.headers['content-length'] ?? 0)).then(
      (body) => {
        const res = new http.ServerResponse(req);
        res.shouldKeepAlive = false;
        res.assignSocket(socket);
        return serve(req, res, { socket, body });
      },
      () => socket.destroy(),
    );
  });

  // Node's clients (dockerode, the CLI, the extension) keep idle sockets for 5 s and then close
  // them; with the server's default of 5 s too, a client could reuse a socket the server was just
  // closing (EPIPE / ECONNRESET on the next request). Idle sockets outlive the clients' own timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;

  await prepareSocketPath(opts.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  restrictSocket(opts.socketPath, opts.socketGroup ?? 'cnm');

  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          fs.rmSync(opts.socketPath, { force: true });
          resolve();
        });
        server.closeAllConnections(); // ends open /events streams too
      }),
  };
}

/** The first `length` bytes after the headers; what follows is pushed back for the stream. */
function readUpgradeBody(socket: Socket, head: Buffer, length: number): Promise<Buffer> {
  if (!(length >= 0 && length <= BODY_LIMIT)) return Promise.reject(new Error('bad Content-Length'));
  return new Promise((resolve, reject) => {
    let got = head;
    const take = (chunk?: Buffer) => {
      if (chunk) got = Buffer.concat([got, chunk]);
      if (got.length < length) return;
      socket.off('data', take);
      socket.off('end', fail);
      socket.pause();
      if (got.length > length) socket.unshift(got.subarray(length));
      resolve(got.subarray(0, length));
    };
    const fail = () => reject(new Error('connection ended inside the request body'));
    socket.on('data', take);
    socket.once('end', fail);
    take();
  });
}

/** Creates the parent directory and removes a socket file left behind by a previous run. */
async function prepareSocketPath(socketPath: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(socketPath), { recursive: true });
  await fs.promises.rm(socketPath, { force: true });
}

/** 0660, group `cnm` (or `group`) when that group exists, so members can use the CLI without root. */
function restrictSocket(socketPath: string, group: string): void {
  fs.chmodSync(socketPath, 0o660);
  const gid = groupId(group);
  if (gid !== undefined) fs.chownSync(socketPath, process.getuid?.() ?? 0, gid);
}

function groupId(name: string): number | undefined {
  let groups: string;
  try {
    groups = fs.readFileSync('/etc/group', 'utf8');
  } catch {
    return undefined;
  }
  const line = groups.split('\n').find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(':')[2]) : undefined;
}
