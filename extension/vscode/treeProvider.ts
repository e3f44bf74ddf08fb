// Maps tree.ts nodes to VS Code TreeItems. The node list is rebuilt on each state change.
import * as vscode from 'vscode';
import type { Icon, TreeNode } from '../core/tree.js';

export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] | undefined;

  constructor(
    private readonly build: () => TreeNode[],
    private readonly mediaUri: vscode.Uri,
  ) {}

  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.children;
    return (this.roots ??= this.build());
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const state =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip ? new vscode.MarkdownString(node.tooltip) : undefined;
    item.contextValue = node.contextValue;
    item.iconPath = this.icon(node.icon);
    if (node.command) item.command = { command: node.command.id, title: node.label, arguments: [node, ...node.command.args] };
    return item;
  }

  private icon(i: Icon): vscode.TreeItem['iconPath'] {
    if ('codicon' in i) return new vscode.ThemeIcon(i.codicon, i.color ? new vscode.ThemeColor(i.color) : undefined);
    const file = ['bridge', 'overlay', 'macvlan', 'host', 'null'].includes(i.driver) ? i.driver : 'network';
    return {
      light: vscode.Uri.joinPath(this.mediaUri, 'light', `${file}.svg`),
      dark: vscode.Uri.joinPath(this.mediaUri, 'dark', `${file}.svg`),
    };
  }
}
