// Issue 2's benchmark: network create / rm / connect / disconnect and connect at 10 and 500
// workloads, against cnmd and a real Docker 20.10 in the same run, through the same measuring code.
//   node --import tsx bench/core.ts [--reps 50] [--n 500] [--budget 300] [--only cnm|docker]
// Phases alternate between the systems (docker, then cnm, for each phase), so load drift on the
// machine hits both alike.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmark, teardownOnSignals, tearingDown } from './lib/teardown.js';
import { startDocker } from './core/docker.js';
import { startCnmd } from './core/cnmd.js';
import { createNetwork, measureConnectDisconnect, measureCreateRm, populate, removeNetwork, removeWorkloads } from './core/measure.js';
import { buildReport, formatReport, writeReport, type SystemRun } from './core/report.js';
import type { Target } from './core/target.js';

const { values: argv } = parseArgs({
  options: {
    reps: { type: 'string', default: '50' },
    n: { type: 'string', default: '500' },
    budget: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    only: { type: 'string' },
    peer: { type: 'string', default: 'peer-corebench' },
    help: { type: 'boolean', short: 'h' },
  },
});

const USAGE = `usage: node --import tsx bench/core.ts [options]
  --reps R          timed reps per operation (default 50)
  --n N             workloads on the network for the large "connect @N" point (default 500)
  --budget S        seconds allowed per system to put the N workloads in place (default 300);
                    a system that is slower stops at the count reached, and the table says so
  --concurrency C   workloads created in parallel during that (unmeasured) set-up (default 4)
  --only cnm|docker run one system only
  --peer NAME       netns/dockerd name for the Docker peer (default peer-corebench)`;

const int = (s: string | undefined, what: string): number => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${what} must be a positive integer`);
  return v;
};

/** Pause before each system's phase; the same for both systems. */
const SETTLE_MS = 2000;

/** Per-system state carried across phases. */
interface Lane {
  t: Target;
  run: SystemRun;
  networks: string[];
  /** Workloads on the "pop" network, for the connect @10 / @N points. */
  popIds: string[];
  probe?: string;
  netB?: string;
  pop?: string;
}

async function main(): Promise<void> {
  if (argv.help) return void console.log(USAGE);
  if (process.getuid?.() !== 0) throw new Error('run as root: both daemons need CAP_NET_ADMIN and namespaces');
  const reps = int(argv.reps, 'reps');
  const want = int(argv.n, 'n');
  const budgetMs = int(argv.budget, 'budget') * 1000;
  const conc = int(argv.concurrency, 'concurrency');
  const systems = argv.only ? [argv.only] : ['docker', 'cnm'];
  if (!systems.every((s) => s === 'docker' || s === 'cnm')) throw new Error('--only takes cnm or docker');
  const tag = `cb${process.pid}`;
  const meta = {
    date: new Date().toISOString(),
    reps,
    nGoal: want,
    budgetS: budgetMs / 1000,
    host: { cpus: os.cpus().length, kernel: os.release(), loadavgStart: os.loadavg() },
    node: process.version,
  };

  teardownOnSignals();
  const lanes: Lane[] = [];
  for (const s of systems) {
    const started = Date.now();
    const t = s === 'docker' ? await startDocker({ peer: argv.peer! }) : await startCnmd({ netns: `cnmbench-${process.pid}` });
    console.error(`${t.version} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    lanes.push({ t, run: { system: t.name, version: t.version, series: {}, scaleN: 0 }, networks: [], popIds: [] });
  }

  /**
   * Runs one phase on every lane still healthy (or on every lane, for clean-up); a failure ends
   * that lane, not the benchmark.
   */
  const phase = async (title: string, fn: (l: Lane) => Promise<void>, always = false): Promise<void> => {
    for (const l of lanes) {
      if ((l.run.error && !always) || tearingDown()) continue;
      // Let the previous phase's background work (the other daemon's clean-up, the kernel's
      // deferred link teardown) finish, so it does not land in this system's figures.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const started = Date.now();
      try {
        await fn(l);
        console.error(`${l.t.name}: ${title} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (e) {
        if (tearingDown()) return; // the failure is the interruption itself
        const msg = `${title}: ${(e as Error).message}`;
        l.run.error ??= msg;
        console.error(`${l.t.name}: ${msg}`);
      }
    }
  };
  const net = async (l: Lane, name: string): Promise<string> => {
    const { id } = await createNetwork(l.t, `${tag}-${name}`);
    l.networks.push(id);
    return id;
  };

  await phase('set-up', async (l) => {
    const a = await net(l, 'a');
    l.netB = await net(l, 'b');
    l.pop = await net(l, 'pop');
    l.probe = await l.t.addWorkload(`${tag}-probe`, a);
  });
  await phase('network create/rm', async (l) => {
    const r = await measureCreateRm(l.t, tag, reps);
    l.run.series['network create'] = r.create;
    l.run.series['network rm'] = r.rm;
  });
  await phase('connect/disconnect', async (l) => {
    const r = await measureConnectDisconnect(l.t, l.netB!, l.probe!, reps);
    l.run.series.connect = r.connect;
    l.run.series.disconnect = r.disconnect;
  });
  const scalePoint = (n: number, op: 'connect @10' | 'connect @N') => async (l: Lane) => {
    await populate(l.t, l.pop!, tag, l.popIds, n, budgetMs, conc);
    l.run.scaleN = l.popIds.length;
    l.run.series[op] = (await measureConnectDisconnect(l.t, l.pop!, l.probe!, reps)).connect;
  };
  await phase('connect @10', scalePoint(10, 'connect @10'));
  await phase(`connect @${want}`, scalePoint(want, 'connect @N'));
  // Also after a failure: sandboxes left in cnmd would otherwise wait for the teardown sweep.
  const cleanUp = async (l: Lane): Promise<void> => {
    await removeWorkloads(l.t, [...(l.probe ? [l.probe] : []), ...l.popIds], conc);
    for (const id of l.networks) await removeNetwork(l.t, id);
  };
  await phase('clean-up', cleanUp, true);

  if (tearingDown()) return; // interrupted: the daemons are gone, the figures incomplete
  const report = buildReport(
    lanes.map((l) => l.run),
    { ...meta, loadavgEnd: os.loadavg() },
  );
  console.log('\n' + formatReport(report));
  const file = writeReport(report, path.join(__dirname, 'results'));
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
  if (lanes.some((l) => l.run.error)) process.exitCode = 1;
}

runBenchmark(main);
