// cnmd's API server: node:http on a unix socket, Docker's headers on every answer, routing to one
// handler module per resource, errors as Docker's {"message": ...} body (worded for cnm's objects on
// cnm's own /cnm/… paths).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { KernelFeatures } from '../../model/cnm.js';
import type { Controller } from '../core/controller.js';
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { CnmError } from '../errors.js';
import { log } from '../log.js';
import { diagnoseRoutes } from './diagnose.js';
import { dnsRoutes } from './dns.js';
import { eventRoutes } from './events.js';
import { hostRoutes } from './host.js';
import { sendError, statusOf } from './http.js';
import { networkRoutes } from './networks.js';
import { API_VERSION, Router } from './router.js';
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
  /** `cnm why`, the matrix and the subnet-conflict watch; without it those paths are 404. */
  diagnostics?: Diagnostics;
}

export interface ApiServer {
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const router = new Router([
    ...systemRoutes(opts.version, opts.controller, opts.kernel),
    ...networkRoutes(opts.controller, opts.diagnostics),
    ...eventRoutes(opts.controller),
    ...sandboxRoutes(opts.controller),
    ...dnsRoutes(opts.controller),
    ...hostRoutes(opts.controller, opts.diagnostics),
    ...(opts.diagnostics ? diagnoseRoutes(opts.diagnostics) : []),
  ]);
  const serverHeader = `cnmd/${opts.version}`;

  const server = http.createServer(async (req, res) => {
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
      await route.handle({ params, query: url.searchParams, raw: req, res });
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
