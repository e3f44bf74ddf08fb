// Whether a host port is free in cnmd's netns: a socket is bound and closed at once, as Docker's
// port mapper does before it programs a mapping. The kernel's answer words the refusal
// (EADDRINUSE: something listens there; EADDRNOTAVAIL: the host has no such address).
import dgram from 'node:dgram';
import net from 'node:net';
import type { PortProto } from '../../model/ports.js';
import { readSysctl } from './sysctl.js';

const WORDS: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
  EACCES: 'bind: permission denied',
};

/** undefined when `ip:port` can be bound for `proto` (tcp/udp); else Go's wording of the failure. */
export function bindProblem(proto: PortProto, ip: string, port: number): Promise<string | undefined> {
  const word = (err: NodeJS.ErrnoException) => WORDS[err.code ?? ''] ?? `bind: ${err.message}`;
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const s = net.createServer();
      s.once('error', (err) => resolve(word(err)));
      s.listen({ host: ip, port, exclusive: true, ipv6Only: ip.includes(':') }, () => s.close(() => resolve(undefined)));
    } else if (proto === 'udp') {
      const s = dgram.createSocket(ip.includes(':') ? { type: 'udp6', ipv6Only: true } : { type: 'udp4' });
      s.once('error', (err) => {
        s.close();
        resolve(word(err));
      });
      s.bind({ address: ip, port, exclusive: true }, () => s.close(() => resolve(undefined)));
    } else {
      resolve(undefined); // Node has no SCTP sockets: only cnm's own allocations are checked
    }
  });
}

/** The kernel's ephemeral range (net.ipv4.ip_local_port_range), where Docker picks free host ports. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [a, b] = readSysctl('net.ipv4.ip_local_port_range').split(/\s+/).map(Number);
    if (a && b && a <= b) return [a, b];
  } catch {
    // not readable: Docker's own default range
  }
  return [49153, 65535];
}
