// A throwaway "host" for integration tests: a network namespace of its own running its own cnmd
// (own socket, state dir, run dir). Everything it made is removed by `destroy()`, also when the
// test failed: cnmd, the sandbox namespaces it created (by their instance prefix), their
// /etc/netns files, and the host namespace with every link and rule inside it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { netnsPrefixFor } from '../../helper/cnmd/ownership.js';

const ROOT = path.resolve(__dirname, '../..');
export const CNMD = path.join(ROOT, 'dist/cnmd.js');
export const CNM = path.join(ROOT, 'dist/cnm.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeout?: number } = {},
): Run {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    input: opts.input,
    cwd: opts.cwd,
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

export function mustSh(cmd: string, args: string[]): string {
  const r = sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

let counter = 0;

export class TestHost {
  readonly ns: string;
  readonly dir: string;
  readonly socket: string;
  readonly stateDir: string;
  readonly runDir: string;
  private proc: ChildProcess | undefined;
  private log = '';
  /** More cnmd flags (e.g. --cluster-store), given to every start. */
  private daemonArgs: string[] = [];

  private constructor(label: string) {
    this.ns = `t-${label}-${process.pid}-${counter++}`;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `cnm-${label}-`));
    this.socket = path.join(this.dir, 'cnmd.sock');
    this.stateDir = path.join(this.dir, 'state');
    this.runDir = path.join(this.dir, 'run');
    fs.mkdirSync(this.stateDir);
    // Only a loopback upstream, which the embedded DNS skips: names it does not know fail at once
    // (SERVFAIL) instead of being sent towards the machine's real resolver.
    fs.writeFileSync(path.join(this.dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  }

  /**
   * Makes the namespace and starts cnmd in it; waits until the API answers. `setup` runs in between
   * (e.g. to give the namespace an underlay link); `daemonArgs` are more cnmd flags.
   */
  static async start(label: string, opts: { daemonArgs?: string[]; setup?: (h: TestHost) => void } = {}): Promise<TestHost> {
    const h = new TestHost(label);
    h.daemonArgs = opts.daemonArgs ?? [];
    mustSh('ip', ['netns', 'add', h.ns]);
    mustSh('ip', ['-n', h.ns, 'link', 'set', 'lo', 'up']);
    try {
      opts.setup?.(h);
      await h.startDaemon();
    } catch (err) {
      await h.destroy();
      throw err;
    }
    return h;
  }

  /** The sandbox-namespace prefix cnmd derives from its state dir (see helper/cnmd/main.ts). */
  get netnsPrefix(): string {
    return netnsPrefixFor(this.stateDir);
  }

  get hostUrl(): string {
    return `unix://${this.socket}`;
  }

  /** Starts cnmd; `env` adds to the environment (e.g. CNM_FAILPOINTS). */
  async startDaemon(env: NodeJS.ProcessEnv = {}): Promise<void> {
    // nsenter, not `ip netns exec`: the latter gives cnmd a private mount namespace, and the
    // sandbox namespaces it bind-mounts under /run/netns would be invisible outside it.
    this.proc = spawn(
      'nsenter',
      [
        `--net=/run/netns/${this.ns}`,
        process.execPath,
        CNMD,
        '--socket',
        this.socket,
        '--state-dir',
        this.stateDir,
        '--run-dir',
        this.runDir,
        '--resolv-conf',
        path.join(this.dir, 'resolv.conf'),
        ...this.daemonArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    );
    this.proc.stdout!.on('data', (d) => (this.log += d));
    this.proc.stderr!.on('data', (d) => (this.log += d));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`cnmd exited with ${this.proc.exitCode}: ${this.log}`);
      if (await this.ping()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`cnmd did not answer within 20 s: ${this.log}`);
  }

  /** How cnmd ended (`SIGKILL`, `exit 1`), waiting up to `ms`; undefined while it runs. */
  async exited(ms: number): Promise<string | undefined> {
    const p = this.proc;
    if (!p) return 'not started';
    if (p.exitCode === null && p.signalCode === null)
      await Promise.race([new Promise((r) => p.once('exit', r)), new Promise((r) => setTimeout(r, ms))]);
    return p.signalCode ?? (p.exitCode === null ? undefined : `exit ${p.exitCode}`);
  }

  /** cnmd's pid while it runs (nsenter execs it, so the child's pid is cnmd's). */
  get daemonPid(): number | undefined {
    return this.proc?.exitCode === null ? this.proc.pid : undefined;
  }

  daemonLog(): string {
    return this.log;
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ socketPath: this.socket, path: '/_ping' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
    });
  }

  /** Stops cnmd: SIGTERM (clean) or SIGKILL (a crash). */
  async stopDaemon(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.proc = undefined;
  }

  /** Runs the real `cnm` CLI against this host. */
  cnm(...args: string[]): Run {
    return sh(process.execPath, [CNM, '-H', this.hostUrl, ...args]);
  }

  mustCnm(...args: string[]): string {
    const r = this.cnm(...args);
    if (r.code !== 0) throw new Error(`cnm ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout.trim();
  }

  /** Runs a command inside this host's namespace (not a sandbox's). */
  inHost(cmd: string, ...args: string[]): Run {
    return sh('ip', ['netns', 'exec', this.ns, cmd, ...args]);
  }

  /** Removes everything this host made; keeps going past failures and reports them. */
  async destroy(): Promise<void> {
    const problems: string[] = [];
    await this.stopDaemon('SIGKILL');
    let prefix = '';
    try {
      prefix = this.netnsPrefix;
    } catch {
      // state dir never made
    }
    if (prefix) {
      for (const name of fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : []) {
        if (!name.startsWith(prefix)) continue;
        const r = sh('ip', ['netns', 'delete', name]);
        if (r.code !== 0) problems.push(`netns ${name}: ${r.stderr}`);
      }
      for (const name of fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns') : []) {
        if (name.startsWith(prefix)) fs.rmSync(path.join('/etc/netns', name), { recursive: true, force: true });
      }
    }
    const r = sh('ip', ['netns', 'delete', this.ns]);
    if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`netns ${this.ns}: ${r.stderr}`);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`cleanup of ${this.ns} failed: ${problems.join('; ')}`);
  }
}

/** Runs `cmd` inside a sandbox through `cnm exec`, as a user would. */
/** Veth pairs inside the host's namespace, both ends up (stand-ins for a VPN's tun0, a macvlan parent). */
export function vethPairs(h: TestHost, pairs: Array<[string, string]>): void {
  for (const [a, b] of pairs) {
    mustSh('ip', ['-n', h.ns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    mustSh('ip', ['-n', h.ns, 'link', 'set', a, 'up']);
    mustSh('ip', ['-n', h.ns, 'link', 'set', b, 'up']);
  }
}

export function execIn(host: TestHost, sandbox: string, ...cmd: string[]): Run {
  return host.cnm('exec', sandbox, '--', ...cmd);
}

export function pingOk(host: TestHost, sandbox: string, ip: string): boolean {
  return execIn(host, sandbox, 'ping', '-c1', '-W1', ip.split('/')[0]).code === 0;
}
