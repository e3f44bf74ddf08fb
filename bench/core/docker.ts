// Docker 20.10 as the peer: a real dockerd in a network namespace of its own, started and stopped
// with the shared peer scripts (../shared/peers/lib), with the busybox image imported so that the
// "workloads" are real running containers, as Docker users have them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnixHttp, waitReady } from '../lib/unix-http.js';
import { ensurePackages, run } from '../lib/sh.js';
import { onTeardown } from '../lib/teardown.js';
import { API, type Target } from './target.js';

const PEERS = process.env.CNM_PEERS_DIR ?? path.resolve(__dirname, '../../../shared/peers');
const IMAGE = 'bbox:local';
const BBOX_TAR = '/var/tmp/bbox.tar';

export interface DockerOptions {
  /** Peer name: netns, /var/lib/<name>, /run/<name>.sock. Unique per concurrent benchmark. */
  peer: string;
}

export async function startDocker(opts: DockerOptions): Promise<Target> {
  await ensurePackages({ 'docker.io': 'dockerd', 'busybox-static': 'busybox', iproute2: 'ip' });
  const lib = (s: string): string => path.join(PEERS, 'lib', s);
  if (!fs.existsSync(lib('docker-up.sh'))) throw new Error(`peer scripts not found in ${PEERS} (set CNM_PEERS_DIR)`);

  // A leftover of an earlier, killed run under the same name would be silently reused by docker-up.sh.
  await run(lib('docker-down.sh'), [opts.peer, '--purge'], { allowFail: true });
  onTeardown(`docker-down ${opts.peer}`, async () => {
    await run(lib('docker-down.sh'), [opts.peer, '--purge']);
  });
  await run(lib('docker-up.sh'), [opts.peer]);
  const api = new UnixHttp(`/run/${opts.peer}.sock`);
  onTeardown('close docker client', async () => api.close());
  await waitReady(api, `${API}/_ping`, 30_000);
  await importImage(opts.peer, lib('mk-bbox-rootfs.sh'));
  const v = await api.json<{ Version: string }>('GET', `${API}/version`);

  return {
    name: 'docker',
    api,
    version: `Docker ${v.Version}`,
    async addWorkload(name, network) {
      const c = await api.json<{ Id: string }>('POST', `${API}/containers/create?name=${encodeURIComponent(name)}`, {
        Image: IMAGE,
        Cmd: ['sleep', '3600'],
        HostConfig: { NetworkMode: network },
      });
      await api.ok('POST', `${API}/containers/${c.Id}/start`);
      return c.Id;
    },
    async removeWorkload(id) {
      await api.ok('DELETE', `${API}/containers/${id}?force=1`);
    },
  };
}

/**
 * Imports the busybox rootfs tarball as bbox:local. The tarball is shared with other peer benchmarks,
 * so it is built under a lock and copied before import: another run rebuilding it cannot hand us a
 * half-written file.
 */
async function importImage(peer: string, mkRootfs: string): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-bench-bbox-'));
  try {
    const copy = path.join(tmp, 'bbox.tar');
    await run('flock', [
      '/var/tmp/bbox.lock',
      'sh',
      '-c',
      `[ -s ${BBOX_TAR} ] || "$0" >/dev/null; cp ${BBOX_TAR} "$1"`,
      mkRootfs,
      copy,
    ]);
    await run('docker', ['-H', `unix:///run/${peer}.sock`, 'import', '-c', 'CMD ["/bin/sh"]', copy, IMAGE]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
