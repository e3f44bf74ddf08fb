// The embedded DNS server: one UDP and one TCP listener at 127.0.0.11:53 inside each attached
// sandbox's netns, all served by this one process. A query is answered from the registry when
// the name is ours (hand-built answer, no await on that path), else forwarded from inside the
// sandbox's netns to its upstreams (forwarder.ts); SERVFAIL when forwarding is not allowed
// (internal networks, as Docker) or no upstream answers in time.
import type dgram from 'node:dgram';
import net from 'node:net';
import { withContext } from '../errors.js';
import { socketInNetns } from '../kernel/netns/sockets.js';
import { log } from '../log.js';
import { forward } from './forwarder.js';
import type { DnsRegistry } from './registry.js';
import { udpOnFd } from './udp.js';
import {
  RCODE_FORMERR,
  RCODE_NOERROR,
  RCODE_SERVFAIL,
  TYPE_A,
  TYPE_AAAA,
  TYPE_PTR,
  TcpFramer,
  answerOddQuery,
  buildAnswer,
  buildPtrAnswer,
  errorReply,
  parseQuery,
  ptrToAddress,
  sizeLimit,
  tcpFrame,
  type Question,
} from './wire.js';

export interface DnsServerOptions {
  /** Where to listen inside each sandbox. Default 127.0.0.11:53. */
  address?: string;
  port?: number;
  /** SERVFAIL after this long without an upstream answer. Default 1800 ms (the promise is 2 s). */
  forwardTimeoutMs?: number;
  /** Forwarded queries in flight per sandbox before SERVFAIL at once (libnetwork's 100). */
  maxForwards?: number;
  /** A TCP connection with no query for this long is closed. Default 10 s. */
  tcpIdleMs?: number;
}

interface Listener {
  sandboxId: string;
  netnsPath: string;
  udp: dgram.Socket;
  tcp: net.Server;
  connections: Set<net.Socket>;
  forwards: number;
  closed: boolean;
}

type Reply = Buffer | undefined | Promise<Buffer | undefined>;

export class DnsServer {
  private readonly listeners = new Map<string, Listener>();
  private readonly address: string;
  private readonly port: number;
  private readonly forwardTimeoutMs: number;
  private readonly maxForwards: number;
  private readonly tcpIdleMs: number;

  constructor(
    private readonly registry: DnsRegistry,
    opts: DnsServerOptions = {},
  ) {
    this.address = opts.address ?? '127.0.0.11';
    this.port = opts.port ?? 53;
    this.forwardTimeoutMs = opts.forwardTimeoutMs ?? 1800;
    this.maxForwards = opts.maxForwards ?? 100;
    this.tcpIdleMs = opts.tcpIdleMs ?? 10_000;
  }

  /** Listen inside the sandbox's netns (its loopback must be up). Re-attaching replaces. */
  async attach(sandboxId: string, netnsPath: string): Promise<void> {
    const old = this.listeners.get(sandboxId);
    if (old?.netnsPath === netnsPath) return;
    if (old) await this.detach(sandboxId);
    const ctx = { sandbox: sandboxId, netns: netnsPath };
    const where = { address: this.address, port: this.port };
    let udp: dgram.Socket | undefined;
    const tcp = net.createServer();
    try {
      udp = await udpOnFd(socketInNetns(netnsPath, 'udp', where), 4);
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ fd: socketInNetns(netnsPath, 'tcp', where) }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      const l: Listener = { sandboxId, netnsPath, udp, tcp, connections: new Set(), forwards: 0, closed: false };
      this.serveUdp(l);
      this.serveTcp(l);
      this.listeners.set(sandboxId, l);
      log('debug', 'dns attached', ctx);
    } catch (err) {
      udp?.close();
      tcp.close();
      const reason = err instanceof Error ? err.message : String(err);
      throw withContext(err, ctx, `cannot start DNS at ${this.address}:${this.port}: ${reason}`);
    }
  }

  async detach(sandboxId: string): Promise<void> {
    const l = this.listeners.get(sandboxId);
    if (!l) return;
    this.listeners.delete(sandboxId);
    l.closed = true;
    for (const c of l.connections) c.destroy();
    await Promise.all([
      new Promise<void>((resolve) => l.udp.close(() => resolve())),
      new Promise<void>((resolve) => l.tcp.close(() => resolve())),
    ]);
    log('debug', 'dns detached', { sandbox: sandboxId, netns: l.netnsPath });
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((id) => this.detach(id)));
  }

  /** Sandbox ids with a listener. */
  attached(): string[] {
    return [...this.listeners.keys()];
  }

  private serveUdp(l: Listener): void {
    l.udp.on('message', (msg, rinfo) => {
      const send = (out: Buffer | undefined) => {
        try {
          if (out && !l.closed) l.udp.send(out, rinfo.port, rinfo.address);
        } catch (err) {
          this.failed(l, err);
        }
      };
      const reply = this.guarded(l, msg, false);
      if (reply instanceof Promise) void reply.then(send);
      else send(reply);
    });
    l.udp.on('error', (err) => this.failed(l, err));
  }

  private serveTcp(l: Listener): void {
    l.tcp.on('connection', (conn) => {
      l.connections.add(conn);
      const framer = new TcpFramer();
      const send = (out: Buffer | undefined) => {
        try {
          if (out && !conn.destroyed) conn.write(tcpFrame(out));
        } catch (err) {
          this.failed(l, err);
        }
      };
      conn.setTimeout(this.tcpIdleMs, () => conn.destroy());
      conn.on('data', (chunk) => {
        for (const msg of framer.push(chunk)) {
          const reply = this.guarded(l, msg, true);
          if (reply instanceof Promise) void reply.then(send);
          else send(reply);
        }
      });
      conn.on('error', () => conn.destroy());
      conn.on('close', () => l.connections.delete(conn));
    });
    l.tcp.on('error', (err) => this.failed(l, err));
  }

  private lastWarning = 0;

  /** Logged at most once a second: every packet comes from a sandbox, and a flood must not flood the log. */
  private failed(l: Listener, err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 1000) return;
    this.lastWarning = now;
    log('warn', 'dns server error', { sandbox: l.sandboxId, netns: l.netnsPath, error: err instanceof Error ? err.message : String(err) });
  }

  /**
   * One packet's answer, never a throw nor a rejection: a packet whose handling fails (decode,
   * answer or encode) gets a header-only FORMERR, or nothing when it has no header to answer.
   */
  private guarded(l: Listener, msg: Buffer, tcp: boolean): Reply {
    const refuse = (err: unknown) => {
      this.failed(l, err);
      return msg.length >= 12 ? errorReply(msg, RCODE_FORMERR) : undefined;
    };
    try {
      const reply = this.answer(l, msg, tcp);
      return reply instanceof Promise ? reply.catch(refuse) : reply;
    } catch (err) {
      return refuse(err);
    }
  }

  /** Our names straight from the registry (synchronous); everything else forwarded. */
  private answer(l: Listener, msg: Buffer, tcp: boolean): Reply {
    const q = parseQuery(msg);
    if (!q) return answerOddQuery(msg);
    if (q.qtype === TYPE_A || q.qtype === TYPE_AAAA) {
      const r = this.registry.resolve(l.sandboxId, q.name, q.qtype === TYPE_A ? 'A' : 'AAAA');
      if (r.kind === 'found') return buildAnswer(msg, q, RCODE_NOERROR, r.answers, sizeLimit(q, tcp));
      if (r.kind === 'nodata') return buildAnswer(msg, q, RCODE_NOERROR, [], sizeLimit(q, tcp));
    } else if (q.qtype === TYPE_PTR) {
      const address = ptrToAddress(q.name);
      const target = address && this.registry.reverse(l.sandboxId, address);
      const out = target && buildPtrAnswer(msg, q, target);
      if (out) return out;
    }
    return this.forward(l, msg, q, tcp);
  }

  private async forward(l: Listener, msg: Buffer, q: Question, tcp: boolean): Promise<Buffer> {
    const servfail = () => buildAnswer(msg, q, RCODE_SERVFAIL, [], sizeLimit(q, tcp));
    const { upstreams, allowed } = this.registry.forwarding(l.sandboxId);
    if (!allowed || upstreams.length === 0 || l.forwards >= this.maxForwards) return servfail();
    l.forwards++;
    try {
      return (await forward(l.netnsPath, upstreams, msg, tcp, this.forwardTimeoutMs)) ?? servfail();
    } finally {
      l.forwards--;
    }
  }
}
