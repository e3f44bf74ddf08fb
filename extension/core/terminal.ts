// "Open Terminal in Sandbox" as a pseudoterminal over cnmd's exec stream: a shell with a TTY in the
// sandbox, keystrokes in, output out, the editor's size on open and on every resize. Works for any
// connection the client works for (local socket, ssh:// tunnel, Remote-SSH), with no local `cnm`.
import { StringDecoder } from 'node:string_decoder';
import type { ExecHandle } from '../../transport/exec.js';
import type { CnmClient } from './client.js';

export interface Dimensions {
  rows: number;
  columns: number;
}

/** What the editor's terminal shows: text written, and the end with the process's exit code. */
export interface TerminalOutput {
  write(text: string): void;
  close(exitCode: number): void;
}

/** The editor-free half of a VS Code Pseudoterminal (the vscode adapter forwards its calls). */
export class SandboxTerminal {
  private handle?: ExecHandle;
  private pendingSize?: Dimensions;
  /** Keystrokes typed before the exec stream was up. */
  private pendingInput = '';
  private closed = false;

  constructor(
    private readonly client: CnmClient,
    readonly sandbox: string,
    private readonly out: TerminalOutput,
    private readonly command: string[] = ['sh'],
  ) {}

  async open(size?: Dimensions): Promise<void> {
    const decoder = new StringDecoder('utf8'); // a character may be split across chunks
    try {
      this.handle = await this.client.exec(
        this.sandbox,
        { cmd: this.command, tty: true, stdin: true, size: size && { rows: size.rows, cols: size.columns } },
        { stdout: (d) => this.out.write(decoder.write(d)), stderr: (d) => this.out.write(decoder.write(d)) },
      );
    } catch (err) {
      this.out.write(`\x1b[31mcannot open a terminal in ${this.sandbox}: ${(err as Error).message}\x1b[0m\r\n`);
      return this.finish(1);
    }
    if (this.pendingSize) this.resize(this.pendingSize);
    if (this.pendingInput) this.handle.write(this.pendingInput);
    const code = await this.handle.exit.catch(() => 1);
    this.finish(code);
  }

  input(data: string): void {
    if (this.handle) this.handle.write(data);
    else this.pendingInput += data;
  }

  resize(size: Dimensions): void {
    if (!this.handle) return void (this.pendingSize = size);
    void this.handle.resize(size.rows, size.columns).catch(() => undefined);
  }

  /** The editor closed the terminal: end the stream (cnmd hangs up the shell). */
  close(): void {
    this.closed = true;
    this.handle?.endInput();
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.out.close(code);
  }
}

/** Runs a command to completion over exec (no TTY); output is stdout and stderr together. */
export async function execToCompletion(client: CnmClient, sandbox: string, cmd: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  try {
    const h = await client.exec(sandbox, { cmd, tty: false, stdin: false }, { stdout: (d) => (output += d), stderr: (d) => (output += d) });
    return { code: await h.exit, output };
  } catch (err) {
    return { code: 1, output: output + (err as Error).message };
  }
}
