// Issue 11's benchmark, in one run: TCP throughput (iperf3, 1 stream) and connection rate through a
// published port vs straight to the workload's address, for cnm and for Docker 20.10 with its
// userland proxy on and off (a dockerd restarted between the two).
// Paths, per system, from the host namespace of that system and from a client namespace routed to it:
//   direct     host → workload address:5201
//   host addr  host → its own address:15201 (published)
//   localhost  host → 127.0.0.1:15201 (published; Docker's proxy takes this one when it is on)
//   outside    client namespace → host address:15201 (published)
// Each published path is paired with a direct run just before it; the ratio is the median of pairs.
// Then throughput with both flows at once (direct and published), which neighbours' load cannot skew.
//   node --import tsx bench/ports.ts [--secs 2] [--runs 4] [--only cnm|docker]
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { run, ensurePackages } from './lib/sh.js';
import { onTeardown, runBenchmark, teardownOnSignals } from './lib/teardown.js';
import { startCnmd } from './core/cnmd.js';
import { startDocker } from './core/docker.js';
import { API } from './core/target.js';
import { peerScript } from './lib/peers.js';

const { values: argv } = parseArgs({
  options: { secs: { type: 'string', default: '2' }, runs: { type: 'string', default: '4' }, only: { type: 'string' } },
});
const SECS = Number(argv.secs);
const RUNS = Number(argv.runs);
const PUB = 15201;
const PATHS = ['direct', 'host addr', 'localhost', 'outside'] as const;
type Path = (typeof PATHS)[number];

interface Setup {
  label: string;
  hostNs: string;
  clientNs: string;
  hostIp: string;
  /** The workload's netns, as nsenter takes it (--net=FILE). */
  workloadNs: string;
  workloadIp: string;
}

const x = (ns: string, cmd: string, args: string[]) => run('nsenter', [`--net=${ns}`, cmd, ...args]);
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

/** A client namespace with a veth to `hostNs` (10.77.N.1 on the host side), routed through it. */
async function clientFor(hostNs: string, n: number): Promise<{ clientNs: string; hostIp: string }> {
  const clientNs = `pbc-${n}-${process.pid}`;
  await run('ip', ['netns', 'add', clientNs]);
  onTeardown(`delete netns ${clientNs}`, async () => void (await run('ip', ['netns', 'del', clientNs], { allowFail: true })));
  await run('ip', ['-n', clientNs, 'link', 'set', 'lo', 'up']);
  await run('ip', ['link', 'add', `pbh${n}`, 'netns', hostNs, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', clientNs]);
  const hostIp = `10.77.${n}.1`;
  await run('ip', ['-n', hostNs, 'addr', 'add', `${hostIp}/24`, 'dev', `pbh${n}`]);
  await run('ip', ['-n', clientNs, 'addr', 'add', `10.77.${n}.2/24`, 'dev', 'eth0']);
  await run('ip', ['-n', hostNs, 'link', 'set', `pbh${n}`, 'up']);
  await run('ip', ['-n', clientNs, 'link', 'set', 'eth0', 'up']);
  await run('ip', ['-n', clientNs, 'route', 'add', 'default', 'via', hostIp]);
  return { clientNs: `/run/netns/${clientNs}`, hostIp };
}

/** iperf3 -s and a TCP accept-and-close server (node) inside the workload, for the run's length. */
function servers(s: Setup): ChildProcess[] {
  const accept = `require('net').createServer(c=>c.destroy()).listen(5202)`;
  const procs = [
    spawn('nsenter', [`--net=${s.workloadNs}`, 'iperf3', '-s', '-p', '5201'], { stdio: 'ignore' }),
    spawn('nsenter', [`--net=${s.workloadNs}`, 'iperf3', '-s', '-p', '5203'], { stdio: 'ignore' }),
    spawn('nsenter', [`--net=${s.workloadNs}`, process.execPath, '-e', accept], { stdio: 'ignore' }),
  ];
  onTeardown(`stop servers of ${s.label}`, async () => procs.forEach((p) => p.kill('SIGKILL')));
  return procs;
}

/** Sequential connect-and-close for SECS seconds; connections per second. */
async function connRate(ns: string, ip: string, port: number): Promise<number> {
  const code = `const net=require('net');let n=0;const end=Date.now()+${SECS * 1000};(function go(){if(Date.now()>end){console.log(n/${SECS});process.exit(0)}const c=net.connect(${port},'${ip}');c.on('close',()=>{n++;go()});c.on('error',()=>{})})()`;
  return Number((await x(ns, process.execPath, ['-e', code])).stdout.trim());
}

async function throughput(ns: string, ip: string, port: number): Promise<number> {
  const r = await x(ns, 'iperf3', ['-c', ip, '-p', String(port), '-t', String(SECS), '-J']);
  return JSON.parse(r.stdout).end.sum_received.bits_per_second / 1e9;
}

interface Figures {
  gbps: number;
  cps: number;
  /** Median of the per-pair ratios to a direct measurement taken just before (1 for direct). */
  gbpsRatio: number;
  cpsRatio: number;
}

/**
 * Each published path is measured right after a direct run, pair by pair, and reported as the
 * median of those ratios: the shared cores' load drifts by the second, and a pair sees the same.
 */
async function measure(s: Setup): Promise<Record<Path, Figures>> {
  const target: Record<Path, [string, string, number]> = {
    direct: [s.hostNs, s.workloadIp, 5201],
    'host addr': [s.hostNs, s.hostIp, PUB],
    localhost: [s.hostNs, '127.0.0.1', PUB],
    outside: [s.clientNs, s.hostIp, PUB],
  };
  const one = async (p: Path) => {
    const [ns, ip, port] = target[p];
    return { gbps: await throughput(ns, ip, port), cps: await connRate(ns, ip, port + 1) };
  };
  const raw = Object.fromEntries(PATHS.map((p) => [p, [] as Array<{ gbps: number; cps: number; g: number; c: number }>])) as Record<
    Path,
    Array<{ gbps: number; cps: number; g: number; c: number }>
  >;
  for (let i = 0; i < RUNS; i++) {
    for (const p of PATHS.slice(1)) {
      const d = await one('direct');
      const x = await one(p);
      raw.direct.push({ ...d, g: 1, c: 1 });
      raw[p].push({ ...x, g: x.gbps / d.gbps, c: x.cps / d.cps });
    }
  }
  const fig = (a: (typeof raw)[Path]): Figures => ({
    gbps: median(a.map((r) => r.gbps)),
    cps: median(a.map((r) => r.cps)),
    gbpsRatio: median(a.map((r) => r.g)),
    cpsRatio: median(a.map((r) => r.c)),
  });
  return Object.fromEntries(PATHS.map((p) => [p, fig(raw[p])])) as Record<Path, Figures>;
}

function report(label: string, r: Record<Path, Figures>): void {
  for (const p of PATHS) {
    const { gbps, cps, gbpsRatio, cpsRatio } = r[p];
    const rel = p === 'direct' ? '' : `  (${gbpsRatio.toFixed(2)} / ${cpsRatio.toFixed(2)} of direct, paired)`;
    console.log(`${label.padEnd(22)} ${p.padEnd(10)} ${gbps.toFixed(2).padStart(6)} Gbit/s ${cps.toFixed(0).padStart(6)} conn/s${rel}`);
  }
}

const ports = (host: number) => ({
  '5201/tcp': [{ HostIp: '', HostPort: String(host) }],
  '5202/tcp': [{ HostIp: '', HostPort: String(host + 1) }],
  '5203/tcp': [{ HostIp: '', HostPort: String(host + 2) }],
});

/**
 * Direct and published at the same time (two iperf3 servers): both flows share the cores, so the
 * ratio of their throughputs is the ratio of their per-byte cost, whatever the neighbours' load.
 */
async function concurrent(s: Setup): Promise<void> {
  for (const [p, ns] of [
    ['host addr', s.hostNs],
    ['outside', s.clientNs],
  ] as const) {
    const ratios: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [d, x] = await Promise.all([throughput(s.hostNs, s.workloadIp, 5201), throughput(ns, s.hostIp, PUB + 2)]);
      ratios.push(x / d);
    }
    console.log(
      `${s.label.padEnd(22)} ${p.padEnd(10)} ${median(ratios).toFixed(2)} of direct, concurrent  runs: ${ratios.map((r) => r.toFixed(2)).join(' ')}`,
    );
  }
}

async function cnm(): Promise<void> {
  const hostNs = `pbcnm-${process.pid}`;
  const t = await startCnmd({ netns: hostNs });
  const { clientNs, hostIp } = await clientFor(hostNs, 1);
  await t.api.ok('POST', `${API}/networks/create`, { Name: 'pb', Driver: 'bridge' });
  const sb = await t.api.json<{ id: string; netnsPath: string; endpoints: Array<{ ipv4: string }> }>('POST', '/cnm/sandboxes/create', {
    Name: 'srv',
    Network: 'pb',
    PortBindings: ports(PUB),
  });
  onTeardown('remove cnm sandbox', async () => void (await t.api.request('DELETE', `/cnm/sandboxes/${sb.id}?force=1`)));
  const s: Setup = {
    label: 'cnm (kernel DNAT)',
    hostNs: `/run/netns/${hostNs}`,
    clientNs,
    hostIp,
    workloadNs: sb.netnsPath,
    workloadIp: sb.endpoints[0]!.ipv4.split('/')[0]!,
  };
  servers(s);
  await new Promise((r) => setTimeout(r, 500));
  report(s.label, await measure(s));
  await concurrent(s);
}

async function docker(proxy: boolean, n: number): Promise<void> {
  const peer = `peer-pb${n}-${process.pid}`;
  const t = await startDocker({ peer, dockerdArgs: [`--userland-proxy=${proxy}`] });
  const { clientNs, hostIp } = await clientFor(peer, n);
  const c = await t.api.json<{ Id: string }>('POST', `${API}/containers/create?name=srv`, {
    Image: 'bbox:local',
    Cmd: ['sleep', '3600'],
    ExposedPorts: { '5201/tcp': {}, '5202/tcp': {}, '5203/tcp': {} },
    HostConfig: { PortBindings: ports(PUB) },
  });
  await t.api.ok('POST', `${API}/containers/${c.Id}/start`);
  const info = await t.api.json<{ State: { Pid: number }; NetworkSettings: { IPAddress: string } }>(
    'GET',
    `${API}/containers/${c.Id}/json`,
  );
  const s: Setup = {
    label: `docker proxy ${proxy ? 'on' : 'off'}`,
    hostNs: `/run/netns/${peer}`,
    clientNs,
    hostIp,
    workloadNs: `/proc/${info.State.Pid}/ns/net`,
    workloadIp: info.NetworkSettings.IPAddress,
  };
  servers(s);
  await new Promise((r) => setTimeout(r, 500));
  report(s.label, await measure(s));
  await concurrent(s);
  await run(peerScript('docker-down.sh'), [peer, '--purge']);
}

runBenchmark(async () => {
  teardownOnSignals();
  await ensurePackages({ iperf3: 'iperf3', iproute2: 'ip', 'util-linux': 'nsenter' });
  console.log(
    `# ports bench: iperf3 TCP 1 stream ${SECS}s, connect+close loop ${SECS}s, median of ${RUNS} direct/published pairs; cores=${os.cpus().length} loadavg=${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`${'system'.padEnd(22)} ${'path'.padEnd(10)} throughput     conn rate`);
  if (argv.only !== 'docker') await cnm();
  if (argv.only !== 'cnm') {
    await docker(true, 2);
    await docker(false, 3);
  }
});
