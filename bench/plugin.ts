// Issue 13: cnm as a Docker plugin and exec through the API, against Docker 20.10 in the same run.
//
//   npm run bench:plugin            (or: node --import tsx bench/plugin.ts [--reps 10])
//
// One "host" namespace runs a real cnmd with --docker-plugin and Docker 20.10 (bench/peers/
// docker-up.sh) side by side, plus sshd (Debian's openssh-server) on its loopback. Measured, reps
// alternated so load drift hits both sides alike:
// - `docker run -d --net X` wall time (the CLI returns once the container runs) on a network of the
//   cnm plugin vs one of Docker's own bridge driver;
// - exec round trip of `true`: `cnm exec` (the CLI process, as a user runs it) locally and with
//   -H ssh:// (a fresh SSH session each time, as Docker's ssh:// does), the API round trip alone
//   from a live client, and `docker exec` (its CLI).
// Everything is torn down at the end, also on failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CNM, TestHost } from '../test/integration/host.js';
import { SshPeer } from '../test/integration/sshd.js';
import { startExec } from '../transport/exec.js';
import { summarize } from './lib/stats.js';

const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1] || 10) || 10;
const PEERS = path.resolve(__dirname, 'peers');
const plugin = `cnmb${process.pid}`;
const pluginSocket = `/run/docker/plugins/${plugin}.sock`;
const dockerLink = `/run/cnmb${process.pid}-docker.sock`;
const image = `cnm-bbox-bench`;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return ms(t0);
}
async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return ms(t0);
}
const line = (label: string, samples: number[]) => {
  const s = summarize(samples);
  return `${label.padEnd(52)} p50 ${s.p50.toFixed(1).padStart(7)} ms   min ${s.min.toFixed(1).padStart(7)}   max ${s.max.toFixed(1).padStart(7)}   (n=${s.n})`;
};

async function main(): Promise<void> {
  const host = await TestHost.start('pbench', { daemonArgs: [`--docker-plugin=${pluginSocket}`, '--docker-host', dockerLink] });
  let ssh: SshPeer | undefined;
  const docker = (...args: string[]) =>
    execFileSync('docker', ['-H', `unix://${dockerLink}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    execFileSync('bash', [path.join(PEERS, 'docker-up.sh'), host.ns, '--bridge', 'none'], { stdio: 'ignore' });
    fs.symlinkSync(`/run/${host.ns}.sock`, dockerLink);
    const tar = '/var/tmp/cnm-bbox.tar';
    if (!fs.existsSync(tar)) execFileSync('bash', [path.join(PEERS, 'mk-bbox-rootfs.sh'), tar], { stdio: 'ignore' });
    docker('import', tar, image);
    docker('network', 'create', '-d', plugin, '--ipam-driver', plugin, 'cnmnet');
    docker('network', 'create', '-d', 'bridge', '--subnet', '10.196.0.0/16', 'dbnet');

    // docker run start-to-running, alternating the two networks.
    const run: Record<string, number[]> = { cnmnet: [], dbnet: [] };
    for (let i = 0; i < REPS; i++) {
      for (const net of ['cnmnet', 'dbnet'])
        run[net]!.push(timed(() => docker('run', '-d', '--name', `${net}${i}`, '--net', net, image, 'sleep', '600')));
    }

    // exec round trips of `true`.
    host.mustCnm('network', 'create', 'xnet');
    host.mustCnm('sandbox', 'create', 'xs', '--net', 'xnet');
    ssh = await SshPeer.start(host);
    const url = `ssh://root@127.0.0.1:${ssh.port}${host.socket}`;
    const apiTrue = (sock: string) =>
      startExec(sock, 'xs', { cmd: ['true'], tty: false, stdin: false }, { stdout: () => {}, stderr: () => {} }).then((h) => h.exit);
    const ex: Record<string, number[]> = { cli: [], cliSsh: [], api: [], docker: [] };
    for (let i = 0; i < REPS; i++) {
      ex.cli!.push(timed(() => execFileSync(process.execPath, [CNM, '-H', host.hostUrl, 'exec', 'xs', 'true'])));
      ex.cliSsh!.push(timed(() => ssh!.cli(url, 'exec', 'xs', 'true')));
      ex.api!.push(await timedAsync(() => apiTrue(host.socket)));
      ex.docker!.push(timed(() => docker('exec', 'dbnet0', 'true')));
    }

    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const out = [
      `bench/plugin.ts — ${new Date().toISOString()} — reps ${REPS} — load average ${load}`,
      line('docker run -d --net <cnm plugin network>', run.cnmnet!),
      line("docker run -d --net <Docker's bridge network>", run.dbnet!),
      line('cnm exec xs true (CLI process, local socket)', ex.cli!),
      line('cnm -H ssh://… exec xs true (CLI, new SSH session)', ex.cliSsh!),
      line('exec API round trip of true (live client, local)', ex.api!),
      line('docker exec <container> true (docker CLI)', ex.docker!),
    ].join('\n');
    console.log(out);
    fs.mkdirSync(path.resolve(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, 'results', 'plugin.txt'), out + '\n');
  } finally {
    ssh?.stop();
    execFileSync('bash', [path.join(PEERS, 'docker-down.sh'), host.ns, '--purge'], { stdio: 'ignore' });
    fs.rmSync(dockerLink, { force: true });
    fs.rmSync(pluginSocket, { force: true });
    await host.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
