// Exec instances on sandboxes (Docker's exec API on cnm's sandboxes): create validates and records
// who asked, start spawns the process inside the sandbox's namespace, resize and inspect act on the
// record. Finished execs are kept for a while so a client can read the exit code, then forgotten.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { SandboxView } from '../../model/cnm.js';
import type { Caller, ExecCreateRequest, ExecInspect } from '../../model/exec.js';
import { CnmError, invalid } from '../errors.js';
import { log } from '../log.js';
import { execArgv, execEnv } from './argv.js';
import { ExecSession } from './session.js';

/** How long an ended exec stays inspectable. */
const KEEP_ENDED_MS = 5 * 60_000;

export class ExecManager {
  private readonly sessions = new Map<string, ExecSession>();

  constructor(private readonly lookup: (idOrName: string) => SandboxView) {}

  create(sandbox: string, req: ExecCreateRequest, caller: Caller): { Id: string } {
    if (!Array.isArray(req.Cmd) || req.Cmd.length === 0 || !req.Cmd.every((a) => typeof a === 'string'))
      throw invalid('No exec command specified');
    if (req.Env !== undefined && (!Array.isArray(req.Env) || !req.Env.every((e) => typeof e === 'string')))
      throw invalid('Env must be a list of "NAME=value" strings');
    const view = this.lookup(sandbox);
    this.forgetEnded();
    const id = randomBytes(32).toString('hex');
    const session = new ExecSession(id, view.id, req, {
      argv: execArgv(view, view.hostname || view.name, req.Cmd),
      env: execEnv(view.hostname || view.name, !!req.Tty, req.Env),
      cwd: req.WorkingDir || '/',
    });
    this.sessions.set(id, session);
    // Exec runs anything as root inside the sandbox: every one is logged with who asked.
    log('info', 'exec created', {
      exec: id.slice(0, 12),
      sandbox: view.name,
      cmd: req.Cmd,
      tty: !!req.Tty,
      callerUid: caller.uid,
      callerPid: caller.pid,
    });
    return { Id: id };
  }

  inspect(id: string): ExecInspect {
    return this.get(id).inspect();
  }

  /** Starts the exec on an upgraded connection (`ready` sends the 101), or detached without one. */
  async start(id: string, stream?: { socket: Duplex; ready: () => void }): Promise<void> {
    const session = this.get(id);
    if (session.started) throw new CnmError('conflict', `Exec command ${id} ${session.running ? 'is already running' : 'has already run'}`);
    await (stream ? session.start(stream.socket, stream.ready) : session.startDetached());
  }

  resize(id: string, rows: number, cols: number): void {
    if (!(rows > 0 && cols > 0 && rows < 65536 && cols < 65536))
      throw invalid(`invalid terminal size ${rows}x${cols}: h and w are positive numbers`);
    this.get(id).resize(rows, cols);
  }

  private get(id: string): ExecSession {
    const session = this.sessions.get(id);
    if (!session) throw new CnmError('not-found', `No such exec instance: ${id}`);
    return session;
  }

  private forgetEnded(): void {
    const before = Date.now() - KEEP_ENDED_MS;
    for (const [id, s] of this.sessions) if (s.endedAt && s.endedAt < before) this.sessions.delete(id);
  }
}
