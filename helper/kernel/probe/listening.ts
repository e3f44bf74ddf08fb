// Which ports something listens on inside a netns: /proc/thread-self/net/{tcp,udp}[6] read while
// the main thread is switched into it (procfs shows the reading thread's namespace).
import fs from 'node:fs';
import { inNetns } from '../netns/setns.js';

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Local ports with a listening TCP socket (or a bound UDP socket) inside the netns. */
export function listeningPorts(nsPath: string, proto: 'tcp' | 'udp'): Set<number> {
  const files = inNetns(nsPath, () =>
    [proto, `${proto}6`].map((f) => {
      try {
        return fs.readFileSync(`/proc/thread-self/net/${f}`, 'utf8');
      } catch {
        return ''; // no IPv6 in this kernel
      }
    }),
  );
  const state = proto === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  const ports = new Set<number>();
  for (const text of files) {
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== state) continue;
      ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}
