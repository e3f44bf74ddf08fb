// cnmd as the system under test: dist/cnmd.js started inside a fresh network namespace of its own
// (acting as the "host", as the integration tests do), with private socket, state and run dirs.
// Workloads are cnm sandboxes (POST /cnm/sandboxes/create), the counterpart of Docker's containers.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnixHttp, waitReady } from '../lib/unix-http.js';
import { ensurePackages, run } from '../lib/sh.js';
import { onTeardown } from '../lib/teardown.js';
import { API, type Target } from './target.js';

export const CNMD_JS = path.resolve(__dirname, '../../dist/cnmd.js');

export interface CnmdOptions {
  /** Name of the host namespace made for cnmd (under /run/netns). */
  netns: string;
}

export async function startCnmd(opts: CnmdOptions): Promise<Target> {
  if (!fs.existsSync(CNMD_JS)) throw new Error(`${CNMD_JS} missing: run \`npm run build\` first`);
  await ensurePackages({ iproute2: 'ip', 'util-linux': 'nsenter', nftables: 'nft' });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-corebench-'));
  onTeardown(`remove ${dir}`, async () => {
    // cnmd may bind-mount namespace files under its run dir; a mount point cannot be unlinked.
    for (const m of mountsUnder(dir)) await run('umount', ['-l', m], { allowFail: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await run('ip', ['netns', 'add', opts.netns]);
  onTeardown(`delete netns ${opts.netns}`, async () => {
    await run('ip', ['netns', 'del', opts.netns]);
  });
  await run('ip', ['-n', opts.netns, 'link', 'set', 'lo', 'up']);

  const sandboxes = new Set<string>(); // alive now
  const created = new Set<string>(); // ever made in this run
  // Registered before cnmd starts, so it runs after cnmd is stopped: sandbox namespaces left behind
  // (by a cnmd that died mid-way, or a leak) are deleted here, and only ours (by their sandbox id).
  onTeardown('sweep sandbox namespaces', async () => sweepSandboxNetns(created));

  const sock = path.join(dir, 'cnmd.sock');
  const log = fs.openSync(path.join(dir, 'cnmd.log'), 'a');
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${opts.netns}`,
      process.execPath,
      CNMD_JS,
      '--socket',
      sock,
      '--state-dir',
      path.join(dir, 'state'),
      '--run-dir',
      path.join(dir, 'run'),
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  fs.closeSync(log);
  onTeardown('stop cnmd', () => stop(child));
  const api = new UnixHttp(sock);
  onTeardown('close cnmd client', async () => api.close());
  try {
    await waitReady(api, `${API}/_ping`, 20_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\ncnmd log:\n${tail(path.join(dir, 'cnmd.log'))}`);
  }
  // Sandboxes still there at teardown (an aborted run) are removed through cnmd while it runs.
  onTeardown('remove sandboxes', async () => {
    for (const id of sandboxes) await api.request('DELETE', `/cnm/sandboxes/${id}?force=1`).catch(() => undefined);
  });
  const v = await api.json<{ Version?: string }>('GET', `${API}/version`).catch(() => ({ Version: undefined }));

  return {
    name: 'cnm',
    api,
    version: `cnmd ${v.Version ?? '?'}`,
    async addWorkload(name, network) {
      const r = await api.json<{ Id?: string; id?: string }>('POST', '/cnm/sandboxes/create', { Name: name, Network: network });
      const id = r.Id ?? r.id;
      if (!id) throw new Error(`POST /cnm/sandboxes/create answered without an Id: ${JSON.stringify(r)}`);
      sandboxes.add(id);
      created.add(id);
      return id;
    },
    async removeWorkload(id) {
      await api.ok('DELETE', `/cnm/sandboxes/${id}?force=1`);
      sandboxes.delete(id);
    },
  };
}

/** SIGTERM (cnmd's orderly shutdown), SIGKILL after 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), 10_000).unref());
  if ((await Promise.race([exited, timer])) === 'late') {
    console.error('cnmd did not stop within 10 s of SIGTERM; killing it');
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Deletes /run/netns/cnm-*-<id 12> and their /etc/netns/ files for the sandbox ids this run
 * created (ARCHITECTURE.md's naming).
 */
async function sweepSandboxNetns(ids: ReadonlySet<string>): Promise<void> {
  if (ids.size === 0) return;
  const short = new Set([...ids].map((id) => id.slice(0, 12)));
  const ours = (dir: string) =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((ns) => ns.startsWith('cnm-') && short.has(ns.slice(-12))) : [];
  const left = ours('/run/netns');
  if (left.length) console.error(`cnmd left ${left.length} sandbox namespace(s) behind (e.g. ${left[0]}); deleting them`);
  for (const ns of left) await run('ip', ['netns', 'del', ns], { allowFail: true });
  for (const dir of ours('/etc/netns')) fs.rmSync(`/etc/netns/${dir}`, { recursive: true, force: true });
}

function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m): m is string => !!m && m.startsWith(dir + '/'))
    .sort()
    .reverse();
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
