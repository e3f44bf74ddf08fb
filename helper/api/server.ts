// cnmd's API server: node:http on a unix socket, Docker's headers on every answer, routing to one
// handler module per resource, errors as Docker's {"message": ...} body (worded for cnm's objects on
// cnm's own /cnm/… paths).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { EngineContainer, KernelFeatures } from '../../model/cnm.js';
import type { Caller } from '../../model/exec.js';
import type { Controller } from '../core/controller.js';
import type { Diagnostics } from '../diagnose/diagnostics.js';
import { CnmError } from '../errors.js';
import { log, logs } from '../log.js';
import { diagnoseRoutes } from './diagnose.js';
import { dnsRoutes } from './dns.js';
import { eventRoutes } from './events.js';
import { hostRoutes } from './host.js';
import { containersRoute } from './containers.js';
import { execRoutes, type ExecService } from './exec.js';
import { BODY_LIMIT, sendError, statusOf } from './http.js';
import { DEFAULT_LIMITS, limitConnections, serverOptions, type ConnectionLimits } from './limits.js';
import { networkRoutes } from './networks.js';
import { API_VERSION, Router, parseTarget, type ApiRequest } from './router.js';
import { sandboxRoutes } from './sandboxes.js';
import { systemRoutes } from './system.js';

/** The caller on a unix socket connection, as SO_PEERCRED reports it. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** A TCP listener; mutual TLS only: clients must present a certificate signed by `ca`. */
export interface TlsListener {
  host: string;
  port: number;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface ApiServerOptions {
  socketPath: string;
  /** Group owning the socket (mode 0660) when it exists; default `cnm`. */
  socketGroup?: string;
  controller: Controller;
  version: string;
  /** The host's features as cnmd's start-up probe found them (GET /info → Cnm.kernel). */
  kernel: KernelFeatures;
  /** The caller of a unix socket connection by its fd, for the audit line (cnmd passes helper/kernel's SO_PEERCRED). */
  peerCredentials?: (fd: number) => PeerCredentials | undefined;
  /** Also listen on TCP, with mutual TLS. */
  tls?: TlsListener;
  limits?: Partial<ConnectionLimits>;
  /** Exec on sandboxes (helper/exec); without it the exec paths answer 404. */
  exec?: ExecService;
  /** Running containers of the Docker/Podman engines cnmd reaches (GET /cnm/containers). */
  containers?: () => Promise<EngineContainer[]>;
  /** `cnm why`, the matrix and the subnet-conflict watch; without it those paths are 404. */
  diagnostics?: Diagnostics;
}

export interface ApiServer {
  close(): Promise<void>;
  /** The TCP listener's port (when `tls` was given; useful with port 0). */
  tlsPort?: number;
}

const MUTATING = new Set(['POST', 'DELETE', 'PUT', 'PATCH']);

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const router = new Router([
    ...systemRoutes(opts.version, opts.controller, opts.kernel),
    ...networkRoutes(opts.controller, opts.diagnostics),
    ...eventRoutes(opts.controller),
    ...sandboxRoutes(opts.controller),
    ...dnsRoutes(opts.controller),
    ...hostRoutes(opts.controller, opts.diagnostics),
    ...(opts.diagnostics ? diagnoseRoutes(opts.diagnostics) : []),
    ...(opts.exec ? execRoutes(opts.exec) : []),
    ...(opts.containers ? [containersRoute(opts.containers)] : []),
  ]);
  const serverHeader = `cnmd/${opts.version}`;
  const callers = new WeakMap<object, Caller>();
  /** Who sent a request: uid/pid on the unix socket, the client certificate's subject over TLS (once per connection). */
  const callerOf = (req: http.IncomingMessage): Caller => {
    const sock = req.socket as TLSSocket & { _handle?: { fd?: number } };
    const known = callers.get(sock);
    if (known) return known;
    let who: Caller = {};
    if (sock.encrypted) who = { tlsClient: String(sock.getPeerCertificate()?.subject?.CN ?? '?'), remote: sock.remoteAddress };
    else {
      const fd = sock._handle?.fd;
      const cred = fd !== undefined && fd >= 0 ? opts.peerCredentials?.(fd) : undefined;
      if (cred) who = { uid: cred.uid, pid: cred.pid };
    }
    callers.set(sock, who);
    return who;
  };

  // The one error boundary: whatever a request holds (a target `http://[`, a bad escape, a body of
  // the wrong types) and whatever a handler throws, the client gets an answer and cnmd keeps going.
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, upgrade?: ApiRequest['upgrade']): Promise<void> => {
    const started = process.hrtime.bigint();
    let pathname = '?';
    let cnmPath = false;
    try {
      res.setHeader('Api-Version', API_VERSION);
      res.setHeader('Docker-Experimental', 'false');
      res.setHeader('Ostype', 'linux');
      res.setHeader('Server', serverHeader);
      const target = parseTarget(req.url ?? '/');
      pathname = target.pathname;
      const { route, params } = router.match(req.method ?? 'GET', pathname);
      cnmPath = route.path.startsWith('/cnm/');
      await route.handle({ params, query: target.query, raw: req, res, caller: callerOf(req), upgrade });
    } catch (err) {
      if (statusOf(err) >= 500)
        log('error', 'api request failed', {
          method: req.method,
          path: pathname,
          error: err instanceof CnmError ? err.detail() : String((err as Error)?.stack ?? err),
        });
      try {
        sendError(res, err, cnmPath);
      } catch {
        res.destroy(); // the connection is gone or the answer cannot be written
      }
    }
    const audit = MUTATING.has(req.method ?? '') && logs('audit');
    if (!audit && !logs('debug')) return;
    const done = () => {
      const fields = {
        method: req.method,
        path: pathname.slice(0, 200),
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      };
      if (audit) log('audit', 'api change', { ...fields, uid: 'unknown', ...callerOf(req) });
      else log('debug', 'api request', fields);
    };
    // The answer may be out already (then 'finish' has fired); an unanswered request still gets its line.
    if (res.writableFinished) done();
    else res.once('close', done);
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse, upgrade?: ApiRequest['upgrade']) =>
    void handle(req, res, upgrade).catch((err: unknown) => {
      log('error', 'api request failed outside its handler', { error: String((err as Error)?.stack ?? err) });
      res.destroy();
    });
  // Docker's hijack (exec start): the body comes first on the raw socket, then the stream.
  const onUpgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer) =>
    void readUpgradeBody(socket, head, Number(req.headers['content-length'] ?? 0)).then(
      (body) => {
        const res = new http.ServerResponse(req);
        res.shouldKeepAlive = false;
        res.assignSocket(socket);
        onRequest(req, res, { socket, body });
      },
      () => socket.destroy(),
    );

  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const server = http.createServer(serverOptions(limits), onRequest);
  server.on('upgrade', onUpgrade);
  server.keepAliveTimeout = limits.keepAliveMs;
  // A client that half-closes after its request (`printf … | nc -UN`, a raw socket's end()) still
  // gets its answer; Node would otherwise close at once while the change goes on without a reply.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  limitConnections(server, limits.maxConnections, 'connection');
  await prepareSocketPath(opts.socketPath);
  await listen(server, opts.socketPath);
  restrictSocket(opts.socketPath, opts.socketGroup ?? 'cnm');

  let tcp: https.Server | undefined;
  if (opts.tls) {
    const { ca, cert, key, host, port } = opts.tls;
    // requestCert + rejectUnauthorized: a client without a certificate signed by `ca` never gets past the handshake.
    tcp = https.createServer(
      { ...serverOptions(limits), ca, cert, key, requestCert: true, rejectUnauthorized: true, handshakeTimeout: limits.headersMs },
      onRequest,
    );
    tcp.on('upgrade', onUpgrade);
    tcp.keepAliveTimeout = limits.keepAliveMs;
    tcp.maxConnections = limits.maxConnections; // before the handshake; after it, the limiter below
    limitConnections(tcp, limits.maxConnections, 'secureConnection');
    tcp.on('tlsClientError', (err) => log('debug', 'api tls client refused', { error: err.message }));
    try {
      await listen(tcp, { host, port });
    } catch (err) {
      server.close();
      throw err;
    }
  }
  const tlsAddress = tcp?.address();

  const closeServer = (srv: http.Server) =>
    new Promise<void>((resolve) => {
      srv.close(() => resolve());
      srv.closeAllConnections(); // ends open /events streams too
    });
  return {
    tlsPort: tlsAddress && typeof tlsAddress === 'object' ? tlsAddress.port : undefined,
    close: async () => {
      await Promise.all([closeServer(server), tcp && closeServer(tcp)]);
      fs.rmSync(opts.socketPath, { force: true });
    },
  };
}

function listen(server: http.Server, where: string | { host: string; port: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
