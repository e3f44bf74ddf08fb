// Docker's `-H ssh://user@host[:port][/socket]`: the CLI opens the same SSH tunnel the extension
// uses (transport/sshTunnel.ts: agent and ~/.ssh keys, ~/.ssh/config, known_hosts) to the remote
// cnmd socket and talks to it through a private local socket for the length of one command.
import os from 'node:os';
import { parseHostUrl } from '../../transport/hostUrl.js';
import { openTunnel, type Tunnel } from '../../transport/sshTunnel.js';

/** A tunnel for an ssh:// host; undefined for a unix socket. */
export async function tunnelFor(host: string, env: Record<string, string | undefined>): Promise<Tunnel | undefined> {
  if (!host.startsWith('ssh://')) return undefined;
  const target = parseHostUrl(host);
  if (target.kind !== 'ssh') return undefined;
  return openTunnel(target, { home: env.HOME ?? os.homedir(), agentSocket: env.SSH_AUTH_SOCK, localUser: os.userInfo().username });
}
