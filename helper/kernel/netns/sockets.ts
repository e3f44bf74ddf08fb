// Sockets whose file descriptor is created inside a network namespace. Node's dgram/net create
// their fd lazily (after an async address lookup), so calling bind()/listen() inside inNetns is
// not enough: the fd would be born in cnmd's own namespace. Here socket(2)/bind(2) run through
// koffi while the thread is switched, and the caller hands the bound fd to dgram/net (both take
// an fd: `socket.bind({ fd })`, `server.listen({ fd })`, `new net.Socket({ fd })`).
import koffi from 'koffi';
import { isIP } from 'node:net';
import { CnmError } from '../../errors.js';
import { inNetns } from './setns.js';

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;

interface Libc {
  socket: (domain: number, type: number, protocol: number) => number;
  bind: (fd: number, addr: Buffer, len: number) => number;
  connect: (fd: number, addr: Buffer, len: number) => number;
  sendto: (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer | null, alen: number) => number;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number;
  recvfrom: (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, alen: Buffer) => number;
  setsockopt: (fd: number, level: number, name: number, value: Buffer, len: number) => number;
  getsockopt: (fd: number, level: number, name: number, value: Buffer, len: Buffer) => number;
  close: (fd: number) => number;
  strerror: (errnum: number) => string;
  /** Called with `.async` by kernel/probe (it blocks). */
  poll: koffi.KoffiFunction;
}

let libc: Libc | undefined;
/** libc's socket calls, loaded once (also used by kernel/probe). */
export function lib(): Libc {
  if (!libc) {
    const l = koffi.load('libc.so.6');
    libc = {
      socket: l.func('int socket(int domain, int type, int protocol)'),
      bind: l.func('int bind(int fd, const uint8_t *addr, uint32_t len)'),
      connect: l.func('int connect(int fd, const uint8_t *addr, uint32_t len)'),
      sendto: l.func('long sendto(int fd, const uint8_t *buf, size_t len, int flags, const uint8_t *addr, uint32_t alen)'),
      recv: l.func('long recv(int fd, _Out_ uint8_t *buf, size_t len, int flags)'),
      recvfrom: l.func('long recvfrom(int fd, _Out_ uint8_t *buf, size_t len, int flags, _Out_ uint8_t *addr, _Inout_ uint8_t *alen)'),
      setsockopt: l.func('int setsockopt(int fd, int level, int name, const uint8_t *value, uint32_t len)'),
      getsockopt: l.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint8_t *len)'),
      close: l.func('int close(int fd)'),
      strerror: l.func('const char *strerror(int errnum)'),
      poll: l.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)'),
    };
  }
  return libc;
}

export type SocketKind = 'udp' | 'tcp';

function fail(call: string, nsPath: string, address?: string): never {
  const errno = koffi.errno();
  const kind = errno === 98 ? 'conflict' : 'internal'; // EADDRINUSE
  const where = address ? ` ${address}` : '';
  throw new CnmError(kind, `cannot ${call}${where} in ${nsPath}: ${lib().strerror(errno)}`, { netns: nsPath, call });
}

/** struct sockaddr_in / sockaddr_in6 for bind(2) and connect(2), port in network byte order. */
export function sockaddr(address: string, port: number): Buffer {
  const family = isIP(address);
  if (family === 4) {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(port, 2);
    address.split('.').forEach((octet, i) => b.writeUInt8(Number(octet), 4 + i));
    return b;
  }
  if (family === 6) {
    const b = Buffer.alloc(28);
    b.writeUInt16LE(AF_INET6, 0);
    b.writeUInt16BE(port, 2);
    ipv6Bytes(address).copy(b, 8);
    return b;
  }
  throw new CnmError('invalid', `not an IP address: ${address}`, { call: 'bind' });
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = address.includes('::') ? groups(tail) : [];
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/**
 * A socket created inside the netns at `nsPath`: bound to `address:port` when `address` is
 * given (SO_REUSEADDR for TCP, so a restart does not wait for TIME_WAIT), unbound otherwise
 * (`family` picks AF_INET/AF_INET6). Returns the fd; the caller owns it.
 */
export function socketInNetns(nsPath: string, kind: SocketKind, opts: { address?: string; port?: number; family?: 4 | 6 }): number {
  const family = opts.address ? isIP(opts.address) : (opts.family ?? 4);
  const domain = family === 6 ? AF_INET6 : AF_INET;
  const type = (kind === 'tcp' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC;
  const c = lib();
  const fd = inNetns(nsPath, () => c.socket(domain, type, 0));
  if (fd < 0) fail('socket', nsPath);
  try {
    if (kind === 'tcp') {
      const one = Buffer.alloc(4);
      one.writeInt32LE(1);
      if (c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4) !== 0) fail('setsockopt SO_REUSEADDR', nsPath);
    }
    if (opts.address !== undefined) {
      const sa = sockaddr(opts.address, opts.port ?? 0);
      if (c.bind(fd, sa, sa.length) !== 0) fail('bind', nsPath, `${opts.address}:${opts.port ?? 0}`);
    }
    return fd;
  } catch (err) {
    c.close(fd);
    throw err;
  }
}
