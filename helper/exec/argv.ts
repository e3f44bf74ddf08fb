// The program and arguments that run a command inside a sandbox, as cnmd spawns it. A sandbox with
// its own namespace goes through `ip netns exec`, which also bind-mounts /etc/netns/<ns>/{hosts,
// resolv.conf} (the sandbox's files, written by cnmd) over /etc in a private mount namespace. cnmd
// runs it itself, so the namespace is found in cnmd's own mount namespace whatever the caller's.
// A sandbox on the host network runs in cnmd's own namespace (nsenter into the file cnmd names).
// A sandbox with its own namespace also gets a private UTS namespace holding its hostname, so
// `hostname` answers as in `docker exec` (as Docker, --net host keeps the host's name).
import path from 'node:path';
import { HOST_NETNS, type SandboxView } from '../../model/cnm.js';

export function execArgv(sandbox: Pick<SandboxView, 'netnsPath' | 'netnsFile'>, hostname: string, command: string[]): string[] {
  if (sandbox.netnsPath === HOST_NETNS) return sandbox.netnsFile ? ['nsenter', `--net=${sandbox.netnsFile}`, '--', ...command] : command;
  // The name and the command travel as arguments ($0, $@), never through the shell's parser.
  const uts = ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', hostname];
  return ['ip', 'netns', 'exec', path.basename(sandbox.netnsPath), ...uts, ...command];
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker's exec environment: PATH, HOSTNAME, TERM with a TTY, then the caller's Env (which wins). */
export function execEnv(hostname: string, tty: boolean, extra: string[] = []): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: hostname, HOME: '/root' };
  if (tty) env.TERM = 'xterm';
  for (const kv of extra) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}
