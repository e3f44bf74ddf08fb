// The status bar item: which connection is active and whether it answers; a click switches.
import * as vscode from 'vscode';
import type { Reachability } from '../core/state.js';

export interface VersionMismatch {
  helper: string;
  extension: string;
}

export function statusText(label: string, r: Reachability, mismatch?: VersionMismatch): { text: string; tooltip: string } {
  if (r.state === 'connected' && mismatch)
    return {
      text: `$(warning) cnm: ${label} · helper ${mismatch.helper}`,
      tooltip: `Container Networks: the helper is ${mismatch.helper}, the extension ${mismatch.extension}. Click to upgrade the helper.`,
    };
  if (r.state === 'connected')
    return { text: `$(vm-active) cnm: ${label}`, tooltip: `Container Networks: connected to ${label} (${r.version})` };
  if (r.state === 'connecting') return { text: `$(sync~spin) cnm: ${label}`, tooltip: `Container Networks: connecting to ${label}` };
  return { text: `$(debug-disconnect) cnm: ${label}`, tooltip: `Container Networks: ${label} unreachable — ${r.error.message}` };
}

export class StatusBar {
  private readonly item = vscode.window.createStatusBarItem('cnm.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Container Networks';
    this.item.command = 'cnm.switchConnection';
    this.item.show();
  }

  update(label: string, r: Reachability, mismatch?: VersionMismatch): void {
    Object.assign(this.item, statusText(label, r, mismatch));
    this.item.command = mismatch ? 'cnm.installHelper' : 'cnm.switchConnection';
    this.item.backgroundColor =
      r.state === 'unreachable' || mismatch ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
