// The published-ports table (`cnm port ls` in a webview): one panel, re-read from cnmd whenever
// the daemon state changes while it is open.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DaemonState } from '../core/state.js';
import { renderPortsHtml } from '../core/ports.js';

export class PortsPanel {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly getState: () => DaemonState) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.panel = vscode.window.createWebviewPanel('cnm.ports', 'Published Ports', vscode.ViewColumn.Active, { localResourceRoots: [] });
    this.panel.onDidDispose(() => (this.panel = undefined));
    void this.update();
  }

  /** Called by the extension whenever the state emits. */
  async update(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const ports = await this.getState()
      .client.publishedPorts()
      .catch(() => undefined);
    panel.webview.html = renderPortsHtml(ports ?? [], { cspSource: panel.webview.cspSource, nonce: randomBytes(16).toString('base64') });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
