// Running setup commands (never measured): peer scripts, apt-get, ip netns.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Resolve instead of reject on a non-zero exit. */
  allowFail?: boolean;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Own process group: a Ctrl-C at the terminal reaches only the bench, which then tears down in
    // order instead of having its helpers killed half-way.
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'], env: opts.env ?? process.env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const res = { code: code ?? -1, stdout, stderr };
      if (res.code !== 0 && !opts.allowFail) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${res.code}\n${stderr.trim() || stdout.trim()}`));
      } else resolve(res);
    });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a child that exits without reading its input
      child.stdin?.end(opts.input);
    }
  });
}

export async function commandExists(name: string): Promise<boolean> {
  return (await run('sh', ['-c', `command -v ${name}`], { allowFail: true })).code === 0;
}

/**
 * Installs the Debian packages whose marker command is missing. apt-get update only when the first
 * install attempt fails, so a machine that has everything never touches the network.
 */
export async function ensurePackages(wanted: Record<string, string>): Promise<void> {
  const missing: string[] = [];
  for (const [pkg, marker] of Object.entries(wanted)) if (!(await commandExists(marker))) missing.push(pkg);
  if (missing.length === 0) return;
  console.error(`installing ${missing.join(' ')} …`);
  const args = ['install', '-y', '--no-install-recommends', ...missing];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await run('apt-get', args, { allowFail: true, env })).code === 0) return;
  await run('apt-get', ['update'], { env });
  await run('apt-get', args, { env });
}

/** Runs async jobs with at most `limit` in flight; used for unmeasured bulk setup. */
export async function pool<T>(items: readonly T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
