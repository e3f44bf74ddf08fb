// cnm exec SANDBOX [--] CMD...: runs CMD on this machine inside the sandbox's network namespace.
// `ip netns exec` also bind-mounts /etc/netns/<ns>/{hosts,resolv.conf}, which is where cnmd writes
// the sandbox's files. A sandbox on the host network runs CMD in cnmd's own namespace (nsenter
// into the file cnmd names), which is the CLI's own when both run in the root namespace.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { HOST_NETNS, type SandboxView } from '../../model/cnm.js';
import { UsageError } from './errors.js';
import type { Verb } from './verb.js';

/** The program and arguments that run `command` inside the sandbox. */
export function execArgv(sandbox: Pick<SandboxView, 'netnsPath' | 'netnsFile'>, command: string[]): string[] {
  if (sandbox.netnsPath === HOST_NETNS) return sandbox.netnsFile ? ['nsenter', `--net=${sandbox.netnsFile}`, '--', ...command] : command;
  return ['ip', 'netns', 'exec', path.basename(sandbox.netnsPath), ...command];
}

/** Runs argv with the terminal inherited; resolves the exit code (128 + signal number if killed). */
export function runInherited(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
  });
}

export const verb: Verb = {
  usage: 'SANDBOX [--] COMMAND [ARG...]',
  summary: 'Run a command inside a sandbox',
  args: [2, Infinity],
  stopAtPositional: true,
  flags: [],
  async run(args, { client }) {
    const [name, ...rest] = args.positionals;
    const command = rest[0] === '--' ? rest.slice(1) : rest;
    if (!command.length) throw new UsageError('"cnm exec" requires a command after the sandbox name.');
    return runInherited(execArgv(await client.inspectSandbox(name!), command));
  },
};
