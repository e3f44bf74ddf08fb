// Docker 20.10 as the peer: a real dockerd in a network namespace of its own, started and stopped
// with the project's peer scripts (bench/peers/), with the busybox image imported so that the
// "workloads" are real running containers, as Docker users have them.
import fs from 'node:fs';
import { UnixHttp, waitReady } from '../lib/unix-http.js';
import { peerScript } from '../lib/peers.js';
import { run } from '../lib/sh.js';
import { onTeardown } from '../lib/teardown.js';
import { API, type Target } from './target.js';

const IMAGE = 'bbox:local';
const BBOX_TAR = '/var/tmp/cnm-bbox.tar';

export interface DockerOptions {
  /** Peer name: netns, /var/lib/<name>, /run/<name>.sock. Unique per concurrent benchmark. */
  peer: string;
  /** More dockerd flags (e.g. --userland-proxy=false). */
  dockerdArgs?: string[];
}

export async function startDocker(opts: DockerOptions): Promise<Target> {
  // A leftover of an earlier, killed run under the same name would be silently reused by docker-up.sh.
  await run(peerScript('docker-down.sh'), [opts.peer, '--purge'], { allowFail: true });
  onTeardown(`docker-down ${opts.peer}`, async () => {
    await run(peerScript('docker-down.sh'), [opts.peer, '--purge']);
  });
  await run(peerScript('docker-up.sh'), [opts.peer, ...(opts.dockerdArgs ?? [])]);
  const api = new UnixHttp(`/run/${opts.peer}.sock`);
  onTeardown('close docker client', async () => api.close());
  await waitReady(api, `${API}/_ping`, 30_000);
  await importImage(opts.peer);
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
 * Imports the busybox rootfs tarball as bbox:local, built first if missing. The build renames the
 * finished file into place, so a run starting beside another never reads a half-written one.
 */
async function importImage(peer: string): Promise<void> {
  if (!fs.existsSync(BBOX_TAR)) await run(peerScript('mk-bbox-rootfs.sh'), [BBOX_TAR]);
  await run('docker', ['-H', `unix:///run/${peer}.sock`, 'import', '-c', 'CMD ["/bin/sh"]', BBOX_TAR, IMAGE]);
}
