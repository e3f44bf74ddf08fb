// Every `when` clause of package.json's menus, evaluated against the context values the real tree
// code produces for each kind of row: each command shows exactly where it applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetworkResource } from '../../model/docker.js';
import { FakeClient, fakeCluster, fakeClusterEndpoint } from './fakeClient.js';
import { DaemonState, type Snapshot } from './state.js';
import { hostsTree, isBuiltin, networksTree, sandboxesTree, type TreeNode } from './tree.js';
import { evaluateWhen, parseWhen } from './whenClause.js';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus: Record<'view/item/context' | 'view/title' | 'commandPalette', MenuEntry[]> };
};
const menus = pkg.contributes.menus;

test('when-clause evaluator: VS Code precedence (&& over ||), !, ==, !=, =~ with flags', () => {
  const ctx = { view: 'cnm.networks', viewItem: 'endpoint hasIp', 'cnm.connected': true };
  // the bug this guards against: `a || b && c` is `a || (b && c)`, true on every Networks row
  assert.equal(evaluateWhen('view == cnm.networks || view == cnm.sandboxes && viewItem =~ /^sandbox/', ctx), true);
  assert.equal(evaluateWhen('view == cnm.sandboxes && viewItem =~ /^sandbox/ || view == cnm.networks', { ...ctx, viewItem: 'x' }), true);
  assert.equal(evaluateWhen('view == cnm.sandboxes || view == cnm.networks && viewItem =~ /^sandbox/', ctx), false);
  assert.equal(evaluateWhen('!cnm.connected || view != cnm.networks', ctx), false);
  assert.equal(evaluateWhen('!(view == cnm.sandboxes) && viewItem =~ /HASIP/i', ctx), true);
  assert.equal(evaluateWhen("view == 'cnm.networks' && false", ctx), false);
  assert.equal(evaluateWhen('viewItem =~ /^network\\b(?=.*\\bempty\\b)/', { viewItem: 'network user empty' }), true);
  assert.equal(evaluateWhen('missing', ctx), false);
  assert.equal(evaluateWhen(undefined, ctx), true);
  for (const bad of ['view ==', '&& x', 'a =~ b', '(a', 'a b']) assert.throws(() => parseWhen(bad), Error, bad);
});

test('every when clause in package.json parses', () => {
  for (const [where, entries] of Object.entries(menus))
    for (const e of entries) assert.doesNotThrow(() => parseWhen(e.when ?? 'true'), `${where} ${e.command}: ${e.when}`);
});

/** A daemon with one row of every kind: built-ins, an empty and a used user network, a macvlan one, sandboxes with and without endpoints. */
async function richSnapshot(): Promise<Snapshot> {
  const fake = new FakeClient();
  await fake.createSandbox({ Name: 'a' });
  await fake.createSandbox({ Name: 'lonely' });
  await fake.createSandbox({ Name: 'web', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } });
  await fake.createNetwork({ Name: 'empty', IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } });
  await fake.createNetwork({ Name: 'used', IPAM: { Config: [{ Subnet: '10.8.0.0/24' }] } });
  await fake.createNetwork({
    Name: 'mv',
    Driver: 'macvlan',
    Options: { parent: 'eth1' },
    IPAM: { Config: [{ Subnet: '192.168.7.0/24' }] },
  });
  await fake.connect('used', { Container: 'a' });
  await fake.connect('bridge', { Container: 'a' });
  await fake.connect('used', { Container: 'web' });
  const state = new DaemonState(fake);
  await state.start();
  const s = state.current;
  state.dispose();
  return s;
}

const SETTINGS = { grouping: 'none' as const, hideBuiltins: false };
interface Row {
  view: string;
  node: TreeNode;
  kind: string;
}

function walk(view: string, nodes: TreeNode[], classify: (n: TreeNode) => string, out: Row[] = []): Row[] {
  for (const node of nodes) {
    out.push({ view, node, kind: classify(node) });
    walk(view, node.children, classify, out);
  }
  return out;
}

/** The kind of a row from the facts behind it (not from its context value, which is under test). */
function classifier(s: Snapshot) {
  return (n: TreeNode): string => {
    const ref = n.ref;
    if (n.id === 'connection') return `connection ${s.reachability.state}`;
    if (n.id.startsWith('msg:')) return 'message';
    if (n.id.startsWith('group:')) return 'group';
    if (ref?.kind === 'network') {
      const net = s.networks.find((x) => x.Id === ref.id) as NetworkResource;
      const who = isBuiltin(net) ? 'builtin' : 'user';
      if (['host', 'null'].includes(net.Driver)) return `network ${who} unconnectable`;
      if (who === 'builtin') return 'network builtin';
      return `network ${who} ${Object.keys(net.Containers).length ? 'inUse' : 'empty'}`;
    }
    if (ref?.kind === 'endpoint') return n.id.startsWith('sbep:') ? 'sandbox endpoint' : 'network endpoint';
    if (ref?.kind === 'sandbox') {
      const sb = s.sandboxes!.find((x) => x.id === ref.id)!;
      if (Object.keys(sb.NetworkSettings?.Ports ?? {}).includes('80/tcp')) return 'sandbox with an HTTP port';
      return sb.endpoints.length ? 'sandbox with endpoints' : 'sandbox without endpoints';
    }
    if (n.id === 'store') return 'cluster store';
    if (n.id.startsWith('host:')) return 'host';
    if (n.id.startsWith('hostep:')) return 'host endpoint';
    throw new Error(`unclassified row ${n.id}`);
  };
}

async function allRows(): Promise<Row[]> {
  const s = await richSnapshot();
  const down: Snapshot = { ...s, reachability: { state: 'unreachable', error: new Error('ENOENT') } };
  const net = s.networks.find((n) => n.Name === 'used')!;
  const endpoints = Object.keys(net.Containers).map((key) => fakeClusterEndpoint(net, key, 'a', '10.0.0.1'));
  const clustered: Snapshot = {
    ...s,
    cluster: fakeCluster([
      { name: 'a', address: '10.0.0.1', state: 'this host', endpoints },
      { name: 'b', address: '10.0.0.2', state: 'up' },
      { name: 'c', address: '10.0.0.3', state: 'lease expired' },
    ]),
  };
  return [
    ...walk('cnm.networks', networksTree(s, 'local', SETTINGS), classifier(s)),
    ...walk('cnm.networks', networksTree(s, 'local', { grouping: 'driver', hideBuiltins: false }), classifier(s)),
    ...walk('cnm.networks', networksTree(down, 'local', SETTINGS), classifier(down)),
    ...walk('cnm.sandboxes', sandboxesTree(s), classifier(s)),
    ...walk('cnm.hosts', hostsTree(clustered), classifier(clustered)),
    ...walk('cnm.hosts', hostsTree({ ...s, cluster: { configured: false, hosts: [] } }), classifier(s)),
  ];
}

/** What each kind of row offers: context menu and inline buttons. */
const EXPECTED: Record<string, { menu: string[]; inline: string[] }> = {
  'connection connected': { menu: [], inline: ['switchConnection'] },
  'connection unreachable': { menu: ['installHelper'], inline: ['switchConnection', 'installHelper'] },
  message: { menu: [], inline: [] },
  group: { menu: [], inline: [] },
  'network builtin': { menu: ['inspectNetwork', 'reachabilityMatrix', 'connectSandbox', 'moveNetwork', 'copyIp', 'copyId'], inline: [] },
  'network builtin unconnectable': { menu: ['inspectNetwork', 'copyId'], inline: [] },
  'network user empty': {
    menu: ['inspectNetwork', 'reachabilityMatrix', 'connectSandbox', 'moveNetwork', 'removeNetwork', 'copyIp', 'copyId'],
    inline: ['removeNetwork'],
  },
  'network user inUse': {
    menu: ['inspectNetwork', 'reachabilityMatrix', 'connectSandbox', 'moveNetwork', 'disconnectAllAndRemove', 'copyIp', 'copyId'],
    inline: [],
  },
  'network endpoint': { menu: ['ping', 'why', 'disconnect', 'copyIp', 'copyId'], inline: [] },
  'sandbox with endpoints': { menu: ['openTerminal', 'why', 'removeSandbox', 'copyIp', 'copyId'], inline: ['openTerminal'] },
  'sandbox without endpoints': { menu: ['openTerminal', 'why', 'removeSandbox', 'copyId'], inline: ['openTerminal'] },
  'sandbox endpoint': { menu: ['inspectNetwork', 'ping', 'why', 'disconnect', 'copyIp', 'copyId'], inline: [] },
  'sandbox with an HTTP port': {
    menu: ['openTerminal', 'openInBrowser', 'why', 'removeSandbox', 'copyIp', 'copyId'],
    inline: ['openTerminal'],
  },
  'cluster store': { menu: [], inline: [] },
  host: { menu: [], inline: [] },
  'host endpoint': { menu: [], inline: [] },
};

test('view/item/context: each command shows exactly on the row kinds it applies to', async () => {
  const rows = await allRows();
  const seen = new Set(rows.map((r) => r.kind));
  assert.deepEqual([...seen].sort(), Object.keys(EXPECTED).sort(), 'the fixture covers every kind of row');
  for (const { view, node, kind } of rows) {
    const ctx = { view, viewItem: node.contextValue, 'cnm.connected': true };
    const shown = (inline: boolean) =>
      [
        ...new Set(
          menus['view/item/context']
            .filter((e) => (e.group === 'inline') === inline && evaluateWhen(e.when, ctx))
            .map((e) => e.command.replace(/^cnm\./, '')),
        ),
      ].sort();
    assert.deepEqual(shown(false), [...EXPECTED[kind].menu].sort(), `context menu of ${kind} "${node.label}" (${node.contextValue})`);
    assert.deepEqual(shown(true), [...EXPECTED[kind].inline].sort(), `inline buttons of ${kind} "${node.label}" (${node.contextValue})`);
  }
  // no row of another extension's view picks up cnm's menus
  for (const { node } of rows)
    assert.ok(!menus['view/item/context'].some((e) => evaluateWhen(e.when, { view: 'explorer', viewItem: node.contextValue })));
});

test('view/title and the command palette follow the connection', () => {
  const title = (view: string, connected: boolean) =>
    menus['view/title']
      .filter((e) => evaluateWhen(e.when, { view, 'cnm.connected': connected }))
      .map((e) => e.command.replace(/^cnm\./, ''))
      .sort();
  assert.deepEqual(title('cnm.networks', true), ['createNetwork', 'pruneNetworks', 'reachabilityMatrixAll', 'refresh', 'switchConnection']);
  assert.deepEqual(title('cnm.networks', false), ['refresh', 'switchConnection']);
  assert.deepEqual(title('cnm.sandboxes', true), ['attachContainer', 'createSandbox', 'refresh', 'showPorts']);
  assert.deepEqual(title('cnm.sandboxes', false), ['refresh']);
  assert.deepEqual(title('cnm.hosts', true), ['refresh']);

  const palette = (connected: boolean) => {
    const hidden = new Set(menus.commandPalette.filter((e) => !evaluateWhen(e.when, { 'cnm.connected': connected })).map((e) => e.command));
    return pkg.contributes.commands
      .map((c) => c.command.replace(/^cnm\./, ''))
      .filter((c) => !hidden.has(`cnm.${c}`))
      .sort();
  };
  assert.deepEqual(palette(false), ['installHelper', 'refresh', 'switchConnection']);
  assert.deepEqual(palette(true), [
    'attachContainer',
    'connectSandbox',
    'createNetwork',
    'createSandbox',
    'disconnect',
    'disconnectAllAndRemove',
    'inspectNetwork',
    'installHelper',
    'moveNetwork',
    'openInBrowser',
    'openTerminal',
    'ping',
    'pruneNetworks',
    'reachabilityMatrixAll',
    'refresh',
    'removeNetwork',
    'removeSandbox',
    'showPorts',
    'switchConnection',
    'why',
  ]);
});

test('every menu entry names a contributed command', () => {
  const known = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const entries of Object.values(menus)) for (const e of entries) assert.ok(known.has(e.command), e.command);
});
