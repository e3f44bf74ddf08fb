// Extension entry: wires the editor-free core (state, tree, commands) to VS Code's views,
// commands, webviews, status bar and the language client. One connection at a time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import { Commands } from './core/commands.js';
import { clientFor } from './core/connect.js';
import { describeConnectionError } from './core/connectionErrors.js';
import { DEFAULT_HOST, hostLabel, hostShortLabel, parseHostUrl, resolveHostUrl, type HostTarget } from '../transport/hostUrl.js';
import { versionMismatch, type InstallHost } from './core/install.js';
import { DaemonState } from './core/state.js';
import { hostsTree, networksTree, sandboxesTree, type Grouping, type TreeNode } from './core/tree.js';
import { socketFacts, startCommand } from './vscode/connectionHelp.js';
import { InspectPanels } from './vscode/inspectPanels.js';
import { PortsPanel } from './vscode/portsPanel.js';
import { DiagnoseCommands } from './core/diagnoseCommands.js';
import { moveNetwork } from './core/moveNetwork.js';
import { DiagnosePanels } from './vscode/diagnosePanels.js';
import { startLanguageClient } from './vscode/languageClient.js';
import { StatusBar } from './vscode/statusBar.js';
import { NodeTreeProvider } from './vscode/treeProvider.js';
import { VscodeUi } from './vscode/vscodeUi.js';

const RECENT_KEY = 'cnm.recentHosts';

/** What the extension exports, for the integration tests and the benchmark. */
export interface CnmExtensionApi {
  readonly state: DaemonState;
  readonly target: HostTarget;
  readonly commands: Commands;
  readonly trees: Record<'networks' | 'sandboxes' | 'hosts', NodeTreeProvider>;
  readonly panels: InspectPanels;
  readonly status: StatusBar;
  readonly diagnose: { commands: DiagnoseCommands; panels: DiagnosePanels };
  readonly activationMs: number;
}

let languageClient: LanguageClient | undefined;

export function activate(ctx: vscode.ExtensionContext): CnmExtensionApi {
  const t0 = performance.now();
  const ui = new VscodeUi();
  const status = new StatusBar();
  const cfg = () => vscode.workspace.getConfiguration('cnm');
  const dist = (f: string) => vscode.Uri.joinPath(ctx.extensionUri, 'dist', f).fsPath;
  const cli = { node: process.execPath, cli: dist('cnm.js') };
  const media = vscode.Uri.joinPath(ctx.extensionUri, 'media');
  const install: InstallHost = {
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    extensionVersion: String(ctx.extension.packageJSON.version),
    electron: !!process.versions.electron,
  };
  const settings = () => ({
    grouping: cfg().get<Grouping>('networks.groupBy', 'none'),
    hideBuiltins: cfg().get<boolean>('networks.hideBuiltins', false),
  });

  let target: HostTarget = parseHostUrl(DEFAULT_HOST);
  let state!: DaemonState;
  let commands!: Commands;
  const trees = {
    networks: new NodeTreeProvider(() => networksTree(state.current, hostShortLabel(target), settings(), target.url), media),
    sandboxes: new NodeTreeProvider(() => sandboxesTree(state.current), media),
    hosts: new NodeTreeProvider(() => hostsTree(state.current), media),
  };
  const panels = new InspectPanels(() => state);
  const portsPanel = new PortsPanel(() => state);
  const diagnosePanels = new DiagnosePanels((from, to) => state.client.why(from, to));
  const diagnose = new DiagnoseCommands({
    get state() {
      return state;
    },
    ui,
    showWhy: (r, rerun) => diagnosePanels.showWhy(r, rerun),
    showMatrix: (m, scope, rerun) => diagnosePanels.showMatrix(m, scope, rerun),
  });
  let connectionSub: { dispose(): void } | undefined;

  const problem = () => {
    const r = state.current.reachability;
    return r.state === 'unreachable'
      ? describeConnectionError(r.error, target, socketFacts, startCommand(cli.node, dist('cnmd.js'), target.socketPath))
      : undefined;
  };
  const showConnectionHelp = async () => {
    const p = problem();
    if (!p) return;
    const action = await ui.error(p.message, ...(p.startCommand ? ['Install Helper…', 'Start cnmd'] : []), 'Switch Connection…');
    if (action === 'Install Helper…') await commands.installHelper();
    else if (action === 'Start cnmd' && p.startCommand) {
      const term = vscode.window.createTerminal({ name: 'cnmd' });
      term.sendText(p.startCommand);
      term.show();
    } else if (action === 'Switch Connection…') await vscode.commands.executeCommand('cnm.switchConnection');
  };

  const connect = () => {
    connectionSub?.dispose();
    state?.dispose();
    const url = resolveHostUrl(cfg().get<string>('host'), process.env);
    try {
      target = parseHostUrl(url);
    } catch (err) {
      void ui.error(`cnm.host: ${(err as Error).message}; using ${DEFAULT_HOST}`);
      target = parseHostUrl(DEFAULT_HOST);
    }
    state = new DaemonState(
      clientFor(target, { home: os.homedir(), agentSocket: process.env.SSH_AUTH_SOCK, localUser: os.userInfo().username }),
    );
    commands = new Commands({
      state,
      ui,
      target,
      cli,
      install,
      showInspect: (id) => panels.show(id),
      showPorts: () => portsPanel.show(),
      // asExternalUri: on a remote (ssh) host VS Code forwards the port and returns the local URL.
      openExternal: async (url) => void (await vscode.env.openExternal(await vscode.env.asExternalUri(vscode.Uri.parse(url)))),
    });
    let warned = false;
    let offeredUpgrade = false;
    const healSub = state.onHeal((e) => status.heal(e));
    const changeSub = state.onChange((s) => {
      Object.values(trees).forEach((t) => t.refresh());
      panels.update(s);
      void portsPanel.update();
      const mismatch = versionMismatch(install.extensionVersion, s.reachability, s.info);
      status.update(hostLabel(target), s.reachability, mismatch ? { helper: mismatch, extension: install.extensionVersion } : undefined);
      status.updateCluster(s.reachability.state === 'connected' ? s.cluster : undefined);
      if (mismatch && !offeredUpgrade && target.kind === 'unix') {
        offeredUpgrade = true; // once per connection; the status bar keeps offering it
        void ui
          .error(`The cnm helper is version ${mismatch}, this extension ${install.extensionVersion}.`, 'Upgrade Helper')
          .then((a) => (a ? commands.installHelper() : undefined));
      }
      void vscode.commands.executeCommand('setContext', 'cnm.connected', s.reachability.state === 'connected');
      if (s.reachability.state === 'unreachable' && !warned) {
        warned = true; // once per connection; the tree row and status bar keep saying it
        void showConnectionHelp();
      } else if (s.reachability.state === 'connected') warned = false;
    });
    connectionSub = { dispose: () => (healSub.dispose(), changeSub.dispose()) };
    status.update(hostLabel(target), state.current.reachability);
    status.updateCluster(undefined);
    Object.values(trees).forEach((t) => t.refresh());
    void state.start();
  };

  const switchConnection = async () => {
    const recent = ctx.globalState.get<string[]>(RECENT_KEY, []);
    const candidates = [
      ...new Set([target.url, DEFAULT_HOST, ...(fs.existsSync('/var/run/docker.sock') ? ['unix:///var/run/docker.sock'] : []), ...recent]),
    ];
    const ENTER = '\0enter';
    const picked = await ui.pick({
      title: 'Switch Connection',
      placeholder: `Current: ${target.url}`,
      items: [
        ...candidates.map((c) => ({ label: c, description: c === target.url ? 'current' : undefined, value: c })),
        { label: '$(edit) Enter a unix:// or ssh:// URL…', value: ENTER },
      ],
    });
    const url =
      picked === ENTER
        ? await ui.input({
            title: 'Switch Connection',
            prompt: 'unix:///path/to/socket or ssh://user@host[:port][/path/to/socket]',
            validate: (v) => {
              try {
                parseHostUrl(v.trim());
                return undefined;
              } catch (e) {
                return (e as Error).message;
              }
            },
          })
        : picked;
    if (!url) return;
    await ctx.globalState.update(RECENT_KEY, [url.trim(), ...recent.filter((r) => r !== url.trim())].slice(0, 8));
    await cfg().update('host', url.trim(), vscode.ConfigurationTarget.Global);
  };

  type Handler = (node?: TreeNode) => unknown;
  const handlers: Record<string, Handler> = {
    'cnm.createNetwork': () => commands.createNetwork(),
    'cnm.removeNetwork': (n) => commands.removeNetwork(n),
    'cnm.disconnectAllAndRemove': (n) => commands.disconnectAllAndRemove(n),
    'cnm.installHelper': () => commands.installHelper(),
    'cnm.pruneNetworks': () => commands.prune(),
    'cnm.inspectNetwork': (n) => commands.inspect(n),
    'cnm.connectSandbox': (n) => commands.connectSandbox(n),
    'cnm.disconnect': (n) => commands.disconnect(n),
    'cnm.copyIp': (n) => commands.copyIp(n),
    'cnm.copyId': (n) => commands.copyId(n),
    'cnm.createSandbox': () => commands.createSandbox(),
    'cnm.removeSandbox': (n) => commands.removeSandbox(n),
    'cnm.openTerminal': (n) => commands.openTerminal(n),
    'cnm.attachContainer': () => commands.attachContainer(),
    'cnm.ping': (n) => commands.ping(n),
    'cnm.openInBrowser': (n) => commands.openInBrowser(n),
    'cnm.showPorts': () => commands.showPorts(),
    'cnm.why': (n) => diagnose.why(n),
    'cnm.reachabilityMatrix': (n) => diagnose.matrix(n),
    'cnm.moveNetwork': (n) => moveNetwork({ state, ui }, n),
    // The title bar's button: the whole host, whatever row is selected.
    'cnm.reachabilityMatrixAll': () => diagnose.matrix(),
    'cnm.refresh': () => state.refresh().catch(() => undefined),
    'cnm.switchConnection': switchConnection,
    'cnm.showConnectionHelp': showConnectionHelp,
  };
  ctx.subscriptions.push(
    ui,
    status,
    panels,
    portsPanel,
    diagnosePanels,
    ...Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn)),
    vscode.window.createTreeView('cnm.networks', { treeDataProvider: trees.networks, showCollapseAll: true }),
    vscode.window.createTreeView('cnm.sandboxes', { treeDataProvider: trees.sandboxes }),
    vscode.window.createTreeView('cnm.hosts', { treeDataProvider: trees.hosts }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cnm.host')) connect();
      else if (e.affectsConfiguration('cnm.networks')) trees.networks.refresh();
    }),
    {
      dispose: () => {
        connectionSub?.dispose();
        state.dispose();
      },
    },
  );
  connect();
  startLanguageClient(ctx, () => target.url).then(
    (c) => (languageClient = c),
    (err) => ui.showOutput('Language server did not start', String(err)),
  );
  const activationMs = performance.now() - t0;
  return {
    get state() {
      return state;
    },
    get target() {
      return target;
    },
    get commands() {
      return commands;
    },
    trees,
    panels,
    status,
    diagnose: { commands: diagnose, panels: diagnosePanels },
    activationMs,
  };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
}
