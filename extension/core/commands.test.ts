import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Commands, type CommandEnv } from './commands.js';
import { FakeClient } from './fakeClient.js';
import { parseHostUrl } from './hostUrl.js';
import { label, ScriptedUi, type Answer } from './scriptedUi.js';
import { DaemonState } from './state.js';
import { networksTree, sandboxesTree, type TreeNode } from './tree.js';

async function setup(answers: Answer[], run: CommandEnv['run'] = async () => ({ code: 0, output: '' })) {
  const fake = new FakeClient();
  const state = new DaemonState(fake);
  await state.start();
  const ui = new ScriptedUi(answers);
  const inspected: string[] = [];
  const cmds = new Commands({ state, ui, target: parseHostUrl('unix:///run/cnmd/cnmd.sock'), cli: { node: '/node', cli: '/ext/dist/cnm.js' }, install: { platform: 'linux', isRoot: false, extensionVersion: '0.1.0' }, installWait: { timeoutMs: 2000, everyMs: 20 }, showInspect: (id) => inspected.push(id), run });
  return { fake, state, ui, cmds, inspected };
}
const settings = { grouping: 'none' as const, hideBuiltins: false };
const netNode = (s: DaemonState, name: string): TreeNode => networksTree(s.current, 'local', settings)[0].children.find((n) => n.label === name)!;

test('create network: live validation flags bad CIDR, overlaps with networks and host routes, then submits', async () => {
  const { fake, state, ui, cmds } = await setup([
    'bridge', // name taken → rejected by validation
  ]);
  assert.equal(await cmds.createNetwork(), undefined);
  assert.match(ui.validations[0]!, /already exists/);
  state.dispose();

  for (const [subnet, why] of [['10.1.2.300/24', /not a CIDR/], ['172.17.5.0/24', /Overlaps network "bridge"/], ['10.0.0.128/25', /host route: 10.0.0.0\/24 dev eth0/], ['172.30.0.1/24', /Host bits set/]] as const) {
    const t = await setup(['web', label('bridge'), subnet]);
    await t.cmds.createNetwork();
    assert.match(t.ui.validations[1]!, why);
    t.state.dispose();
  }

  const ok = await setup(['web', label('bridge'), '172.30.0.0/24', '172.30.0.1', '172.30.0.128/25', label('Yes, internal'), label('IPv4 only'), 'com.docker.network.driver.mtu=1400']);
  const id = await ok.cmds.createNetwork();
  assert.ok(id);
  const created = ok.fake.networks.find((n) => n.Name === 'web')!;
  assert.equal(created.Internal, true);
  assert.deepEqual(created.Options, { 'com.docker.network.driver.mtu': '1400' });
  assert.ok(networksTree(ok.state.current, 'local', settings)[0].children.some((n) => n.label === 'web'));
  ok.state.dispose();
  void fake;
});

test('built-ins are not removable; remove and prune confirm and act', async () => {
  const { fake, state, ui, cmds } = await setup([]);
  assert.match(netNode(state, 'bridge').contextValue, /builtin/);
  assert.equal(await cmds.removeNetwork(netNode(state, 'bridge')), false);
  assert.match(ui.errors[0], /built-in/);
  await fake.createNetwork({ Name: 'a' });
  await fake.createNetwork({ Name: 'b' });
  await state.refresh();
  assert.equal(await cmds.removeNetwork(netNode(state, 'a')), true);
  assert.deepEqual(await cmds.prune(), ['b']);
  assert.deepEqual(state.current.networks.map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
  state.dispose();
});

test('connect a sandbox, copy its IP, disconnect; errors from the daemon are shown', async () => {
  const { fake, state, ui, cmds } = await setup([label('s1'), '172.30.0.9']);
  await fake.createSandbox({ Name: 's1' });
  await fake.createNetwork({ Name: 'web' });
  await state.refresh();
  assert.equal(await cmds.connectSandbox(netNode(state, 'web')), true);
  const ep = netNode(state, 'web').children[0];
  assert.equal(ep.label, 's1');
  assert.equal(await cmds.copyIp(ep), '172.30.0.9');
  assert.equal(sandboxesTree(state.current)[0].children[0].label, 'web');
  // explained before trying (the answer to the offered "Disconnect All and Remove…" is no)
  assert.equal(await cmds.removeNetwork(netNode(state, 'web')), false);
  assert.equal(ui.errors[0], 'web still has 1 endpoint(s) (s1): disconnect them first.');
  assert.ok(!fake.calls.some((c) => c.startsWith('remove')));
  assert.equal(await cmds.disconnect(ep), true);
  assert.equal(netNode(state, 'web').children.length, 0);
  state.dispose();
});

test('terminal and ping run `cnm exec` in the sandbox; ping reports a summary', async () => {
  const runs: string[][] = [];
  const out = '3 packets transmitted, 3 received, 0% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.041/0.052/0.060/0.008 ms\n';
  const { fake, state, ui, cmds } = await setup([label('b')], async (spec) => { runs.push([spec.file, ...spec.args]); return { code: 0, output: out }; });
  await fake.createSandbox({ Name: 'a' });
  await fake.createSandbox({ Name: 'b' });
  await fake.createNetwork({ Name: 'web' });
  await fake.connect('web', { Container: 'a' });
  await fake.connect('web', { Container: 'b' });
  await state.refresh();
  const epA = netNode(state, 'web').children.find((c) => c.label === 'a')!;
  const summary = await cmds.ping(epA);
  assert.equal(summary, 'ping a → b (172.30.0.3): 3/3 replies, avg 0.052 ms');
  assert.deepEqual(runs[0], ['/node', '/ext/dist/cnm.js', 'exec', 'a', '--', 'ping', '-c', '3', '-W', '1', '172.30.0.3']);
  await cmds.openTerminal(sandboxesTree(state.current)[0]);
  assert.deepEqual(ui.terminals[0], { name: 'cnm: a', shellPath: '/node', shellArgs: ['/ext/dist/cnm.js', 'exec', 'a', '--', 'sh'], env: { CNM_HOST: 'unix:///run/cnmd/cnmd.sock' } });
  state.dispose();
});
