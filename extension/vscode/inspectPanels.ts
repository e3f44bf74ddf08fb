// One inspect webview per network, reused when already open, re-rendered when the network (or
// its sandboxes) change in the daemon state.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderInspectHtml } from '../core/inspectHtml.js';
import type { DaemonState, Snapshot } from '../core/state.js';

export class InspectPanels {
  /** key: what the page was rendered from, so an unchanged network does not reload the webview. */
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; html: string; key: string }>();

  constructor(private readonly getState: () => DaemonState) {}

  /** Called by the extension whenever the state emits. */
  update(s: Snapshot): void {
    for (const id of this.panels.keys()) this.render(id, s);
  }

  show(networkId: string): void {
    const open = this.panels.get(networkId);
    if (open) {
      open.panel.reveal();
      return;
    }
    const name = this.getState().current.networks.find((n) => n.Id === networkId)?.Name ?? networkId.slice(0, 12);
    const panel = vscode.window.createWebviewPanel('cnm.inspect', `Network: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    panel.webview.onDidReceiveMessage((m: { type?: string; text?: string }) => {
      if (m.type === 'copy' && typeof m.text === 'string')
        void vscode.env.clipboard.writeText(m.text).then(() => vscode.window.setStatusBarMessage('Copied network JSON', 2000));
    });
    panel.onDidDispose(() => this.panels.delete(networkId));
    this.panels.set(networkId, { panel, html: '', key: '' });
    this.render(networkId, this.getState().current);
  }

  /** The current page of an open panel (tests read it). */
  htmlOf(networkId: string): string | undefined {
    return this.panels.get(networkId)?.html;
  }

  private render(id: string, s: Snapshot): void {
    const entry = this.panels.get(id)!;
    const network = s.networks.find((n) => n.Id === id);
    if (!network) {
      entry.panel.title = `${entry.panel.title.replace(/ \(removed\)$/, '')} (removed)`;
      return;
    }
    const cluster = network.Scope === 'global' ? s.cluster : undefined;
    const key = JSON.stringify([network, s.sandboxes, s.networks.map((n) => n.Name), cluster]);
    if (key === entry.key) return;
    const nonce = randomBytes(16).toString('base64');
    const page = renderInspectHtml({
      network,
      all: s.networks,
      sandboxes: s.sandboxes,
      cluster,
      cspSource: entry.panel.webview.cspSource,
      nonce,
    });
    Object.assign(entry, { key, html: page });
    entry.panel.title = `Network: ${network.Name}`;
    entry.panel.webview.html = page;
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
  }
}
