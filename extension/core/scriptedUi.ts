// A Ui for tests: answers prompts from a script, in order, and records what it was shown.
import type { TerminalOutput } from './terminal.js';
import type { InputOptions, PickOptions, PtySession, TerminalSpec, Ui } from './ui.js';

/** A string answers an input (and is checked by its validator); a function picks from a list. */
export type Answer = string | undefined | ((labels: string[]) => number);

export class ScriptedUi implements Ui {
  infos: string[] = [];
  errors: string[] = [];
  copied: string[] = [];
  terminals: TerminalSpec[] = [];
  outputs: string[] = [];
  /** Messages the validators returned for scripted inputs, in order. */
  validations: Array<string | undefined> = [];
  confirmAnswer = true;
  /** Each confirmation asked: message and detail. */
  confirms: Array<[string, string]> = [];
  /** The action error() answers with (by label), if offered. */
  errorAnswer: string | undefined;

  constructor(private readonly answers: Answer[]) {}

  private next(): Answer {
    if (!this.answers.length) throw new Error('ScriptedUi: no answer left');
    return this.answers.shift();
  }
  async input(o: InputOptions) {
    const a = this.next();
    if (typeof a === 'function') throw new Error(`expected a pick, got input "${o.prompt}"`);
    if (a !== undefined) {
      const msg = o.validate?.(a);
      this.validations.push(msg);
      if (msg) return undefined; // the real box would not let it through
    }
    return a;
  }
  async pick<T>(o: PickOptions<T>) {
    const a = this.next();
    if (a === undefined) return undefined;
    if (typeof a !== 'function') throw new Error(`expected an input, got pick "${o.title}"`);
    const i = a(o.items.map((x) => x.label));
    return i < 0 ? undefined : o.items[i].value;
  }
  async confirm(message: string, detail: string) {
    this.confirms.push([message, detail]);
    return this.confirmAnswer;
  }
  info(m: string) {
    this.infos.push(m);
  }
  async error(m: string, ...actions: string[]) {
    this.errors.push(actions.length ? `${m} [${actions.join('|')}]` : m);
    return this.errorAnswer !== undefined && actions.includes(this.errorAnswer) ? this.errorAnswer : undefined;
  }
  async copy(t: string) {
    this.copied.push(t);
  }
  terminal(s: TerminalSpec) {
    this.terminals.push(s);
  }
  /** Pseudoterminals opened (at 24x80), with what they showed and their exit code once closed. */
  readonly ptys: { name: string; session: PtySession; text: string; exitCode?: number; opened: Promise<void> }[] = [];
  pseudoTerminal(name: string, make: (out: TerminalOutput) => PtySession) {
    const rec = { name, text: '', exitCode: undefined as number | undefined } as ScriptedUi['ptys'][number];
    rec.session = make({ write: (t) => (rec.text += t), close: (c) => (rec.exitCode = c) });
    rec.opened = rec.session.open({ rows: 24, columns: 80 });
    this.ptys.push(rec);
  }
  /** Titles of the progress notifications shown. */
  progresses: string[] = [];
  progress<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.progresses.push(title);
    return work();
  }
  showOutput(_title: string, text: string) {
    this.outputs.push(text);
  }
}

export const label = (want: string) => (labels: string[]) => labels.indexOf(want);
