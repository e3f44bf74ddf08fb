// What command logic asks of the editor. The vscode adapter implements it with quick picks,
// notifications and terminals; unit tests script it.
import type { Dimensions, TerminalOutput } from './terminal.js';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface InputOptions {
  title: string;
  prompt: string;
  placeholder?: string;
  value?: string;
  step?: number;
  totalSteps?: number;
  /** Runs on every keystroke; a returned message blocks submit. */
  validate?(value: string): string | undefined;
}

export interface PickOptions<T> {
  title: string;
  placeholder?: string;
  items: PickItem<T>[];
  step?: number;
  totalSteps?: number;
}

export interface TerminalSpec {
  name: string;
  shellPath: string;
  shellArgs: string[];
  env?: Record<string, string>;
}

/** A terminal's session as the editor drives it (a VS Code Pseudoterminal's calls). */
export interface PtySession {
  open(size?: Dimensions): Promise<void>;
  input(data: string): void;
  resize(size: Dimensions): void;
  close(): void;
}

export interface Ui {
  input(o: InputOptions): Promise<string | undefined>;
  pick<T>(o: PickOptions<T>): Promise<T | undefined>;
  /** A modal confirmation; true when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  info(message: string): void;
  /** Shows an error; resolves to the action chosen, if any. */
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  copy(text: string): Promise<void>;
  terminal(spec: TerminalSpec): void;
  /** A terminal whose process is `make`'s session (no local shell): output and exit come through `out`. */
  pseudoTerminal(name: string, make: (out: TerminalOutput) => PtySession): void;
  /** Runs `work` while a progress notification titled `title` shows. */
  progress<T>(title: string, work: () => Promise<T>): Promise<T>;
  /** Long text (a command's output) where the user can read it. */
  showOutput(title: string, text: string): void;
}
