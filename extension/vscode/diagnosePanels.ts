// The why panel (one per pair, reused) and the matrix panel (one per scope). A click on a matrix
// cell opens the why panel of that pair; "Run again" asks cnmd again.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import { renderMatrixHtml, renderWhyHtml } from '../core/diagnoseHtml.js';

type Rerun<T> = () => Promise<T | undefined>;
interface Open<T> {
  panel: vscode.WebviewPanel;
  html: string;
  rerun: Rerun<T>;
}

const nonce = () => randomBytes(16).toString('base64');

export class DiagnosePanels {
  private readonly whys = new Map<string, Open<WhyReport>>();
  private readonly matrices = new Map<string, Open<ReachabilityMatrix>>();

  constructor(private readonly whyOf: (from: string, to: string) => Promise<WhyReport | undefined>) {}

  showWhy(r: WhyReport, rerun: Rerun<WhyReport>): void {
    const key = `${r.from.sandbox}→${r.to.text}${r.port ? `:${r.port.port}/${r.port.proto}` : ''}`;
    const open =
      this.whys.get(key) ??
      this.panel(this.whys, key, `Why: ${r.from.sandbox} → ${r.to.text}`, rerun, (o, m) => {
        if (m.type === 'rerun') void this.refresh(o, (x) => renderWhyHtml(x, o.panel.webview.cspSource, nonce()));
      });
    open.rerun = rerun;
    this.set(open, renderWhyHtml(r, open.panel.webview.cspSource, nonce()));
  }

  showMatrix(m: ReachabilityMatrix, scope: string, rerun: Rerun<ReachabilityMatrix>): void {
    const open =
      this.matrices.get(scope) ??
      this.panel(this.matrices, scope, `Reachability: ${scope}`, rerun, (o, msg) => {
        if (msg.type === 'rerun') void this.refresh(o, (x) => renderMatrixHtml(x, scope, o.panel.webview.cspSource, nonce()));
        if (msg.type === 'why' && msg.from && msg.to) {
          const ask = () => this.whyOf(msg.from!, msg.to!);
          void ask().then((r) => r && this.showWhy(r, ask));
        }
      });
    open.rerun = rerun;
    this.set(open, renderMatrixHtml(m, scope, open.panel.webview.cspSource, nonce()));
  }

  /** The current page of an open panel (e2e tests read it). */
  htmlOf(kind: 'why' | 'matrix', key: string): string | undefined {
    return (kind === 'why' ? this.whys : this.matrices).get(key)?.html;
  }

  private panel<T>(
    into: Map<string, Open<T>>,
    key: string,
    title: string,
    rerun: Rerun<T>,
    onMessage: (o: Open<T>, m: { type?: string; from?: string; to?: string }) => void,
  ): Open<T> {
    const panel = vscode.window.createWebviewPanel('cnm.diagnose', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    const open: Open<T> = { panel, html: '', rerun };
    panel.webview.onDidReceiveMessage((m) => onMessage(open, m as { type?: string }));
    panel.onDidDispose(() => into.delete(key));
    into.set(key, open);
    return open;
  }

  private async refresh<T>(o: Open<T>, render: (t: T) => string): Promise<void> {
    try {
      const t = await o.rerun();
      if (t !== undefined) this.set(o, render(t));
    } catch (err) {
      void vscode.window.showErrorMessage(`cnm why: ${(err as Error).message}`);
    }
  }

  private set<T>(o: Open<T>, html: string): void {
    o.html = html;
    o.panel.webview.html = html;
    o.panel.reveal();
  }

  dispose(): void {
    for (const { panel } of [...this.whys.values(), ...this.matrices.values()]) panel.dispose();
  }
}
