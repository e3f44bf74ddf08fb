// cnm exec [-i] [-t] [-e K=V] SANDBOX [--] CMD...: runs CMD inside the sandbox through cnmd's exec API
// (the process is cnmd's child, in the sandbox's namespace with its hosts/resolv.conf), so it works
// over -H ssh://, for a non-root member of the socket's group, and whatever mount namespace cnmd is in.
import { ApiError, DaemonUnreachable } from '../api/client.js';
import { ExecError, startExec, type ExecHandle } from '../../transport/exec.js';
import { UsageError } from './errors.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX [--] COMMAND [ARG...]',
  summary: 'Run a command inside a sandbox',
  args: [2, Infinity],
  stopAtPositional: true,
  flags: [
    { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open and send it to the command' },
    { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
    { name: 'env', short: 'e', type: 'list', value: 'list', help: 'Set environment variables' },
  ],
  async run(args, { client }) {
    const [name, ...rest] = args.positionals;
    const command = rest[0] === '--' ? rest.slice(1) : rest;
    if (!command.length) throw new UsageError('"cnm exec" requires a command after the sandbox name.');
    const tty = args.bool('tty');
    const interactive = args.bool('interactive');
    if (tty && interactive && !process.stdin.isTTY) throw new Error('the input device is not a TTY');
    const out = process.stdout;
    let handle: ExecHandle;
    try {
      handle = await startExec(
        client.socketPath,
        name!,
        {
          cmd: command,
          tty,
          stdin: interactive,
          env: args.list('env'),
          size: tty && out.isTTY ? { rows: out.rows, cols: out.columns } : undefined,
        },
        { stdout: (d) => out.write(d), stderr: (d) => process.stderr.write(d) },
      );
    } catch (err) {
      if (err instanceof ExecError) throw new ApiError(err.status, err.message);
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' ? new DaemonUnreachable(client.host, err) : err;
    }
    return attachTerminal(handle, tty, interactive);
  },
};

/** Wires this process's terminal to the exec: raw keystrokes with a TTY, stdin EOF, window size. */
async function attachTerminal(handle: ExecHandle, tty: boolean, interactive: boolean): Promise<number> {
  const stdin = process.stdin;
  const raw = tty && interactive && stdin.isTTY;
  const onResize = () => void handle.resize(process.stdout.rows, process.stdout.columns).catch(() => {});
  if (raw) stdin.setRawMode(true);
  if (interactive) {
    stdin.on('data', (d: Buffer) => handle.write(d));
    stdin.once('end', () => handle.endInput());
  }
  if (tty && process.stdout.isTTY) process.stdout.on('resize', onResize);
  try {
    return await handle.exit;
  } finally {
    if (raw) stdin.setRawMode(false);
    process.stdout.off('resize', onResize);
    stdin.pause();
  }
}
