// Issue 15's endurance figures: cnmd's resident memory and open fds before and after 10,000 API
// connection cycles (connect, one request, disconnect) and 10,000 network connect/disconnect
// cycles of one sandbox, against a real cnmd in a throwaway namespace (test/integration/host.ts).
//   node --import tsx bench/endurance.ts [--cycles 10000] [--network-cycles N (default: --cycles)]
// Figures are printed after each phase; RSS is read 2 s after it, memory V8 keeps is counted too.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { TestHost } from '../test/integration/host.js';

const { values: argv } = parseArgs({ options: { cycles: { type: 'string', default: '10000' }, 'network-cycles': { type: 'string' } } });
const CYCLES = Number(argv.cycles);
const NETWORK_CYCLES = Number(argv['network-cycles'] ?? argv.cycles);

const daemonPid = (h: TestHost): number => {
  if (h.daemonPid === undefined) throw new Error('cnmd is not running');
  return h.daemonPid;
};

function usage(pid: number): { rssMiB: number; fds: number } {
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { rssMiB: Math.round((rss / 1024) * 10) / 10, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

/** One connection, one request (Connection: close), then the connection is gone. */
function pingOnce(socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    s.on('error', reject);
    s.on('close', () => resolve());
    s.end('GET /_ping HTTP/1.1\r\nHost: cnmd\r\nConnection: close\r\n\r\n');
    s.resume();
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(socket: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        socketPath: socket,
        method: 'POST',
        path,
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
      },
      (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function main(): Promise<void> {
  const h = await TestHost.start('endure');
  try {
    const net = `endure${process.pid}`;
    h.mustCnm('network', 'create', '--subnet', '10.88.0.0/24', net);
    h.mustCnm('sandbox', 'create', `${net}-a`);
    const pid = daemonPid(h);
    const settle = async () => {
      await new Promise((r) => setTimeout(r, 2000)); // closed sockets are reaped, a GC can run
      return usage(pid);
    };
    const start = await settle();
    let t0 = Date.now();
    for (let i = 0; i < CYCLES; i += 10) await Promise.all(Array.from({ length: 10 }, () => pingOnce(h.socket)));
    const afterConns = { ...(await settle()), seconds: (Date.now() - t0) / 1000 };
    t0 = Date.now();
    for (let i = 0; i < NETWORK_CYCLES; i++) {
      const c = await post(h.socket, `/networks/${net}/connect`, { Container: `${net}-a` });
      const d = await post(h.socket, `/networks/${net}/disconnect`, { Container: `${net}-a` });
      if (c !== 200 || d !== 200) throw new Error(`cycle ${i}: connect ${c}, disconnect ${d}`);
    }
    const afterCycles = { ...(await settle()), seconds: (Date.now() - t0) / 1000 };
    agent.destroy();
    const report = {
      cycles: CYCLES,
      networkCycles: NETWORK_CYCLES,
      start,
      afterConnectionCycles: afterConns,
      afterNetworkConnectDisconnect: afterCycles,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await h.destroy();
  }
}

void main();
