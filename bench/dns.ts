// Embedded DNS benchmark: dnsperf from inside a sandbox netns against cnm's DnsServer at
// 127.0.0.11, Docker 20.10's embedded resolver and aardvark-dns 1.4, in the same run with the
// same dnsperf parameters, with 100 and 1,000 names on the network. Not part of the tests.
//
//   node --import tsx bench/dns.ts [--seconds 10] [--runs 3] [--sizes 100,1000] [--no-docker] [--no-aardvark]
//
// cnm is a real cnmd in a namespace of its own (as bench/core.ts starts it) with N real sandboxes
// named n1…nN on one user-defined network; dnsperf runs inside one more sandbox. Docker gets its N names
// as network aliases on ceil(N/100) containers (the same map lookup in libnetwork as container
// names, without starting 1,000 containers); aardvark-dns gets them in its config file.
// Peers run in namespaces of their own (peer-dnsbench, peer-dnsbench-aa), started and stopped with
// the project's peer scripts (bench/peers/), also on failure or Ctrl-C.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startCnmd } from './core/cnmd.js';
import { startDocker } from './core/docker.js';
import { peerScript } from './lib/peers.js';
import type { Target as CnmdTarget } from './core/target.js';
import { teardown } from './lib/teardown.js';
import type { SandboxView } from '../model/cnm.js';

const run = promisify(execFile);
const DOCKER_NS = 'peer-dnsbench';
const DOCKER = ['-H', `unix:///run/${DOCKER_NS}.sock`];
const AA_NS = 'peer-dnsbench-aa';
const AA_DIR = `/run/${AA_NS}`;
const AA_GW = '10.89.0.1';
const AA_ASKER = '10.89.0.2';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SECONDS = Number(flag('seconds', '10'));
const RUNS = Number(flag('runs', '3'));
const SIZES = flag('sizes', '100,1000').split(',').map(Number);
const WITH_DOCKER = !args.includes('--no-docker');
const WITH_AARDVARK = !args.includes('--no-aardvark');
const DNSPERF = ['-c', '4', '-q', '50', '-l', String(SECONDS)];

interface Result {
  qps: number;
  avgMs: number;
  p99Ms: number;
  lost: number;
}

/** How to run dnsperf against one resolver: a command prefix into its netns, server, source. */
interface Target {
  name: string;
  prefix: string[];
  server: string;
  source?: string;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dnsbench-'));
const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

function queryFile(n: number): string {
  const file = path.join(tmp, `q${n}`);
  fs.writeFileSync(
    file,
    names(n)
      .map((x) => `${x} A\n`)
      .join(''),
  );
  return file;
}

async function dnsperf(t: Target, qfile: string, verbose: boolean): Promise<string> {
  const cmd = [
    ...t.prefix,
    'dnsperf',
    '-s',
    t.server,
    ...(t.source ? ['-a', t.source] : []),
    '-d',
    qfile,
    ...DNSPERF,
    ...(verbose ? ['-v'] : []),
  ];
  const { stdout } = await run(cmd[0], cmd.slice(1), { maxBuffer: 1 << 30, encoding: 'utf8' });
  return stdout;
}

const num = (re: RegExp, text: string) => Number(re.exec(text)?.[1] ?? NaN);

interface Sample {
  qps: number[];
  avg: number[];
  p99: number[];
  lost: number;
}

/**
 * RUNS rounds; each round gives every target one throughput run and one -v run (per-query
 * latencies, for p99), in turn, so that load drifting on a shared machine hits all of them alike.
 * Reports medians over the rounds and the queries lost in all runs.
 */
async function measure(targets: Target[], qfile: string): Promise<Result[]> {
  const samples: Sample[] = targets.map(() => ({ qps: [], avg: [], p99: [], lost: 0 }));
  for (let round = 0; round < RUNS; round++) {
    for (const [i, t] of targets.entries()) {
      const out = await dnsperf(t, qfile, false);
      if (!/NOERROR/.test(out)) throw new Error(`${t.name}: no NOERROR answers:\n${out}`);
      samples[i].qps.push(num(/Queries per second:\s+([\d.]+)/, out));
      samples[i].avg.push(num(/Average Latency \(s\):\s+([\d.]+)/, out) * 1000);
      samples[i].lost += num(/Queries lost:\s+(\d+)/, out);
    }
    for (const [i, t] of targets.entries()) {
      const out = await dnsperf(t, qfile, true);
      const lat = [...out.matchAll(/^> NOERROR .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
      samples[i].p99.push(lat[Math.floor(lat.length * 0.99)] ?? NaN);
      samples[i].lost += num(/Queries lost:\s+(\d+)/, out);
    }
  }
  return samples.map((x) => ({ qps: median(x.qps), avgMs: median(x.avg), p99Ms: median(x.p99), lost: x.lost }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ---- cnm: a real cnmd with real sandboxes; dnsperf inside the asking sandbox's netns ----

async function addSandboxes(cnmd: CnmdTarget, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) await cnmd.addWorkload(`n${i}`, 'benchnet');
}

// ---- Docker 20.10 in its own netns ----

const docker = (...a: string[]) => run('docker', [...DOCKER, ...a], { encoding: 'utf8' });

async function dockerUp(): Promise<Target> {
  await startDocker({ peer: DOCKER_NS });
  await docker('network', 'create', 'benchnet');
  await docker('run', '-d', '--name', 'asker', '--network', 'benchnet', 'bbox:local', 'sleep', '3600');
  const pid = (await docker('inspect', '-f', '{{.State.Pid}}', 'asker')).stdout.trim();
  return { name: 'Docker 20.10', prefix: ['nsenter', '-t', pid, '-n'], server: '127.0.0.11' };
}

/** Names n<from>..n<to> as aliases, 100 per container. */
async function dockerNames(from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 100) {
    const aliases = names(Math.min(to, start + 99))
      .slice(start - 1)
      .flatMap((n) => ['--network-alias', n]);
    await docker('run', '-d', '--name', `holder${start}`, '--network', 'benchnet', ...aliases, 'bbox:local', 'sleep', '3600');
  }
}

// ---- aardvark-dns 1.4 in its own netns, fed a config file like netavark writes ----

function aardvarkConfig(n: number): void {
  fs.mkdirSync(`${AA_DIR}/config`, { recursive: true });
  const lines = [AA_GW, `asker0000000 ${AA_ASKER}  asker`];
  names(n).forEach((x, i) => lines.push(`${x}id${'0'.repeat(8)} 10.89.${(i + 3) >> 8}.${(i + 3) & 255}  ${x}`));
  fs.writeFileSync(`${AA_DIR}/config/benchnet`, lines.join('\n') + '\n');
}

async function aardvarkUp(n: number): Promise<Target> {
  aardvarkDown();
  aardvarkConfig(n);
  execFileSync(peerScript('aardvark-up.sh'), [AA_NS, `${AA_DIR}/config`, AA_GW, AA_ASKER], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { name: 'aardvark-dns 1.4', prefix: ['ip', 'netns', 'exec', AA_NS], server: AA_GW, source: AA_ASKER };
}

function aardvarkDown(): void {
  execFileSync(peerScript('aardvark-down.sh'), [AA_NS, `${AA_DIR}/config`]);
  fs.rmSync(AA_DIR, { recursive: true, force: true });
}

// ---- the run ----

function table(rows: Array<{ size: number; name: string; r: Result; base?: Result }>): string {
  const head = ['names', 'resolver', 'QPS', 'avg ms', 'p99 ms', 'lost', 'QPS ÷ Docker', 'p99 ÷ Docker'];
  const body = rows.map(({ size, name, r, base }) => [
    String(size),
    name,
    r.qps.toFixed(0),
    r.avgMs.toFixed(3),
    r.p99Ms.toFixed(3),
    String(r.lost),
    base ? (r.qps / base.qps).toFixed(2) : '-',
    base ? (r.p99Ms / base.p99Ms).toFixed(2) : '-',
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cols) => cols.map((c, i) => c.padEnd(width[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const rows: Parameters<typeof table>[0] = [];
  const stop = async () => {
    aardvarkDown();
    await teardown();
  };
  process.once('SIGINT', () => {
    void stop().then(() => process.exit(130));
  });
  try {
    const cnmd = await startCnmd({ netns: 'cnm-dnsbench' });
    await cnmd.api.ok('POST', '/networks/create', { Name: 'benchnet' });
    const askerId = await cnmd.addWorkload('asker', 'benchnet');
    const asker = await cnmd.api.json<SandboxView>('GET', `/cnm/sandboxes/${askerId}`);
    const cnm: Target = { name: 'cnm', prefix: ['ip', 'netns', 'exec', path.basename(asker.netnsPath)], server: '127.0.0.11' };
    const dockerTarget = WITH_DOCKER ? await dockerUp() : undefined;
    let have = 0;
    console.error(
      `# dns bench ${new Date().toISOString()} loadavg=${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} dnsperf ${DNSPERF.join(' ')}, ${RUNS} rounds of (plain + -v) per resolver, interleaved`,
    );
    for (const size of SIZES) {
      await addSandboxes(cnmd, have + 1, size);
      if (dockerTarget) await dockerNames(have + 1, size);
      have = size;
      const qfile = queryFile(size);
      const targets = [...(dockerTarget ? [dockerTarget] : []), cnm, ...(WITH_AARDVARK ? [await aardvarkUp(size)] : [])];
      const results = await measure(targets, qfile);
      aardvarkDown();
      const base = dockerTarget ? results[0] : undefined;
      targets.forEach((t, i) => rows.push({ size, name: t.name, r: results[i], base }));
      console.error(table(rows.slice(-targets.length)));
    }
    console.log(table(rows));
  } finally {
    await stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
