// Issue 13's plugin on issue 10's overlay: two plain Docker engines sharing one cnm overlay. Not part
// of the tests.
//
//   npm run bench:plugin-overlay [-- --reps 10]
//
// Two hosts on a veth underlay with a real etcd (test/integration/overlay-cluster.ts), each with its
// own cnmd (--cluster-store, --docker-plugin) and its own Debian docker.io dockerd 20.10. Measured in
// the same run, reps alternated:
// - `docker run -d --net X` wall time (the CLI returns once the container runs) on host B: X = the
//   shared cnm overlay (`-o cnm.driver=overlay`) vs a cnm plugin bridge network on the same host;
// - reach: from the start of `docker run -d --net multi` on host B until host A's cnm lists the
//   new endpoint (GET /networks/multi on A's socket, polled every 2 ms; by then A's neighbour and
//   FDB entries for it are programmed: the datapath goes before the record).
// Everything is torn down at the end, also on failure.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NetworkResource } from '../model/docker.js';
import { summarize } from './lib/stats.js';
import { UnixHttp } from './lib/unix-http.js';
import { BBOX_IMAGE, type DockerEngine, withEngineCluster } from '../test/integration/docker-engine.js';
import { waitFor } from '../test/integration/wait.js';

const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1] || 10) || 10;
const exec = promisify(execFile);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const line = (label: string, samples: number[]) => {
  const s = summarize(samples);
  return `${label.padEnd(60)} p50 ${s.p50.toFixed(1).padStart(7)} ms   min ${s.min.toFixed(1).padStart(7)}   max ${s.max.toFixed(1).padStart(7)}   (n=${s.n})`;
};

async function main(): Promise<void> {
  await withEngineCluster(['qa', 'qb'], { underlay: `t-pbul-${process.pid}`, net: '10.237.0' }, async (engines) => {
    const [a, b] = engines as [DockerEngine, DockerEngine];
    for (const e of [a, b])
      e.must(
        'network',
        'create',
        '-d',
        e.plugin,
        '--ipam-driver',
        e.plugin,
        '-o',
        'cnm.driver=overlay',
        '--subnet',
        '10.0.9.0/24',
        'multi',
      );
    b.must('network', 'create', '-d', b.plugin, '--ipam-driver', b.plugin, 'local');
    a.must('run', '-d', '--name', 'anchor', '--net', 'multi', BBOX_IMAGE, 'sleep', '3600');

    const api = new UnixHttp(a.host.socket);
    const endpointsOnA = async () => Object.keys((await api.json<NetworkResource>('GET', '/networks/multi')).Containers ?? {}).length;
    const run: Record<string, number[]> = { multi: [], local: [] };
    const reach: number[] = [];
    try {
      for (let i = 0; i < REPS; i++) {
        const t0 = process.hrtime.bigint();
        const started = exec('docker', [
          '-H',
          `unix:///run/${b.host.ns}.sock`,
          'run',
          '-d',
          '--name',
          `m${i}`,
          '--net',
          'multi',
          BBOX_IMAGE,
          'sleep',
          '600',
        ]);
        reach.push(await waitFor('the endpoint on A', 60_000, async () => ((await endpointsOnA()) === 2 ? ms(t0) : undefined), 2));
        await started;
        run.multi!.push(ms(t0));
        const t1 = process.hrtime.bigint();
        b.must('run', '-d', '--name', `l${i}`, '--net', 'local', BBOX_IMAGE, 'sleep', '600');
        run.local!.push(ms(t1));
        b.must('rm', '-f', `m${i}`, `l${i}`);
        await waitFor('the endpoint to leave A', 60_000, async () => ((await endpointsOnA()) === 1 ? true : undefined));
      }
    } finally {
      api.close();
    }

    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const out = [
      `bench/plugin-overlay.ts — ${new Date().toISOString()} — reps ${REPS} — load average ${load}`,
      line('docker run -d --net <cnm plugin overlay, 2 engines>', run.multi!),
      line('docker run -d --net <cnm plugin bridge, same host>', run.local!),
      line("docker run on B started → endpoint in A's cnm (GET /networks)", reach),
    ].join('\n');
    console.log(out);
    fs.mkdirSync(path.resolve(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, 'results', 'plugin-overlay.txt'), out + '\n');
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
