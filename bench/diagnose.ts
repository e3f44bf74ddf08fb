// Issue 14's benchmark (cnmd only: no peer explains paths):
//  (a) `GET /cnm/why` latency, model only (probe=0) and with the kernel probe (ICMP + DNS), for a
//      reachable pair and an unreachable one (the probe then waits its full timeout);
//  (b) the reachability matrix of 50 sandboxes (5 networks × 10), model only and with probes;
//  (c) route change → subnet-conflict event latency on /events (add a route overlapping a network
//      in cnmd's namespace, time until the event; delete it, time until the cleared event).
//   node --import tsx bench/diagnose.ts [--reps 30]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmark, teardownOnSignals } from './lib/teardown.js';
import { run } from './lib/sh.js';
import { summarize, type Summary } from './lib/stats.js';
import { startCnmd } from './core/cnmd.js';
import { API } from './core/target.js';
import type { ReachabilityMatrix, WhyReport } from '../model/diagnose.js';

const { values: argv } = parseArgs({ options: { reps: { type: 'string', default: '30' } } });
const WARMUP = 3;
const NETS = 5;
const PER_NET = 10;

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Resolves with the ms from `t0` to the first event with this action (the stream is already open). */
function waitEvent(socketPath: string, action: string): { ready: Promise<void>; seen: Promise<bigint>; close(): void } {
  let req!: http.ClientRequest;
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const seen = new Promise<bigint>((resolve, reject) => {
    req = http.get({ socketPath, path: `${API}/events` }, (res) => {
      onReady();
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if ((JSON.parse(line) as { Action: string }).Action === action) resolve(process.hrtime.bigint());
        }
      });
    });
    req.on('error', reject);
  });
  return { ready, seen, close: () => req.destroy() };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  const reps = Number(argv.reps);
  const netns = `cnmdiagbench-${process.pid}`;
  const meta = { date: new Date().toISOString(), reps, cpus: os.cpus().length, kernel: os.release(), loadavgStart: os.loadavg() };
  teardownOnSignals();
  const t = await startCnmd({ netns });
  console.error(`${t.version} up`);
  const nets: string[] = [];
  const sandboxes: string[] = [];
  for (let n = 0; n < NETS; n++) {
    const r = await t.api.json<{ Id: string }>('POST', `${API}/networks/create`, {
      Name: `dn${n}`,
      IPAM: { Config: [{ Subnet: `10.120.${n}.0/24` }] },
    });
    nets.push(r.Id);
    for (let i = 0; i < PER_NET; i++) sandboxes.push(await t.addWorkload(`dn${n}s${i}`, `dn${n}`));
  }
  console.error(`${sandboxes.length} sandboxes on ${NETS} networks`);
  const stats: Record<string, Summary> = {};
  const why = async (from: string, to: string, probe: boolean) => {
    const t0 = process.hrtime.bigint();
    const r = await t.api.json<WhyReport>('GET', `/cnm/why?from=${from}&to=${to}${probe ? '' : '&probe=0'}`);
    const ms = since(t0);
    if (probe && !r.kernelAgrees) throw new Error(`kernel disagreed: ${JSON.stringify(r)}`);
    return ms;
  };
  for (const [label, to, probe] of [
    ['why model only (reachable)', 'dn0s1', false],
    ['why + probe (reachable)', 'dn0s1', true],
    ['why model only (unreachable)', 'dn1s0', false],
    ['why + probe (unreachable)', 'dn1s0', true],
  ] as const) {
    const samples: number[] = [];
    // The unreachable probe waits its whole timeout: fewer reps keep the run short.
    const n = probe && to === 'dn1s0' ? Math.min(reps, 5) : reps;
    for (let i = 0; i < WARMUP + n; i++) {
      const ms = await why('dn0s0', to, probe);
      if (i >= WARMUP) samples.push(ms);
    }
    stats[label] = summarize(samples);
  }
  for (const probe of [false, true]) {
    const samples: number[] = [];
    let last: ReachabilityMatrix | undefined;
    for (let i = 0; i < WARMUP + Math.min(reps, 10); i++) {
      const t0 = process.hrtime.bigint();
      last = await t.api.json<ReachabilityMatrix>('GET', `/cnm/why/matrix${probe ? '' : '?probe=0'}`);
      if (i >= WARMUP) samples.push(since(t0));
    }
    if (last!.sandboxes.length !== NETS * PER_NET) throw new Error(`matrix has ${last!.sandboxes.length} sandboxes`);
    if (probe && last!.disagreements) throw new Error(`${last!.disagreements} disagreements`);
    stats[`matrix ${NETS * PER_NET} sandboxes${probe ? ' + probes' : ' model only'}`] = summarize(samples);
  }
  await run('ip', ['-n', netns, 'link', 'add', 'dbvpn0', 'type', 'veth', 'peer', 'name', 'dbvpn1']);
  await run('ip', ['-n', netns, 'link', 'set', 'dbvpn0', 'up']);
  const added: number[] = [];
  const cleared: number[] = [];
  for (let i = 0; i < WARMUP + reps; i++) {
    for (const [action, verb, out] of [
      ['subnet-conflict', 'add', added],
      ['subnet-conflict-cleared', 'del', cleared],
    ] as const) {
      const w = waitEvent(t.api.socketPath, action);
      await w.ready;
      const t0 = process.hrtime.bigint();
      await run('ip', ['-n', netns, 'route', verb, '10.120.0.128/25', 'dev', 'dbvpn0']);
      const at = await w.seen;
      w.close();
      if (i >= WARMUP) out.push(Number(at - t0) / 1e6);
    }
  }
  stats['route added → conflict event'] = summarize(added);
  stats['route removed → cleared event'] = summarize(cleared);
  await run('ip', ['-n', netns, 'link', 'del', 'dbvpn0']);
  for (const id of sandboxes) await t.removeWorkload(id);
  for (const id of nets) await t.api.ok('DELETE', `${API}/networks/${id}`);

  const f = (v: number) => v.toFixed(2).padStart(10);
  const lines = [
    `reps ${reps}; load average start ${meta.loadavgStart.map((x) => x.toFixed(2)).join(' ')}, end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${meta.cpus} cpus`,
    `${'operation (ms)'.padEnd(40)}${'n'.padStart(5)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`,
    ...Object.entries(stats).map(([k, s]) => `${k.padEnd(40)}${String(s.n).padStart(5)}${f(s.p50)}${f(s.p99)}${f(s.max)}`),
  ];
  console.log('\n' + lines.join('\n'));
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `diagnose-${meta.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ meta: { ...meta, loadavgEnd: os.loadavg() }, stats }, null, 2));
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

runBenchmark(main);
