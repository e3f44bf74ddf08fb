// A long-lived reachability prober for the overlay bench, run inside the bench's own process: from
// inside one network namespace (a sandbox's /run/netns/X, a container's /proc/PID/ns/net), a DNS A
// query to 127.0.0.11 every TICK_MS on one UDP socket made in that netns, and once the name
// answers, ICMP echo to its address (helper/kernel/probe) until one reply comes back. Nothing is
// spawned per try, so what is timed is the system under test, not fork/exec of dig and ping (which
// cost ~20–60 ms each under load and dominated the first bench's figures). cnm's sandboxes and
// Docker's containers are probed by the same code.
import type dgram from 'node:dgram';
import { udpOnFd } from '../../helper/dns/udp.js';
import { pingMany } from '../../helper/kernel/probe/probe.js';
import { socketInNetns } from '../../helper/kernel/netns/sockets.js';

/** Interval between two DNS queries (each has its own id; late answers to older ones still count). */
const TICK_MS = 2;
/** How long one ICMP echo waits for its reply before the next is sent. */
const ECHO_MS = 4;
const RESOLVER = '127.0.0.11';

/** What a reply said about the name: its first IPv4 address, or that the name has none. */
type Answer = { ip: string } | { none: true };

/** A DNS query for NAME's A record (RD set), id `id`. */
function query(id: number, name: string): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100, 2);
  head.writeUInt16BE(1, 4);
  return Buffer.concat([head, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Offset just past the (possibly compressed) name at `off`. */
function skipName(msg: Buffer, off: number): number {
  while (off < msg.length) {
    const len = msg[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    off += len + 1;
  }
  throw new Error('truncated name');
}

/**
 * The reply's id and answer. Any error code counts as "no address": a name the resolver does not
 * hold is forwarded upstream, which fails here (SERVFAIL), or is NXDOMAIN.
 */
function parseReply(msg: Buffer): { id: number; answer: Answer } | undefined {
  if (msg.length < 12) return undefined;
  const id = msg.readUInt16BE(0);
  if ((msg[3]! & 0x0f) !== 0) return { id, answer: { none: true } };
  let off = skipName(msg, 12) + 4;
  for (let i = msg.readUInt16BE(6); i > 0; i--) {
    off = skipName(msg, off);
    const [type, rdlen] = [msg.readUInt16BE(off), msg.readUInt16BE(off + 8)];
    off += 10;
    if (type === 1 && rdlen === 4) return { id, answer: { ip: [...msg.subarray(off, off + 4)].join('.') } };
    off += rdlen;
  }
  return { id, answer: { none: true } };
}

export interface Reached {
  /** performance.now() when the name first resolved, and when its address first answered a ping. */
  resolvedAt: number;
  pingedAt: number;
}

export class Prober {
  private nextId = Math.floor(Math.random() * 0xffff);
  /** The name each outstanding query id asked for, and who waits for its answers. */
  private readonly asked = new Map<number, string>();
  private onAnswer: ((name: string, a: Answer) => void) | undefined;

  private constructor(
    private readonly nsPath: string,
    private readonly sock: dgram.Socket,
  ) {
    sock.on('message', (msg) => {
      let r: ReturnType<typeof parseReply>;
      try {
        r = parseReply(msg);
      } catch {
        return;
      }
      const name = r && this.asked.get(r.id);
      if (r && name !== undefined) this.onAnswer?.(name, r.answer);
    });
    sock.on('error', () => undefined);
  }

  static async open(nsPath: string): Promise<Prober> {
    const fd = socketInNetns(nsPath, 'udp', { address: '0.0.0.0', port: 0 });
    return new Prober(nsPath, await udpOnFd(fd, 4));
  }

  /** Asks for `name` every TICK_MS until `done` returns true for an answer or `timeoutMs` passes. */
  private ask(name: string, timeoutMs: number, done: (a: Answer) => boolean): Promise<Answer> {
    this.asked.clear();
    return new Promise((resolve, reject) => {
      const send = () => {
        const id = (this.nextId = (this.nextId + 1) & 0xffff);
        this.asked.set(id, name);
        this.sock.send(query(id, name), 53, RESOLVER);
      };
      const tick = setInterval(send, TICK_MS);
      const limit = setTimeout(() => finish(new Error(`${name}: no wanted answer from ${RESOLVER} within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err: Error | undefined, a?: Answer) => {
        clearInterval(tick);
        clearTimeout(limit);
        this.onAnswer = undefined;
        if (err) reject(err);
        else resolve(a!);
      };
      this.onAnswer = (n, a) => {
        if (n === name && done(a)) finish(undefined, a);
      };
      send();
    });
  }

  /** Waits until `name` resolves and its address answers an ICMP echo; both times on performance.now(). */
  async reachable(name: string, timeoutMs: number): Promise<Reached> {
    const t0 = performance.now();
    const a = await this.ask(name, timeoutMs, (x) => 'ip' in x);
    const resolvedAt = performance.now();
    const ip = (a as { ip: string }).ip;
    while (performance.now() - t0 < timeoutMs) {
      const r = (await pingMany(this.nsPath, [ip], ECHO_MS)).get(ip)!;
      if (r.ok) return { resolvedAt, pingedAt: performance.now() };
      // Refused at once (no route or neighbour yet): do not spin.
      if (r.ms < ECHO_MS) await new Promise((res) => setTimeout(res, 1));
    }
    throw new Error(`${name} (${ip}) resolved but never answered a ping within ${timeoutMs} ms`);
  }

  /** Waits until `name` no longer resolves (NXDOMAIN or no A record); resolves with that time. */
  async gone(name: string, timeoutMs: number): Promise<number> {
    await this.ask(name, timeoutMs, (x) => 'none' in x);
    return performance.now();
  }

  /** Whether `name` resolves now (one answer, at most `timeoutMs`). */
  async resolves(name: string, timeoutMs = 1000): Promise<boolean> {
    return 'ip' in (await this.ask(name, timeoutMs, () => true));
  }

  close(): void {
    this.sock.close();
  }
}
