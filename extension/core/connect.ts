// A CnmClient for a host URL. ssh:// opens its tunnel lazily and again after it drops, so the
// state's reconnect loop covers an unreachable remote the same way as a stopped local daemon.
import type { CnmClient } from './client.js';
import { DockerodeClient } from './dockerClient.js';
import type { HostTarget } from '../../transport/hostUrl.js';
import { openTunnel, type SshEnv, type Tunnel } from '../../transport/sshTunnel.js';

export function clientFor(target: HostTarget, sshEnv: SshEnv): CnmClient {
  if (target.kind === 'unix') return new DockerodeClient(target.socketPath);
  let inner: Promise<{ client: DockerodeClient; tunnel: Tunnel }> | undefined;
  const ensure = () => {
    inner ??= openTunnel(target, { ...sshEnv, onClose: () => (inner = undefined) }).then(
      (tunnel) => ({ tunnel, client: new DockerodeClient(tunnel.socketPath) }),
      (err) => {
        inner = undefined;
        throw err;
      },
    );
    return inner;
  };
  return new Proxy({} as CnmClient, {
    get(_t, prop: keyof CnmClient) {
      if (prop === 'dispose')
        return () =>
          void inner?.then(
            (i) => i.tunnel.close(),
            () => undefined,
          );
      return async (...args: unknown[]) => {
        const { client } = await ensure();
        return (client[prop] as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}
