// The Ui interface on VS Code: input boxes with live validation and step counters, quick picks,
// modal confirmations, terminals and an output channel.
import * as vscode from 'vscode';
import type { TerminalOutput } from '../core/terminal.js';
import type { InputOptions, PickOptions, PtySession, TerminalSpec, Ui } from '../core/ui.js';

/** Shows a quick input and resolves once: with what `accept` yields, or undefined when hidden. */
function settle<T>(
  w: vscode.QuickInput & { onDidAccept: vscode.Event<void> },
  accept: () => { value: T } | undefined,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: T | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      w.dispose();
    };
    w.onDidAccept(() => {
      const r = accept();
      if (r) finish(r.value);
    });
    w.onDidHide(() => finish(undefined));
    w.show();
  });
}

export class VscodeUi implements Ui {
  private output: vscode.OutputChannel | undefined;

  input(o: InputOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: o.title,
      prompt: o.prompt,
      placeholder: o.placeholder,
      value: o.value ?? '',
      step: o.step,
      totalSteps: o.totalSteps,
      ignoreFocusOut: true,
    });
    const check = (v: string) => (box.validationMessage = o.validate?.(v));
    box.onDidChangeValue(check);
    return settle(box, () => (check(box.value) ? undefined : { value: box.value }));
  }

  pick<T>(o: PickOptions<T>): Promise<T | undefined> {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
    Object.assign(qp, {
      title: o.title,
      placeholder: o.placeholder,
      step: o.step,
      totalSteps: o.totalSteps,
      items: o.items,
      ignoreFocusOut: true,
    });
    return settle(qp, () => ({ value: qp.selectedItems[0]?.value }));
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
  progress<T>(title: string, work: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work));
  }
  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }
  async error(message: string, ...actions: string[]): Promise<string | undefined> {
    return vscode.window.showErrorMessage(message, ...actions);
  }
  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${text.length > 40 ? text.slice(0, 40) + '…' : text}`, 2000);
  }
  terminal(s: TerminalSpec): void {
    vscode.window.createTerminal({ name: s.name, shellPath: s.shellPath, shellArgs: s.shellArgs, env: s.env }).show();
  }
  pseudoTerminal(name: string, make: (out: TerminalOutput) => PtySession): void {
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<number>();
    const session = make({ write: (t) => write.fire(t), close: (code) => close.fire(code) });
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: (d) => void session.open(d && { rows: d.rows, columns: d.columns }),
      close: () => {
        session.close();
        write.dispose();
        close.dispose();
      },
      handleInput: (data) => session.input(data),
      setDimensions: (d) => session.resize({ rows: d.rows, columns: d.columns }),
    };
    vscode.window.createTerminal({ name, pty }).show();
  }
  showOutput(title: string, text: string): void {
    this.output ??= vscode.window.createOutputChannel('Container Networks');
    this.output.appendLine(`── ${title}`);
    this.output.appendLine(text);
  }
  dispose(): void {
    this.output?.dispose();
  }
}
