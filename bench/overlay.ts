// Overlay benchmark (issue 10), cnm against Docker 20.10's kv-store overlay in the same run. Not
// part of the tests.
//
//   npm run bench:overlay [-- --reps 50 --docker-reps 10 --seconds 5 --runs 5 --no-docker]
//
// cnm: three cnmd hosts on a veth underlay with a real etcd (the test topology,
// test/integration/overlay-cluster.ts). Docker: two dockerd with `--cluster-store etcd://` (etcd
// 3.4, v2 API) on their own underlay, started by bench/peers/kv-overlay-up.sh. Both stay up for
// the whole run, so each phase measures them at the same moment (the load average is printed at
// every phase: the machine is shared).
// - convergence: `POST /networks/NET/connect` of a sandbox/container on one host (API socket, no
//   CLI start-up) → it answers a ping by name from a sandbox/container on the other, seen by one
//   long-lived prober per asker (lib/reach.ts: a DNS query to 127.0.0.11 every 2 ms from a socket
//   in the asker's netns, then ICMP echo every 4 ms, all inside this process; no dig/ping spawned,
//   the same code for both systems); median, p99. cnm cold (the connect makes that host's
//   datapath) and warm (the host already has an endpoint on the network, as in Docker's run where
//   containers stay).
// - throughput: iperf3 TCP, one stream, sandbox→sandbox across hosts vs raw VXLAN between the two
//   host namespaces on the same underlay (MTU 1450), for cnm and for Docker, runs interleaved
//   path by path; the share is overlay / raw on the same underlay.
// - failure: kill -9 of a host's daemon → until its sandbox's name stops resolving on another host
//   (cnm: vs the lease TTL; Docker: capped at 30 s).
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { peerScript } from './lib/peers.js';
import { Prober } from './lib/reach.js';
import { summarize } from './lib/stats.js';
import { UnixHttp } from './lib/unix-http.js';
import { OverlayCluster } from '../test/integration/overlay-cluster.js';
import { waitFor } from '../test/integration/wait.js';
import type { TestHost } from '../test/integration/host.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const REPS = Number(flag('reps', '50'));
const DOCKER_REPS = Number(flag('docker-reps', '10'));
const SECONDS = Number(flag('seconds', '5'));
const RUNS = Number(flag('runs', '5'));
const DOCKER = !args.includes('--no-docker');
const PEER = 'peer-kvov';
const TTL_S = 10;
const DOCKER_KILL_CAP_S = 30;

/** How to run a command inside a sandbox's / container's netns (iperf3 only: nothing timed spawns). */
type Enter = string[];
const inNetns = (ns: string): Enter => ['ip', 'netns', 'exec', ns];
const inPid = (pid: string): Enter => ['nsenter', '-t', pid, '-n'];
/** How long one convergence may take before the rep fails. */
const REACH_MS = 10_000;

function iperf(server: Enter, client: Enter, target: string, port: number): number {
  execFileSync(server[0]!, [...server.slice(1), 'iperf3', '-s', '-D', '-1', '-p', String(port)]);
  execFileSync('sleep', ['0.3']);
  const out = execFileSync(client[0]!, [...client.slice(1), 'iperf3', '-c', target, '-p', String(port), '-t', String(SECONDS), '-J'], {
    encoding: 'utf8',
  });
  return JSON.parse(out).end.sum_received.bits_per_second / 1e9;
}

const fmt = (x: number[]) => {
  const s = summarize(x);
  return `median ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n=${s.n})`;
};
const gbps = (x: number[]) => `${summarize(x).p50.toFixed(2)} Gbit/s (runs ${x.map((v) => v.toFixed(2)).join(' ')})`;

/** Times at which host `h` reported a remote endpoint connecting (its /events stream), once the stream is open. */
function remoteConnects(h: TestHost): Promise<{ times: number[]; close: () => void }> {
  const times: number[] = [];
  let buf = '';
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: h.socket, path: '/events' }, (res) => {
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const e = JSON.parse(buf.slice(0, i)) as { Action: string; Actor: { Attributes: Record<string, string> } };
          buf = buf.slice(i + 1);
          if (e.Action === 'connect' && e.Actor.Attributes.host) times.push(performance.now());
        }
      });
      resolve({ times, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

/** One timed connect: t0 just before the API call, every later time relative to it (ms). */
interface Rep {
  t0: number;
  api: number;
  resolved: number;
  pinged: number;
}

/** Times `connect()` (an API call) until the prober sees `name` resolve and answer a ping. */
async function timedConnect(prober: Prober, name: string, connect: () => Promise<unknown>): Promise<Rep> {
  const t0 = performance.now();
  const reached = prober.reachable(name, REACH_MS);
  await connect();
  const api = performance.now() - t0;
  const r = await reached;
  return { t0, api, resolved: r.resolvedAt - t0, pinged: r.pingedAt - t0 };
}

const col = (reps: Rep[], k: Exclude<keyof Rep, 't0'>) => reps.map((r) => r[k]);

/** An iperf3 path: server and client netns and the server's address. */
interface Path {
  label: string;
  server: Enter;
  client: Enter;
  target: string;
}

/**
 * The ceiling: a plain VXLAN device (id 999, nolearning, one all-zeros FDB entry to the peer,
 * MTU 1450) in each of two host namespaces, on the same underlay the overlay uses, addressed
 * `${subnet}.1` / `.2`. It goes with the namespaces.
 */
function rawVxlan(label: string, hosts: [string, string], underlay: [string, string], subnet: string): Path {
  hosts.forEach((ns, i) => {
    const ip = (...x: string[]) => execFileSync('ip', ['-n', ns, ...x]);
    ip('link', 'add', 'vxraw', 'type', 'vxlan', 'id', '999', 'dstport', '4789', 'local', underlay[i]!, 'nolearning');
    ip('link', 'set', 'vxraw', 'mtu', '1450', 'up');
    ip('addr', 'add', `${subnet}.${i + 1}/24`, 'dev', 'vxraw');
    execFileSync('ip', ['netns', 'exec', ns, 'bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vxraw', 'dst', underlay[1 - i]!]);
  });
  return { label, server: inNetns(hosts[1]), client: inNetns(hosts[0]), target: `${subnet}.2` };
}

/** cnm's half once its convergence is measured: what the later phases need. */
interface CnmRun {
  warm: number[];
  paths: Path[];
  /** kill -9 of host C → seconds until its sandbox is gone from A's DNS. */
  kill: () => Promise<number>;
}

async function benchCnm(cluster: OverlayCluster): Promise<CnmRun> {
  const [a, b, c] = cluster.hosts as [TestHost, TestHost, TestHost];
  const nsPath = (h: TestHost, sb: string) => JSON.parse(h.mustCnm('sandbox', 'inspect', sb))[0].netnsPath as string;
  const netns = (h: TestHost, sb: string) => nsPath(h, sb).split('/').pop()!;
  a.mustCnm('network', 'create', '-d', 'overlay', 'multi');
  await waitFor('multi on B and C', 10_000, () =>
    b.cnm('network', 'inspect', 'multi').code === 0 && c.cnm('network', 'inspect', 'multi').code === 0 ? true : undefined,
  );
  b.mustCnm('sandbox', 'create', '--net', 'multi', 'probe');
  a.mustCnm('sandbox', 'create', 'mover');
  const api = new UnixHttp(a.socket);
  const onB = await Prober.open(nsPath(b, 'probe'));
  const events = await remoteConnects(b).catch((err) => {
    onB.close();
    throw err;
  });
  const convergence = async (reps: number, label: string) => {
    const [runs, eventMs]: [Rep[], number[]] = [[], []];
    for (let i = 0; i < reps; i++) {
      const seen = events.times.length;
      const rep = await timedConnect(onB, 'mover', () => api.request('POST', '/networks/multi/connect', { Container: 'mover' }));
      runs.push(rep);
      eventMs.push((await waitFor('connect event on B', 10_000, () => events.times[seen], 1)) - rep.t0);
      await api.request('POST', '/networks/multi/disconnect', { Container: 'mover' });
      await onB.gone('mover', REACH_MS);
    }
    console.log(`cnm convergence, ${label}: pingable by name from B ${fmt(col(runs, 'pinged'))}`);
    console.log(
      `  connect API on A returned ${fmt(col(runs, 'api'))}; B applied it (its /events) ${fmt(eventMs)}; name resolved on B ${fmt(col(runs, 'resolved'))}`,
    );
    return col(runs, 'pinged');
  };
  let warm: number[];
  try {
    await convergence(Math.min(10, REPS), "cold (A's first endpoint on the network)");
    a.mustCnm('sandbox', 'create', '--net', 'multi', 'anchor');
    warm = await convergence(REPS, 'warm');
  } finally {
    events.close();
    onB.close();
  }

  await api.request('POST', '/networks/multi/connect', { Container: 'mover' });
  const probeIp = (JSON.parse(b.mustCnm('sandbox', 'inspect', 'probe'))[0].endpoints[0].ipv4 as string).split('/')[0]!;
  const paths = [
    rawVxlan('cnm raw VXLAN host→host', [a.ns, b.ns], [`${cluster.net}.2`, `${cluster.net}.3`], '192.168.251'),
    { label: 'cnm overlay sandbox→sandbox', server: inNetns(netns(b, 'probe')), client: inNetns(netns(a, 'mover')), target: probeIp },
  ];
  const kill = async () => {
    const onA = await Prober.open(nsPath(a, 'mover'));
    try {
      c.mustCnm('sandbox', 'create', '--net', 'multi', 'victim');
      await onA.reachable('victim', REACH_MS);
      await c.stopDaemon('SIGKILL');
      const killed = performance.now();
      return ((await onA.gone('victim', (TTL_S + 10) * 1000)) - killed) / 1000;
    } finally {
      onA.close();
    }
  };
  return { warm, paths, kill };
}

/** Docker's half, the same phases. */
interface DockerRun {
  warm: number[];
  paths: Path[];
  /** kill -9 of dockerd B → seconds until its container is gone from A's DNS, or why not. */
  kill: () => Promise<number | string>;
}

async function benchDocker(): Promise<DockerRun> {
  execFileSync(peerScript('kv-overlay-up.sh'), [PEER], { stdio: ['ignore', 'ignore', 'inherit'] });
  const cli = (h: 'A' | 'B', ...x: string[]) =>
    execFileSync('docker', ['-H', `unix:///run/${PEER}-${h}.sock`, ...x], { encoding: 'utf8' }).trim();
  const pidOf = (h: 'A' | 'B', c: string) => cli(h, 'inspect', '-f', '{{.State.Pid}}', c);
  cli('A', 'run', '-d', '--name', 'ca', '--network', 'kvov', 'bbox:local', 'sleep', '3600');
  const caPid = pidOf('A', 'ca');
  const onA = await Prober.open(`/proc/${caPid}/ns/net`);
  const api = new UnixHttp(`/run/${PEER}-B.sock`);
  const runs: Rep[] = [];
  try {
    for (let i = 0; i < DOCKER_REPS; i++) {
      // A running container on B (default bridge), then connected to the overlay: Docker's connect.
      cli('B', 'run', '-d', '--name', `cb${i}`, 'bbox:local', 'sleep', '3600');
      runs.push(await timedConnect(onA, `cb${i}`, () => api.request('POST', '/networks/kvov/connect', { Container: `cb${i}` })));
    }
  } finally {
    onA.close();
  }
  const warm = col(runs, 'pinged');
  console.log(`Docker 20.10 kv overlay convergence (connect on B → pingable by name from A): ${fmt(warm)}`);
  console.log(`  connect API on B returned ${fmt(col(runs, 'api'))}; name resolved on A ${fmt(col(runs, 'resolved'))}`);
  const cbIp = cli('B', 'inspect', '-f', '{{(index .NetworkSettings.Networks "kvov").IPAddress}}', 'cb0');
  const paths = [
    rawVxlan('Docker raw VXLAN host→host', [`${PEER}-A`, `${PEER}-B`], ['10.202.0.1', '10.202.0.2'], '192.168.252'),
    { label: 'Docker overlay container→container', server: inPid(pidOf('B', 'cb0')), client: inPid(caPid), target: cbIp },
  ];
  const kill = async () => {
    const prober = await Prober.open(`/proc/${caPid}/ns/net`);
    try {
      execFileSync('kill', ['-9', execFileSync('cat', [`/run/${PEER}-B.pid`], { encoding: 'utf8' }).trim()]);
      const killed = performance.now();
      return ((await prober.gone('cb0', DOCKER_KILL_CAP_S * 1000)) - killed) / 1000;
    } catch {
      return `still resolvable after ${DOCKER_KILL_CAP_S} s`;
    } finally {
      prober.close();
      // dockerd B back, so that kv-overlay-down.sh removes its containers.
      execFileSync(peerScript('kv-overlay-up.sh'), [PEER, '--restart-b'], { stdio: 'ignore' });
    }
  };
  return { warm, paths, kill };
}

const loadavg = () => execFileSync('cut', ['-d', ' ', '-f1-3', '/proc/loadavg'], { encoding: 'utf8' }).trim();

/**
 * iperf3 on every path, interleaved run by run (raw, overlay, raw, overlay, …), so that the
 * machine's drifting load hits the ceiling and the overlay alike; medians per path.
 */
function throughput(paths: Path[]): number[] {
  const runs = paths.map((): number[] => []);
  for (let k = 0; k < RUNS; k++) paths.forEach((p, i) => runs[i]!.push(iperf(p.server, p.client, p.target, 5301 + k * paths.length + i)));
  paths.forEach((p, i) => console.log(`${p.label}: iperf3 TCP ${SECONDS} s ${gbps(runs[i]!)}`));
  return runs.map((r) => summarize(r).p50);
}

async function main(): Promise<void> {
  console.log(`# overlay bench ${new Date().toISOString()} loadavg ${loadavg()}`);
  const cluster = await OverlayCluster.start(['ba', 'bb', 'bc'], { underlay: `b-ovul-${process.pid}`, net: '10.235.0' });
  const cleanup = async () => {
    await cluster.destroy().catch((err) => console.error(String(err)));
    if (DOCKER) execFileSync(peerScript('kv-overlay-down.sh'), [PEER], { stdio: 'ignore' });
  };
  const stop = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed stdout (`| head`) must not kill the run before it removed its namespaces.
  process.stdout.on('error', () => undefined);
  try {
    const cnm = await benchCnm(cluster);
    let docker: DockerRun | undefined;
    if (DOCKER) {
      try {
        docker = await benchDocker();
      } catch (err) {
        console.log(`Docker 20.10 kv overlay could not be measured: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`# throughput, loadavg ${loadavg()}`);
    const [cnmRaw, cnmOv, dockerRaw, dockerOv] = throughput([...cnm.paths, ...(docker?.paths ?? [])]);
    const pct = (x: number, y: number) => `${((x / y) * 100).toFixed(0)} %`;
    console.log(`cnm overlay / raw VXLAN: ${pct(cnmOv!, cnmRaw!)} (target ≥ 95 %)`);
    if (docker)
      console.log(
        `Docker overlay / raw VXLAN on its underlay: ${pct(dockerOv!, dockerRaw!)}; / cnm's raw VXLAN ${pct(dockerOv!, cnmRaw!)}`,
      );
    console.log(`# failure, loadavg ${loadavg()}`);
    console.log(`cnm kill -9 of host C → its endpoint gone from A's DNS after ${(await cnm.kill()).toFixed(2)} s (lease TTL ${TTL_S} s)`);
    if (docker) {
      const k = await docker.kill();
      console.log(`Docker kill -9 of dockerd B → its container gone from A's DNS: ${typeof k === 'number' ? `${k.toFixed(2)} s` : k}`);
      const [cw, dw] = [summarize(cnm.warm).p50, summarize(docker.warm).p50];
      console.log(`convergence median: cnm ${cw.toFixed(1)} ms vs Docker ${dw.toFixed(1)} ms (${(dw / cw).toFixed(1)}× faster)`);
    }
    console.log(`# done, loadavg ${loadavg()}`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
