// Probes sent from inside a network namespace: ICMP echo to many targets at once (one raw socket),
// a TCP connect, a UDP exchange. The sockets are born in the netns (setns around socket(2), as in
// netns/sockets.ts) and are non-blocking; waiting happens in poll(2) run on koffi's worker thread,
// so a probe never blocks cnmd's event loop and never spins.
import koffi from 'koffi';
import { isIP } from 'node:net';
import { CnmError } from '../../errors.js';
import { inNetns } from '../netns/setns.js';
import { lib, sockaddr } from '../netns/sockets.js';

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const POLLIN = 1;
const POLLOUT = 4;
const EINPROGRESS = 115;
const EAGAIN = 11;

/** What the kernel did with one probe. */
export interface ProbeOutcome {
  ok: boolean;
  detail: string;
  ms: number;
}

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const errnoText = (errno: number) => `${lib().strerror(errno)} (errno ${errno})`;

function openIn(nsPath: string, domain: number, type: number, protocol: number): number {
  const c = lib();
  const fd = inNetns(nsPath, () => c.socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
  if (fd < 0) {
    const errno = koffi.errno();
    throw new CnmError('internal', `cannot open a probe socket in ${nsPath}: ${errnoText(errno)}`, { netns: nsPath, call: 'socket' });
  }
  return fd;
}

/** Longest single poll(2): it runs on a thread of libuv's pool, which cnmd's file I/O shares. */
const POLL_SLICE_MS = 50;

/**
 * poll(2) on the fds, off the event loop, in slices of at most POLL_SLICE_MS; resolves the revents
 * of each fd as soon as one is ready (all 0 on timeout).
 */
async function waitFor(fds: number[], events: number, timeoutMs: number): Promise<number[]> {
  const pfd = Buffer.alloc(8 * fds.length);
  fds.forEach((fd, i) => {
    pfd.writeInt32LE(fd, i * 8);
    pfd.writeInt16LE(events, i * 8 + 4);
  });
  const t0 = process.hrtime.bigint();
  for (;;) {
    const slice = Math.max(0, Math.min(POLL_SLICE_MS, Math.ceil(timeoutMs - since(t0))));
    const n = await new Promise<number>((resolve, reject) =>
      lib().poll.async(pfd, fds.length, slice, (err: unknown, r: number) => (err ? reject(err) : resolve(r))),
    );
    if (n > 0) return fds.map((_, i) => pfd.readInt16LE(i * 8 + 6));
    if (since(t0) >= timeoutMs) return fds.map(() => 0);
  }
}

function familyOf(address: string): 4 | 6 {
  const f = isIP(address);
  if (f !== 4 && f !== 6) throw new CnmError('invalid', `not an IP address: ${address}`, { call: 'probe' });
  return f;
}

// ---- ICMP echo ----------------------------------------------------------------------------

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

function echoRequest(family: 4 | 6, id: number, seq: number): Buffer {
  const b = Buffer.alloc(16);
  b[0] = family === 4 ? 8 : 128;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.write('cnm-why!', 8, 'latin1');
  // ICMPv6 checksums cover a pseudo-header: the kernel fills them in for raw ICMPv6 sockets.
  if (family === 4) b.writeUInt16BE(checksum(b), 2);
  return b;
}

const UNREACH4: Record<number, string> = {
  0: 'network unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  9: 'network administratively prohibited',
  10: 'host administratively prohibited',
  13: 'communication administratively prohibited',
};
const UNREACH6: Record<number, string> = {
  0: 'no route',
  1: 'administratively prohibited',
  3: 'address unreachable',
  4: 'port unreachable',
};

interface Icmp {
  kind: 'reply' | 'error';
  id: number;
  seq: number;
  text?: string;
}

/** Parses what a raw ICMP socket read: an echo reply, or an error quoting one of our requests. */
function parseIcmp(family: 4 | 6, pkt: Buffer, from: string): Icmp | undefined {
  // IPv4 raw sockets hand over the IP header; IPv6 ones do not.
  const off = family === 4 ? (pkt[0]! & 0x0f) * 4 : 0;
  if (pkt.length < off + 8) return undefined;
  const type = pkt[off]!;
  const code = pkt[off + 1]!;
  const reply = family === 4 ? 0 : 129;
  if (type === reply) return { kind: 'reply', id: pkt.readUInt16BE(off + 4), seq: pkt.readUInt16BE(off + 6) };
  const unreachable = family === 4 ? 3 : 1;
  const exceeded = family === 4 ? 11 : 3;
  if (type !== unreachable && type !== exceeded) return undefined;
  // The error quotes our request: its IP header, then our ICMP header.
  const inner = off + 8;
  const innerIcmp = family === 4 ? inner + (pkt[inner]! & 0x0f) * 4 : inner + 40;
  if (pkt.length < innerIcmp + 8) return undefined;
  const why = type === exceeded ? 'time exceeded' : ((family === 4 ? UNREACH4 : UNREACH6)[code] ?? `unreachable (code ${code})`);
  return { kind: 'error', id: pkt.readUInt16BE(innerIcmp + 4), seq: pkt.readUInt16BE(innerIcmp + 6), text: `${why}, reported by ${from}` };
}

function sourceOf(family: 4 | 6, sa: Buffer): string {
  if (family === 4) return [...sa.subarray(4, 8)].join('.');
  const g: string[] = [];
  for (let i = 0; i < 8; i++) g.push(sa.readUInt16BE(8 + i * 2).toString(16));
  return g.join(':').replace(/\b(?:0:){2,}/, ':');
}

/** One source of an ICMP sweep: a netns and the addresses it pings. */
export interface PingJob {
  nsPath: string;
  targets: string[];
}

interface PingSocket {
  job: number;
  family: 4 | 6;
  fd: number;
  id: number;
  pending: Map<number, string>;
}

/** ICMP echo from inside one netns to every target at once, waiting at most `timeoutMs`. */
export async function pingMany(nsPath: string, targets: string[], timeoutMs: number): Promise<Map<string, ProbeOutcome>> {
  return (await pingSweep([{ nsPath, targets }], timeoutMs))[0]!;
}

/**
 * ICMP echo from many namespaces at once: one raw socket per namespace and family, every request
 * sent up front, then one poll over all sockets until every answer came or `timeoutMs` passed.
 * A send the kernel refuses at once (no route) is reported as such. Results are in job order.
 */
export async function pingSweep(jobs: PingJob[], timeoutMs: number): Promise<Map<string, ProbeOutcome>[]> {
  const c = lib();
  const out = jobs.map(() => new Map<string, ProbeOutcome>());
  const socks: PingSocket[] = [];
  const t0 = process.hrtime.bigint();
  try {
    jobs.forEach((job, j) => {
      for (const family of [4, 6] as const) {
        const targets = [...new Set(job.targets)].filter((t) => familyOf(t) === family);
        if (!targets.length) continue;
        const fd = openIn(job.nsPath, family === 4 ? AF_INET : AF_INET6, SOCK_RAW, family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
        const sock: PingSocket = { job: j, family, fd, id: Math.floor(Math.random() * 0xffff), pending: new Map() };
        socks.push(sock);
        targets.forEach((target, seq) => {
          const req = echoRequest(family, sock.id, seq);
          const sa = sockaddr(target, 0);
          if (c.sendto(fd, req, req.length, 0, sa, sa.length) < 0) {
            out[j]!.set(target, { ok: false, detail: `send refused: ${errnoText(koffi.errno())}`, ms: since(t0) });
          } else sock.pending.set(seq, target);
        });
      }
    });
    const buf = Buffer.alloc(2048);
    const sa = Buffer.alloc(28);
    const alen = Buffer.alloc(4);
    for (;;) {
      const open = socks.filter((s) => s.pending.size > 0);
      const left = timeoutMs - since(t0);
      if (!open.length || left <= 0) break;
      const ready = await waitFor(
        open.map((s) => s.fd),
        POLLIN,
        left,
      );
      open.forEach((sock, i) => {
        if (!ready[i]) return;
        for (;;) {
          alen.writeUInt32LE(sa.length);
          const n = c.recvfrom(sock.fd, buf, buf.length, 0, sa, alen);
          if (n < 0) break; // EAGAIN: drained
          const from = sourceOf(sock.family, sa);
          const msg = parseIcmp(sock.family, buf.subarray(0, n), from);
          if (!msg || msg.id !== sock.id || !sock.pending.has(msg.seq)) continue;
          const target = sock.pending.get(msg.seq)!;
          // Our own echo requests to a local address come back on the same socket: skip them.
          if (msg.kind === 'reply' && from !== normal(target)) continue;
          sock.pending.delete(msg.seq);
          const ms = since(t0);
          out[sock.job]!.set(
            target,
            msg.kind === 'reply' ? { ok: true, detail: `echo reply in ${ms.toFixed(1)} ms`, ms } : { ok: false, detail: msg.text!, ms },
          );
        }
      });
    }
    for (const sock of socks) {
      for (const target of sock.pending.values()) {
        out[sock.job]!.set(target, { ok: false, detail: `no echo reply within ${timeoutMs} ms`, ms: since(t0) });
      }
    }
    return out;
  } finally {
    for (const sock of socks) c.close(sock.fd);
  }
}

/** The text sourceOf() prints for an address (IPv6 compressed the same way). */
function normal(address: string): string {
  return familyOf(address) === 4 ? address : sourceOf(6, sockaddr(address, 0));
}

// ---- TCP and UDP ----------------------------------------------------------------------------

/** A socket of `type` in the netns, of the address's family, and the address as connect(2) takes it. */
function socketTo(nsPath: string, address: string, port: number, type: number): { fd: number; sa: Buffer } {
  const fd = openIn(nsPath, familyOf(address) === 4 ? AF_INET : AF_INET6, type, 0);
  return { fd, sa: sockaddr(address, port) };
}

/** A TCP connect from inside the netns: ok when the handshake completes. */
export async function tcpConnect(nsPath: string, address: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const c = lib();
  const { fd, sa } = socketTo(nsPath, address, port, SOCK_STREAM);
  const t0 = process.hrtime.bigint();
  try {
    if (c.connect(fd, sa, sa.length) !== 0) {
      const errno = koffi.errno();
      if (errno !== EINPROGRESS) return { ok: false, detail: errnoText(errno), ms: since(t0) };
      if (!(await waitFor([fd], POLLOUT, timeoutMs))[0]) return { ok: false, detail: `no answer within ${timeoutMs} ms`, ms: since(t0) };
    }
    const err = soError(fd);
    return err
      ? { ok: false, detail: errnoText(err), ms: since(t0) }
      : { ok: true, detail: `connected in ${since(t0).toFixed(1)} ms`, ms: since(t0) };
  } finally {
    c.close(fd);
  }
}

function soError(fd: number): number {
  const v = Buffer.alloc(4);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(4);
  lib().getsockopt(fd, SOL_SOCKET, SO_ERROR, v, len);
  return v.readInt32LE(0);
}

/**
 * Sends `payload` over UDP from inside the netns and waits for one datagram back. `reply` is set
 * when one came; `refused` when the kernel got an ICMP port unreachable.
 */
export async function udpExchange(
  nsPath: string,
  address: string,
  port: number,
  payload: Buffer,
  timeoutMs: number,
): Promise<ProbeOutcome & { reply?: Buffer; refused?: boolean }> {
  const c = lib();
  const { fd, sa } = socketTo(nsPath, address, port, SOCK_DGRAM);
  const t0 = process.hrtime.bigint();
  try {
    if (c.connect(fd, sa, sa.length) !== 0 || c.sendto(fd, payload, payload.length, 0, null, 0) < 0) {
      return { ok: false, detail: errnoText(koffi.errno()), ms: since(t0) };
    }
    const buf = Buffer.alloc(4096);
    for (;;) {
      const left = timeoutMs - since(t0);
      if (left <= 0 || !(await waitFor([fd], POLLIN, left))[0])
        return { ok: true, detail: `no answer within ${timeoutMs} ms (open or filtered)`, ms: since(t0) };
      const n = c.recv(fd, buf, buf.length, 0);
      if (n >= 0)
        return { ok: true, detail: `answered in ${since(t0).toFixed(1)} ms`, ms: since(t0), reply: Buffer.from(buf.subarray(0, n)) };
      const errno = koffi.errno();
      if (errno === EAGAIN) continue;
      return { ok: false, detail: errnoText(errno), ms: since(t0), refused: errno === 111 };
    }
  } finally {
    c.close(fd);
  }
}
