// One exec: a process started inside a sandbox and wired to an upgraded API connection. With a TTY
// the process gets a pseudo-terminal (node-pty) and the stream is raw both ways; without, stdout and
// stderr are framed with stdcopy and the client's half-close ends stdin. Output is flushed before the
// connection is closed, so the client reads the exit code only after everything was delivered.
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import type { IPty } from 'node-pty';
import type { ExecCreateRequest, ExecInspect } from '../../model/exec.js';
import { frame } from '../../transport/stdcopy.js';
import { CnmError } from '../errors.js';
import { log } from '../log.js';

type PtyModule = typeof import('node-pty');
let ptyModule: Promise<PtyModule> | undefined;
/** node-pty is native; loaded on the first TTY exec so a cnmd built without it still serves the rest. */
function loadPty(): Promise<PtyModule> {
  ptyModule ??= import('node-pty').catch((err: unknown) => {
    ptyModule = undefined;
    throw new CnmError(
      'unsupported',
      `exec with a TTY needs the node-pty package, which this cnmd cannot load: ${(err as Error).message}`,
      {
        call: 'node-pty',
      },
    );
  });
  return ptyModule;
}

export interface SpawnPlan {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Docker's 128 + signal number for a process killed by a signal. */
const signalExit = (signal: NodeJS.Signals | number | null | undefined): number =>
  128 + (typeof signal === 'number' ? signal : signal ? (os.constants.signals[signal] ?? 0) : 0);

export class ExecSession {
  running = false;
  exitCode: number | null = null;
  pid = 0;
  started = false;
  endedAt = 0;
  private pty?: IPty;
  private size: { rows: number; cols: number };

  constructor(
    readonly id: string,
    readonly sandboxId: string,
    readonly config: ExecCreateRequest,
    private readonly plan: SpawnPlan,
  ) {
    const [rows, cols] = config.ConsoleSize ?? [24, 80];
    this.size = { rows: rows || 24, cols: cols || 80 };
  }

  /**
   * Starts the process and wires it to `socket`. `ready` sends the 101 answer: called once nothing
   * can fail any more with an HTTP error, just before the first byte of the stream.
   */
  async start(socket: Duplex, ready: () => void): Promise<void> {
    const pty = this.config.Tty ? await loadPty() : undefined;
    this.started = true;
    this.running = true;
    ready();
    if (pty) this.startTty(pty, socket);
    else this.startPiped(socket);
  }

  /** Starts without a stream (Docker's Detach): output is dropped. */
  async startDetached(): Promise<void> {
    this.started = true;
    const child = spawn(this.plan.argv[0]!, this.plan.argv.slice(1), {
      env: this.plan.env,
      cwd: this.plan.cwd,
      stdio: 'ignore',
      detached: true,
    });
    await this.spawned(child);
    child.once('exit', (code, signal) => this.exited(code ?? signalExit(signal)));
    child.unref();
  }

  resize(rows: number, cols: number): void {
    this.size = { rows, cols };
    this.pty?.resize(cols, rows);
  }

  inspect(): ExecInspect {
    const [entrypoint = '', ...args] = this.config.Cmd;
    return {
      ID: this.id,
      Running: this.running,
      ExitCode: this.exitCode,
      ProcessConfig: { tty: !!this.config.Tty, entrypoint, arguments: args, privileged: false, user: '' },
      OpenStdin: !!this.config.AttachStdin,
      OpenStderr: !!this.config.AttachStderr,
      OpenStdout: !!this.config.AttachStdout,
      CanRemove: false,
      ContainerID: this.sandboxId,
      DetachKeys: '',
      Pid: this.pid,
    };
  }

  private startTty({ spawn: ptySpawn }: PtyModule, socket: Duplex): void {
    let pty: IPty;
    try {
      pty = ptySpawn(this.plan.argv[0]!, this.plan.argv.slice(1), {
        name: this.plan.env.TERM ?? 'xterm',
        cols: this.size.cols,
        rows: this.size.rows,
        cwd: this.plan.cwd,
        env: this.plan.env,
        encoding: null,
      } as Parameters<typeof ptySpawn>[2]);
    } catch (err) {
      socket.end(`cnm exec: cannot start ${this.config.Cmd[0]}: ${(err as Error).message}\r\n`);
      return this.exited(126);
    }
    this.pty = pty;
    this.pid = pty.pid;
    pty.onData((d) => void socket.write(d as unknown as Buffer));
    if (this.config.AttachStdin) socket.on('data', (d: Buffer) => pty.write(d as unknown as string)).resume();
    socket.on('error', () => {});
    // The client ended its side or went away: the terminal is gone, as a hang-up tells a shell.
    const hangUp = () => this.running && pty.kill('SIGHUP');
    socket.once('end', hangUp);
    socket.once('close', hangUp);
    pty.onExit(({ exitCode, signal }) => {
      // node-pty reports the exit before the last output read from the master: let it drain.
      setTimeout(() => {
        this.exited(signal ? signalExit(signal) : exitCode);
        socket.end();
      }, 20);
    });
  }

  private startPiped(socket: Duplex): void {
    const child = spawn(this.plan.argv[0]!, this.plan.argv.slice(1), {
      env: this.plan.env,
      cwd: this.plan.cwd,
      stdio: [this.config.AttachStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.pid = child.pid ?? 0;
    child.stdout!.on('data', (d: Buffer) => socket.write(frame(1, d)));
    child.stderr!.on('data', (d: Buffer) => socket.write(frame(2, d)));
    if (child.stdin) {
      socket.pipe(child.stdin);
      child.stdin.on('error', () => {}); // the process closed its stdin early: the rest is dropped
    }
    socket.on('error', () => {});
    socket.once('close', () => {
      if (this.running) child.kill('SIGTERM');
    });
    child.once('error', (err) => {
      socket.write(frame(2, Buffer.from(`cnm exec: ${err.message}\n`)));
      this.exited(127);
      socket.end();
    });
    // 'close': the process exited and its stdout/stderr are drained.
    child.once('close', (code, signal) => {
      this.exited(code ?? signalExit(signal));
      socket.end();
    });
  }

  private spawned(child: ReturnType<typeof spawn>): Promise<void> {
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        this.pid = child.pid ?? 0;
        this.running = true;
        resolve();
      });
      child.once('error', (err) =>
        reject(new CnmError('internal', `cannot start ${this.config.Cmd[0]}: ${err.message}`, { call: 'exec' }, err)),
      );
    });
  }

  private exited(code: number): void {
    if (this.exitCode !== null) return;
    this.running = false;
    this.exitCode = code;
    this.endedAt = Date.now();
    log('info', 'exec ended', { exec: this.id.slice(0, 12), sandbox: this.sandboxId.slice(0, 12), exitCode: code });
  }
}
