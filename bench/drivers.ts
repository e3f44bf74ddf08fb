// Issue 9's benchmark, in one run:
//  (a) connect p50 of a macvlan endpoint vs a bridge endpoint (cnmd only; the macvlan parent is a
//      veth pair inside cnmd's namespace);
//  (b) the cycle a user runs — create a network, connect a workload, disconnect it, remove the
//      network, repeated — against Docker 20.10, per step and whole cycle, next to the reused-network
//      pattern (one network, connect/disconnect repeated).
//   node --import tsx bench/drivers.ts [--reps 50] [--only cnm|docker] [--peer NAME]
// Phases alternate between the systems (docker, then cnm), as in core.ts.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runBenchmark, teardownOnSignals, tearingDown } from './lib/teardown.js';
import { run } from './lib/sh.js';
import { summarize, type Summary } from './lib/stats.js';
import { startDocker } from './core/docker.js';
import { startCnmd } from './core/cnmd.js';
import { createNetwork, measureConnectDisconnect, removeNetwork, removeWorkloads } from './core/measure.js';
import { API, type Target } from './core/target.js';

const { values: argv } = parseArgs({
  options: {
    reps: { type: 'string', default: '50' },
    only: { type: 'string' },
    peer: { type: 'string', default: 'peer-drvbench' },
  },
});

const WARMUP = 10;
const SETTLE_MS = 2000;
const STEPS = ['create', 'connect', 'disconnect', 'rm', 'cycle'] as const;
type Step = (typeof STEPS)[number];

/** One create → connect → disconnect → rm cycle; each step's latency and the whole. */
async function cycle(t: Target, name: string, workload: string): Promise<Record<Step, number>> {
  const t0 = process.hrtime.bigint();
  const c = await createNetwork(t, name);
  const con = (await t.api.ok('POST', `${API}/networks/${c.id}/connect`, { Container: workload, EndpointConfig: {} })).ms;
  const dis = (await t.api.ok('POST', `${API}/networks/${c.id}/disconnect`, { Container: workload, Force: false })).ms;
  const rm = await removeNetwork(t, c.id);
  return { create: c.ms, connect: con, disconnect: dis, rm, cycle: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function measureCycles(t: Target, prefix: string, workload: string, reps: number): Promise<Record<Step, number[]>> {
  const out = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
  for (let i = 0; i < WARMUP + reps; i++) {
    const r = await cycle(t, `${prefix}-c${i}`, workload);
    if (i >= WARMUP) for (const s of STEPS) out[s].push(r[s]);
  }
  return out;
}

/** cnmd only: macvlan and bridge connect, interleaved rep by rep so drift hits both alike. */
async function measureMacvlanVsBridge(
  t: Target,
  netns: string,
  tag: string,
  reps: number,
): Promise<{ macvlan: number[]; bridge: number[] }> {
  await run('ip', ['-n', netns, 'link', 'add', 'mvbench0', 'type', 'veth', 'peer', 'name', 'mvbench1']);
  await run('ip', ['-n', netns, 'link', 'set', 'mvbench0', 'up']);
  await run('ip', ['-n', netns, 'link', 'set', 'mvbench1', 'up']);
  const mv = JSON.parse(
    (
      await t.api.ok('POST', `${API}/networks/create`, {
        Name: `${tag}-mv`,
        Driver: 'macvlan',
        Options: { parent: 'mvbench0' },
        IPAM: { Config: [{ Subnet: '10.250.0.0/16' }] },
      })
    ).body,
  ).Id as string;
  const br = (await createNetwork(t, `${tag}-br`)).id;
  const base = (await createNetwork(t, `${tag}-base`)).id;
  const w = await t.addWorkload(`${tag}-mvw`, base);
  const out = { macvlan: [] as number[], bridge: [] as number[] };
  try {
    for (let i = 0; i < WARMUP + reps; i++) {
      for (const [key, id] of [
        ['macvlan', mv],
        ['bridge', br],
      ] as const) {
        const con = (await t.api.ok('POST', `${API}/networks/${id}/connect`, { Container: w, EndpointConfig: {} })).ms;
        await t.api.ok('POST', `${API}/networks/${id}/disconnect`, { Container: w, Force: false });
        if (i >= WARMUP) out[key].push(con);
      }
    }
  } finally {
    await t.removeWorkload(w);
    for (const id of [mv, br, base]) await removeNetwork(t, id);
  }
  return out;
}

const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2));

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  const reps = Number(argv.reps);
  const systems = argv.only ? [argv.only] : ['docker', 'cnm'];
  const tag = `db${process.pid}`;
  const netns = `cnmdrvbench-${process.pid}`;
  const meta = { date: new Date().toISOString(), reps, cpus: os.cpus().length, kernel: os.release(), loadavgStart: os.loadavg() };
  teardownOnSignals();
  const lanes: Array<{ t: Target; home?: string; probe?: string; reused?: string; stats: Record<string, Summary> }> = [];
  for (const s of systems) {
    const t = s === 'docker' ? await startDocker({ peer: argv.peer! }) : await startCnmd({ netns });
    console.error(`${t.version} up`);
    lanes.push({ t, stats: {} });
  }
  const phase = async (title: string, fn: (l: (typeof lanes)[number]) => Promise<void>) => {
    for (const l of lanes) {
      if (tearingDown()) return;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const started = Date.now();
      await fn(l);
      console.error(`${l.t.name}: ${title} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };
  await phase('set-up', async (l) => {
    l.home = (await createNetwork(l.t, `${tag}-home`)).id;
    l.reused = (await createNetwork(l.t, `${tag}-reused`)).id;
    l.probe = await l.t.addWorkload(`${tag}-probe`, l.home);
  });
  await phase('reused network', async (l) => {
    const r = await measureConnectDisconnect(l.t, l.reused!, l.probe!, reps);
    l.stats['reused connect'] = summarize(r.connect);
    l.stats['reused disconnect'] = summarize(r.disconnect);
  });
  await phase('cycle', async (l) => {
    const r = await measureCycles(l.t, tag, l.probe!, reps);
    for (const s of STEPS) l.stats[`cycle ${s}`] = summarize(r[s]);
  });
  for (const l of lanes.filter((x) => x.t.name === 'cnm')) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const r = await measureMacvlanVsBridge(l.t, netns, tag, reps);
    l.stats['connect macvlan'] = summarize(r.macvlan);
    l.stats['connect bridge (same run)'] = summarize(r.bridge);
  }
  await phase('clean-up', async (l) => {
    await removeWorkloads(l.t, [l.probe!], 1);
    for (const id of [l.reused!, l.home!]) await removeNetwork(l.t, id);
  });

  const cnm = lanes.find((l) => l.t.name === 'cnm')?.stats ?? {};
  const docker = lanes.find((l) => l.t.name === 'docker')?.stats ?? {};
  const rows = [...new Set([...Object.keys(docker), ...Object.keys(cnm)])];
  const lines = [
    `reps ${reps}; load average start ${meta.loadavgStart.map((x) => x.toFixed(2)).join(' ')}, end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${meta.cpus} cpus`,
    `${'operation'.padEnd(28)}${'cnm p50'.padStart(10)}${'cnm p99'.padStart(10)}${'docker p50'.padStart(12)}${'docker p99'.padStart(12)}${'docker/cnm'.padStart(12)}`,
    ...rows.map((r) => {
      const c = cnm[r];
      const d = docker[r];
      const ratio = c && d ? d.p50 / c.p50 : undefined;
      return `${r.padEnd(28)}${f(c?.p50).padStart(10)}${f(c?.p99).padStart(10)}${f(d?.p50).padStart(12)}${f(d?.p99).padStart(12)}${(ratio ? ratio.toFixed(1) + 'x' : '-').padStart(12)}`;
    }),
  ];
  console.log('\n' + lines.join('\n'));
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `drivers-${meta.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ meta: { ...meta, loadavgEnd: os.loadavg() }, cnm, docker }, null, 2));
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

runBenchmark(main);
