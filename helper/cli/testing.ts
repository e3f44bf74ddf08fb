// Test helper: runs the CLI in-process against a harness socket, capturing stdout and stderr.
import { run } from './main.js';
import type { CliIo } from './verb.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], opts: { host?: string; input?: string[] } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const input = [...(opts.input ?? [])];
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readLine: async () => input.shift() ?? '',
    env: { CNM_HOST: opts.host },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
