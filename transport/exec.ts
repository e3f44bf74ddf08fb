// The client side of exec through cnmd's API, shared by the `cnm exec` CLI and the extension's
// terminal: create the exec on a sandbox, start it on a connection upgraded to a raw stream (Docker's
// hijack), demultiplex stdout/stderr without a TTY, resize, and read the exit code once it ended.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecCreateRequest, ExecInspect } from '../model/exec.js';
import { cnmWording, errorDetailOf } from '../model/errors.js';
import { Demuxer } from './stdcopy.js';

export interface ExecOptions {
  cmd: string[];
  tty: boolean;
  /** Send stdin to the process (Docker's -i). */
  stdin: boolean;
  env?: string[];
  /** The terminal's size when it starts; later changes go through resize. */
  size?: { rows: number; cols: number };
}

export interface ExecHandle {
  readonly id: string;
  /** Bytes for the process's stdin (only with `stdin`). */
  write(data: Buffer | string): void;
  /** Ends stdin (the process sees EOF) while output keeps coming. */
  endInput(): void;
  resize(rows: number, cols: number): Promise<void>;
  /** The exit code once the stream has ended (128 + n for a process killed by signal n). */
  readonly exit: Promise<number>;
}

export interface ExecSinks {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
}

/** An error answer of cnmd, in cnm's wording where the body carries cnm's detail. */
export class ExecError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export async function startExec(socketPath: string, sandbox: string, opts: ExecOptions, sinks: ExecSinks): Promise<ExecHandle> {
  const create: ExecCreateRequest = {
    AttachStdin: opts.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: opts.tty,
    Cmd: opts.cmd,
    Env: opts.env,
    ConsoleSize: opts.size ? [opts.size.rows, opts.size.cols] : undefined,
  };
  const { Id: id } = await jsonCall<{ Id: string }>(socketPath, 'POST', `/cnm/sandboxes/${encodeURIComponent(sandbox)}/exec`, create);
  const socket = await upgrade(socketPath, `/exec/${id}/start`, { Detach: false, Tty: opts.tty });
  const demux = opts.tty ? undefined : new Demuxer((stream, data) => (stream === 2 ? sinks.stderr(data) : sinks.stdout(data)));
  socket.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : sinks.stdout(chunk)));
  // Every error is listened to (a second one must not go unhandled): the first ends the wait.
  const ended = new Promise<void>((resolve, reject) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.on('error', reject);
  });
  const exit = ended.then(() => jsonCall<ExecInspect>(socketPath, 'GET', `/exec/${id}/json`)).then((i) => i.ExitCode ?? 126);
  return {
    id,
    write: (data) => void (socket.writable && socket.write(data)),
    endInput: () => void (socket.writable && socket.end()),
    resize: (rows, cols) => jsonCall<void>(socketPath, 'POST', `/exec/${id}/resize?h=${rows}&w=${cols}`),
    exit,
  };
}

/** POST with Docker's `Connection: Upgrade` / `Upgrade: tcp`; resolves the raw socket after 101. */
function upgrade(socketPath: string, path: string, body: unknown): Promise<Duplex> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath,
      method: 'POST',
      path,
      agent: false, // a connection of its own: it becomes the stream
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'tcp',
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(payload),
      },
    });
    req.once('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.once('response', (res) => void readError(res).then(reject, reject));
    req.on('error', reject);
    req.end(payload);
  });
}

function jsonCall<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        method,
        path,
        // No keep-alive pool: a pooled socket the daemon just closed fails the next call (EPIPE).
        agent: false,
        headers: payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        if ((res.statusCode ?? 500) >= 400) return void readError(res).then(reject, reject);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve((text.trim() ? JSON.parse(text) : undefined) as T));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function readError(res: http.IncomingMessage): Promise<ExecError> {
  let text = '';
  for await (const c of res) text += c;
  const status = res.statusCode ?? 500;
  try {
    const body = JSON.parse(text) as { message?: string };
    const detail = errorDetailOf(body);
    return new ExecError(status, detail ? cnmWording(detail) : (body.message ?? text));
  } catch {
    return new ExecError(status, text.trim() || `HTTP ${status}`);
  }
}
