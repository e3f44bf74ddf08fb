// A node:dgram socket on an fd made inside a netns (kernel/netns/sockets.ts).
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * dgram passes even an IP literal through dns.lookup before each send (a nextTick and an
 * allocation per packet); every address here is a literal, so answer the lookup at once.
 */
const literal = (host: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void) =>
  cb(null, host, net.isIP(host));

/** A dgram socket taking over `fd`, bound already; resolves once node reports it listening. */
export function udpOnFd(fd: number, family: 4 | 6): Promise<dgram.Socket> {
  const sock = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literal as never });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ fd }, () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });
}
