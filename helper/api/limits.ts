// Connection limits of the API server (documented in helper/api/README.md): idle and slow
// clients are cut in bounded time, and however many connections are opened, a new client is
// served: past `maxConnections` the oldest idle connection is closed to make room (only when every
// connection is busy with a request is the new one refused).
import type http from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** An idle keep-alive connection is closed after this long. Above the 5 s after which Node's clients drop theirs, so they close first. */
  keepAliveMs: number;
  /** The request line and headers must arrive within this long of the connection (or the previous response). */
  headersMs: number;
  /** The whole request (headers and body) must arrive within this long. */
  requestMs: number;
  /** Open connections kept at most (streams of /events count). */
  maxConnections: number;
  /** How often Node checks the two timeouts above (its default, 30 s, would let a slow client stay that long). */
  checkMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  keepAliveMs: 10_000,
  headersMs: 10_000,
  requestMs: 30_000,
  maxConnections: 1024,
  checkMs: 1_000,
};

/** Options for http.createServer / https.createServer that carry the timeouts (keepAliveTimeout is set on the server). */
export function serverOptions(l: ConnectionLimits): http.ServerOptions {
  return { headersTimeout: l.headersMs, requestTimeout: l.requestMs, connectionsCheckingInterval: l.checkMs };
}

/**
 * Tracks connections (on `event`: 'connection' for plain sockets, 'secureConnection' for TLS) and
 * keeps at most `max` open, evicting the oldest idle one for a newcomer.
 */
export function limitConnections(server: http.Server, max: number, event: 'connection' | 'secureConnection'): void {
  const open = new Set<Socket>(); // insertion order: oldest first
  const busy = new Map<Socket, number>();
  server.on(event, (sock: Socket) => {
    if (open.size >= max) {
      const idle = [...open].find((s) => !busy.has(s));
      if (!idle) return void sock.destroy();
      idle.destroy();
      open.delete(idle);
    }
    open.add(sock);
    sock.once('close', () => {
      open.delete(sock);
      busy.delete(sock);
    });
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const sock = req.socket;
    busy.set(sock, (busy.get(sock) ?? 0) + 1);
    res.once('close', () => {
      const n = (busy.get(sock) ?? 1) - 1;
      if (n > 0) busy.set(sock, n);
      else busy.delete(sock);
    });
  });
}
