// Forwarding a query the registry cannot answer to the sandbox's upstream resolvers.
//
// The sockets are created inside the sandbox's netns, as Docker does (resolver.go dials through
// the sandbox's ExecFunc): the query leaves through the sandbox's own routes and NAT, so an
// upstream given with --dns that only the sandbox's networks reach works, an internal network
// cannot leak queries out through cnmd's namespace, and cnmd needs no route of its own to the
// upstreams. One fresh socket per query (a setns round trip costs microseconds): the kernel
// picks a random source port, a reply is only accepted from the upstream on that connected
// socket, and the query goes out byte for byte as the client sent it (ID and EDNS OPT intact),
// so the reply can be passed back unchanged.
import net from 'node:net';
import { socketInNetns } from '../kernel/netns/sockets.js';
import { log } from '../log.js';
import { udpOnFd } from './udp.js';
import { TcpFramer, tcpFrame } from './wire.js';

const DNS_PORT = 53;

/**
 * Ask each upstream in turn (UDP or TCP, as the client asked), each with an equal share of
 * `timeoutMs`; the first reply carrying the query's ID wins. undefined when none answered: the
 * caller answers SERVFAIL, so a dead upstream costs the client at most `timeoutMs`.
 */
export async function forward(
  nsPath: string,
  upstreams: readonly string[],
  query: Buffer,
  tcp: boolean,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  const share = timeoutMs / Math.max(1, upstreams.length);
  for (const upstream of upstreams) {
    try {
      const reply = await (tcp ? askTcp : askUdp)(nsPath, upstream, query, share);
      if (reply.length >= 2 && reply.readUInt16BE(0) === query.readUInt16BE(0)) return reply;
    } catch (err) {
      log('debug', 'dns upstream failed', { netns: nsPath, upstream, tcp, error: (err as Error).message });
    }
  }
  return undefined;
}

function family(address: string): 4 | 6 {
  return net.isIP(address) === 6 ? 6 : 4;
}

/** Settles once: resolve/reject, clear the timer and close the socket. */
function exchange(timeoutMs: number, upstream: string, close: () => void) {
  let done = false;
  let settle!: (err: Error | undefined, reply?: Buffer) => void;
  const promise = new Promise<Buffer>((resolve, reject) => {
    settle = (err, reply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      close();
      if (err) reject(err);
      else resolve(reply!);
    };
  });
  const timer = setTimeout(() => settle(new Error(`no answer from ${upstream} in ${Math.round(timeoutMs)} ms`)), timeoutMs);
  return { promise, settle };
}

async function askUdp(nsPath: string, upstream: string, query: Buffer, timeoutMs: number): Promise<Buffer> {
  const fam = family(upstream);
  const sock = await udpOnFd(socketInNetns(nsPath, 'udp', { address: fam === 6 ? '::' : '0.0.0.0', port: 0 }), fam);
  const { promise, settle } = exchange(timeoutMs, upstream, () => sock.close());
  sock.on('error', (err) => settle(err));
  sock.on('message', (reply) => settle(undefined, reply));
  sock.connect(DNS_PORT, upstream, () => sock.send(query, (err) => err && settle(err)));
  return promise;
}

function askTcp(nsPath: string, upstream: string, query: Buffer, timeoutMs: number): Promise<Buffer> {
  const fd = socketInNetns(nsPath, 'tcp', { family: family(upstream) });
  const sock = new net.Socket({ fd });
  const framer = new TcpFramer();
  const { promise, settle } = exchange(timeoutMs, upstream, () => sock.destroy());
  sock.on('error', (err) => settle(err));
  sock.on('data', (chunk) => {
    const [reply] = framer.push(chunk);
    if (reply) settle(undefined, reply);
  });
  sock.on('close', () => settle(new Error(`${upstream} closed the connection`)));
  sock.connect(DNS_PORT, upstream, () => sock.write(tcpFrame(query)));
  return promise;
}
