// Runs inside code-server's real extension host (extensionTestsPath). Bundled by ext-tests.ts.
// Scenario "main": the daemon is a real cnmd reached through CNM_HOST; the test talks to it as a
// CLI would. Scenario "install" (CNM_E2E_SCENARIO): a host namespace without cnmd, where the
// extension installs its bundled helper. Scenario "cluster" (cluster.ts): three cnmd hosts sharing a
// real etcd; the extension talks to hosta, the harness stops hosts and etcd when asked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CnmExtensionApi } from '../../../extension/main.js';
import { helperVersion } from '../../../extension/core/install.js';
import type { TreeNode } from '../../../extension/core/tree.js';

type Fn = (api: CnmExtensionApi) => Promise<void>;
const scenarios: Record<string, Array<[string, Fn]>> = { main: [], install: [], cluster: [] };
const test = (name: string, fn: Fn) => scenarios.main.push([name, fn]);
const installTest = (name: string, fn: Fn) => scenarios.install.push([name, fn]);
const clusterTest = (name: string, fn: Fn) => scenarios.cluster.push([name, fn]);
/** Thrown by a test that cannot run here; reported as a skip with its reason, never as a pass. */
class Skip extends Error {}

async function until<T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const root = (api: CnmExtensionApi) => api.trees.networks.getChildren()[0];
const netNode = (api: CnmExtensionApi, name: string): TreeNode | undefined => root(api).children.find((n) => n.label === name);

test('activates and connects to the daemon named by CNM_HOST', async (api) => {
  assert.equal(api.target.url, process.env.CNM_HOST);
  await until('connected', () => api.state.current.reachability.state === 'connected');
  console.log(`      activation ${api.activationMs.toFixed(1)} ms`);
});

test('registers every command under the Container Networks category', async () => {
  const all = await vscode.commands.getCommands(true);
  for (const c of [
    'createNetwork',
    'removeNetwork',
    'disconnectAllAndRemove',
    'installHelper',
    'pruneNetworks',
    'inspectNetwork',
    'connectSandbox',
    'disconnect',
    'copyIp',
    'copyId',
    'createSandbox',
    'openTerminal',
    'ping',
    'refresh',
    'switchConnection',
  ]) {
    assert.ok(all.includes(`cnm.${c}`), `cnm.${c}`);
  }
});

test('Networks view shows the built-ins, marked and not removable', async (api) => {
  const names = await until('built-ins', () => {
    const l = root(api).children.map((n) => n.label);
    return l.includes('none') ? l : undefined;
  });
  assert.deepEqual(names.slice(0, 3).sort(), ['bridge', 'host', 'none']);
  assert.match(netNode(api, 'bridge')!.contextValue, /builtin/);
  assert.equal(await vscode.commands.executeCommand('cnm.removeNetwork', netNode(api, 'bridge')), false);
});

test('a network created outside VS Code appears in the tree within 1 s (events, no polling)', async (api) => {
  const t = Date.now();
  await api.state.client.createNetwork({ Name: 'e2e-web', IPAM: { Driver: 'default', Config: [{ Subnet: '172.29.7.0/24' }] } });
  const n = await until('e2e-web node', () => netNode(api, 'e2e-web'), 1000);
  console.log(`      network → tree node ${Date.now() - t} ms`);
  assert.equal(n.description, '172.29.7.0/24');
});

test('a sandbox connected to it shows as an endpoint and in the Sandboxes view', async (api) => {
  await api.state.client.createSandbox({ Name: 'e2e-sb', Network: 'e2e-web' });
  const ep = await until('endpoint', () => netNode(api, 'e2e-web')?.children[0]);
  assert.equal(ep.label, 'e2e-sb');
  assert.match(ep.description ?? '', /^172\.29\.7\.\d+\/24$/, 'the MAC is in the tooltip, not the description');
  assert.match(String(ep.tooltip), /MAC: 02:42:/);
  const net = netNode(api, 'e2e-web')!;
  assert.match(net.contextValue, /\buser\b.*\binUse\b/, 'in use: no trash icon, Disconnect All and Remove instead');
  assert.match(net.tooltip ?? '', /Gateway: 172\.29\.7\.1 \(default\)/, "the gateway in use although Docker's JSON has none");
  const sb = await until('sandbox row', () => api.trees.sandboxes.getChildren().find((s) => s.label === 'e2e-sb'));
  assert.equal(sb.children[0].label, 'e2e-web');
  assert.equal(await vscode.commands.executeCommand('cnm.copyIp', ep), ep.ref?.kind === 'endpoint' ? ep.ref.ipv4 : '');
  assert.equal(await vscode.env.clipboard.readText(), ep.ref?.kind === 'endpoint' ? ep.ref.ipv4 : '');
});

test('inspect opens one panel per network with the topology, and it follows changes', async (api) => {
  const node = netNode(api, 'e2e-web')!;
  await vscode.commands.executeCommand('cnm.inspectNetwork', node);
  await vscode.commands.executeCommand('cnm.inspectNetwork', node); // reused, not a second panel
  const ref = node.ref;
  const id = ref?.kind === 'network' ? ref.id : '';
  const html = await until('panel', () => api.panels.htmlOf(id));
  assert.match(html, /<svg id="topology"/);
  assert.match(html, /data-sandbox="e2e-sb"/);
  assert.match(html, /e2e-web · 172\.29\.7\.0\/24/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  await vscode.commands.executeCommand('cnm.disconnect', netNode(api, 'e2e-web')!.children[0]);
  await until('panel updated', () => !/data-sandbox="e2e-sb"/.test(api.panels.htmlOf(id) ?? 'data-sandbox="e2e-sb"'));
});

test('Remove Network from its node removes it from the daemon and the tree', async (api) => {
  assert.equal(await vscode.commands.executeCommand('cnm.removeNetwork', netNode(api, 'e2e-web')), true);
  await until('gone', () => !netNode(api, 'e2e-web'));
  const sb = api.trees.sandboxes.getChildren().find((s) => s.label === 'e2e-sb')!;
  assert.equal(await vscode.commands.executeCommand('cnm.removeSandbox', sb), true);
});

test('status bar and connection switching: an unreachable socket is reported, switching back reconnects', async (api) => {
  const cfg = vscode.workspace.getConfiguration('cnm');
  await cfg.update('host', 'unix:///nonexistent/cnmd.sock', vscode.ConfigurationTarget.Global);
  await until('unreachable', () => api.state.current.reachability.state === 'unreachable');
  assert.match(root(api).children[0].label, /cnmd is not running|ENOENT/);
  await cfg.update('host', undefined, vscode.ConfigurationTarget.Global);
  await until('reconnected', () => api.state.current.reachability.state === 'connected' && api.target.url === process.env.CNM_HOST);
});

test('language server: a compose file with an undefined network gets a diagnostic and a quick fix that clears it', async () => {
  const dir = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.tmpdir());
  const uri = vscode.Uri.joinPath(dir, 'compose.yaml');
  const text = 'services:\n  web:\n    image: nginx\n    networks:\n      - backnet\nnetworks:\n  frontnet: {}\n';
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const diag = await until(
    'undefined-network diagnostic',
    () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'undefined-network'),
    30000,
  );
  assert.equal(doc.getText(diag.range), 'backnet');
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
  const fix = actions.find((a) => /Define network "backnet"/.test(a.title));
  assert.ok(fix?.edit, `quick fix offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  await until('diagnostic cleared', () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'undefined-network'), 10000);
  assert.match(doc.getText(), /^ {2}backnet:/m);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.workspace.fs.delete(uri);
});

installTest('on a host without cnmd the Networks view says so and offers Install Helper…', async (api) => {
  assert.equal(api.target.url, 'unix:///run/cnmd/cnmd.sock');
  await until('unreachable', () => api.state.current.reachability.state === 'unreachable', 10000);
  const row = root(api);
  assert.equal(row.label, 'local cnmd');
  assert.equal(row.contextValue, 'connection unreachable', 'the row that carries the Install Helper button');
  assert.match(row.children[0].label, /cnmd is not running|ENOENT/);
});

installTest("Install Helper on This Host… installs the bundled cnmd with the extension host's Node and connects", async (api) => {
  const ext = vscode.extensions.getExtension('cnm.cnm')!;
  const cli = path.join(ext.extensionPath, 'dist', 'cnm.js');
  const probe = spawnSync(process.execPath, [cli, 'install', '--help'], { encoding: 'utf8', timeout: 20000 });
  if (probe.status !== 0)
    throw new Skip(
      `\`cnm install\` is not in this build (node dist/cnm.js install --help exited ${probe.status}: ${(probe.stderr || probe.stdout).trim().split('\n')[0]})`,
    );
  assert.equal(await vscode.commands.executeCommand('cnm.installHelper'), true);
  await until('connected', () => api.state.current.reachability.state === 'connected', 30000);
  assert.equal(
    helperVersion(api.state.current.reachability, api.state.current.info),
    ext.packageJSON.version,
    'the installed helper is the bundled one',
  );
  assert.ok(root(api).children.some((n) => n.label === 'bridge'));
});

/** A POST on a unix socket; rejects unless the answer is 2xx. */
function post(socketPath: string, p: string, body?: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: p, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode! < 300 ? resolve() : reject(new Error(`${p}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
/** Asks the cluster harness to act (stop a host, stop or start etcd); resolves when it is done. */
const control = (action: string) => post(process.env.CNM_E2E_CONTROL!, action);
const hostRows = (api: CnmExtensionApi) => api.trees.hosts.getChildren();
const hostRow = (api: CnmExtensionApi, name: string) => hostRows(api).find((r) => r.label === name);
const STORE = process.env.CNM_E2E_STORE ?? '';

clusterTest('Hosts view lists the three hosts from /cnm/cluster: state, advertise address, version', async (api) => {
  await until('connected', () => api.state.current.reachability.state === 'connected', 10000);
  const version = String(vscode.extensions.getExtension('cnm.cnm')!.packageJSON.version);
  const t = Date.now();
  await until(
    'hostb and hostc up',
    () => hostRow(api, 'hostb')?.description?.startsWith('up') && hostRow(api, 'hostc')?.description?.startsWith('up'),
    20000,
  );
  console.log(`      hosts up in the view after ${Date.now() - t} ms`);
  assert.deepEqual(
    hostRows(api).map((r) => [r.label, r.description]),
    [
      [STORE, 'cluster store up'],
      ['hosta', `this host · 10.233.0.2:2376 · ${version}`],
      ['hostb', `up · 10.233.0.3 · ${version}`],
      ['hostc', `up · 10.233.0.4 · ${version}`],
    ],
  );
  assert.equal(api.status.clusterItem, undefined, 'no cluster warning while the store is up');
});

clusterTest('an overlay network shows the hosts it spans, in the tree and as host groups in the topology', async (api) => {
  const drivers = api.state.current.info?.Plugins.Network ?? [];
  if (!drivers.includes('overlay')) throw new Skip(`this cnmd has no overlay driver (it reports ${drivers.join(', ')})`);
  await api.state.client.createNetwork({
    Name: 'e2e-multi',
    Driver: 'overlay',
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.40.0.0/24' }] },
  });
  await api.state.client.createSandbox({ Name: 'demo1', Network: 'e2e-multi' });
  await post(JSON.parse(process.env.CNM_E2E_HOSTS!).hostb, '/cnm/sandboxes/create', { Name: 'demo2', Network: 'e2e-multi' });
  const net = await until(
    'spans both hosts',
    () => {
      const n = netNode(api, 'e2e-multi');
      return n?.description === '10.40.0.0/24 · on hosta +1' ? n : undefined;
    },
    20000,
  );
  assert.deepEqual(
    net.children.map((c) => [c.label, /@ (\S+)$/.exec(c.description ?? '')?.[1]]),
    [
      ['demo1', 'hosta'],
      ['demo2', 'hostb'],
    ],
  );
  assert.deepEqual(
    hostRow(api, 'hostb')!.children.map((c) => c.label),
    ['demo2'],
    "hostb's endpoints (ClusterHost.endpoints)",
  );
  const id = net.ref?.kind === 'network' ? net.ref.id : '';
  await vscode.commands.executeCommand('cnm.inspectNetwork', net);
  const html = await until('panel', () => api.panels.htmlOf(id));
  assert.match(html, /<g class="host" data-host="hosta">/);
  assert.match(html, /<g class="host" data-host="hostb">/);
  assert.match(html, /<g class="vxlan" data-hosts="hosta hostb">/);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

clusterTest('a host that stops shows as lease expired', async (api) => {
  await control('/hosts/hostc/stop');
  const t = Date.now();
  await until('hostc expired', () => hostRow(api, 'hostc')?.description?.startsWith('lease expired'), 15000);
  console.log(`      clean stop → lease expired in the view ${Date.now() - t} ms`);
  assert.match(hostRow(api, 'hostb')!.description!, /^up/);
});

clusterTest(
  'etcd stopped: the status bar warns that the cluster store is degraded, naming it and the error; cleared when it is back',
  async (api) => {
    await control('/etcd/stop');
    let t = Date.now();
    const item = await until('degraded warning', () => api.status.clusterItem, 30000);
    console.log(`      etcd stopped → status bar warning ${Date.now() - t} ms`);
    assert.equal(item.text, '$(warning) cluster store degraded');
    assert.match(item.tooltip, new RegExp(`the cluster store ${STORE.replace(/[.]/g, '\\.')} is degraded since .*\nLast error: \\S`));
    assert.match(hostRows(api)[0].description ?? '', /^cluster store degraded since /);
    assert.ok(hostRow(api, 'hostb'), 'hosts as last read stay listed');
    await control('/etcd/start');
    t = Date.now();
    await until('warning cleared', () => !api.status.clusterItem, 30000);
    console.log(`      etcd back → warning cleared ${Date.now() - t} ms`);
    assert.equal(hostRows(api)[0].description, 'cluster store up');
  },
);

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<CnmExtensionApi>('cnm.cnm');
  assert.ok(ext, 'extension cnm.cnm not found');
  const api = await ext.activate();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const [name, fn] of scenarios[process.env.CNM_E2E_SCENARIO || 'main']) {
    try {
      await fn(api);
      passed++;
      console.log(`  ok - ${name}`);
    } catch (e) {
      if (e instanceof Skip) {
        skipped++;
        console.log(`  SKIP - ${name}: ${e.message}`);
        continue;
      }
      failed++;
      console.log(`  FAIL - ${name}: ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed) throw new Error(`${failed} test(s) failed`);
}
