// How to run a command inside a sandbox: `cnm exec NAME -- argv` on the machine cnmd runs on —
// locally with the bundled CLI, or through ssh for an ssh:// connection.
import type { HostTarget } from './hostUrl.js';

export interface ExecSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface LocalCli {
  /** The Node binary that runs the bundled CLI (the extension host's own). */
  node: string;
  /** dist/cnm.js inside the extension. */
  cli: string;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function execSpec(target: HostTarget, local: LocalCli, sandbox: string, argv: string[], tty: boolean): ExecSpec {
  if (target.kind === 'unix') {
    return { file: local.node, args: [local.cli, 'exec', sandbox, '--', ...argv], env: { CNM_HOST: target.url } };
  }
  const dest = `${target.user ? target.user + '@' : ''}${target.host}`;
  const remote = ['cnm', 'exec', sandbox, '--', ...argv].map(shellQuote).join(' ');
  return {
    file: 'ssh',
    args: [
      ...(target.port ? ['-p', String(target.port)] : []),
      ...(tty ? ['-t'] : []),
      dest,
      `CNM_HOST=unix://${shellQuote(target.socketPath)} ${remote}`,
    ],
    env: {},
  };
}

/** "3 packets transmitted, 3 received, 0% packet loss … rtt min/avg/max/mdev = 0.04/0.05/…" → one line. */
export function summarizePing(output: string): string | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!counts) return undefined;
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(output);
  return `${counts[2]}/${counts[1]} replies${rtt ? `, avg ${rtt[1]} ms` : ''}`;
}
