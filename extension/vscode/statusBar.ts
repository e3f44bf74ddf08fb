// The status bar items: which connection is active and whether it answers (a click switches), and,
// only while the daemon's cluster store is degraded, a warning naming it (a click shows the Hosts view).
import * as vscode from 'vscode';
import type { ClusterView } from '../../model/cnm.js';
import { clusterStatus } from '../core/cluster.js';
import type { Reachability } from '../core/state.js';
import { healMessage, type HealEvent } from '../../model/heal.js';

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
  private readonly cluster = vscode.window.createStatusBarItem('cnm.cluster', vscode.StatusBarAlignment.Left, 49);
  private clusterShown = false;

  constructor() {
    this.item.name = 'Container Networks';
    this.item.command = 'cnm.switchConnection';
    this.item.show();
    this.cluster.name = 'Container Networks: cluster store';
    this.cluster.command = 'cnm.hosts.focus';
    this.cluster.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  updateCluster(c: ClusterView | null | undefined): void {
    const shown = clusterStatus(c);
    this.clusterShown = !!shown;
    if (!shown) return this.cluster.hide();
    Object.assign(this.cluster, shown);
    this.cluster.show();
  }

  /** What the cluster item shows now; undefined while hidden (the e2e suite reads it). */
  get clusterItem(): { text: string; tooltip: string } | undefined {
    return this.clusterShown ? { text: this.cluster.text, tooltip: String(this.cluster.tooltip) } : undefined;
  }

  update(label: string, r: Reachability, mismatch?: VersionMismatch): void {
    Object.assign(this.item, statusText(label, r, mismatch));
    this.item.command = mismatch ? 'cnm.installHelper' : 'cnm.switchConnection';
    this.item.backgroundColor =
      r.state === 'unreachable' || mismatch ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  /** A heal cnmd did: a status-bar message; damage it could not undo by itself: a warning. */
  heal(e: HealEvent): void {
    if (e.Action === 'heal' || e.Action === 'repair') vscode.window.setStatusBarMessage(`$(tools) ${healMessage(e)}`, 10_000);
    else void vscode.window.showWarningMessage(`Container Networks: ${healMessage(e)}`);
  }

  dispose(): void {
    this.item.dispose();
    this.cluster.dispose();
  }
}
