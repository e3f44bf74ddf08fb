import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Commands, type CommandEnv } from './commands.js';
import { FakeClient, fakeInfo } from './fakeClient.js';
import { parseHostUrl } from '../../transport/hostUrl.js';
import { label, ScriptedUi, type Answer } from './scriptedUi.js';
import { DaemonState } from './state.js';
import { networksTree, sandboxesTree, type TreeNode } from './tree.js';

async function setup(answers: Answer[], prep: (f: FakeClient) => void = () => {}) {
  const fake = new FakeClient();
  prep(fake);
  const state = new DaemonState(fake);
  await state.start();
  const ui = new ScriptedUi(answers);
  const inspected: string[] = [];
  const opened: string[] = [];
  const cmds = new Commands({
    state,
    ui,
    target: parseHostUrl('unix:///run/cnmd/cnmd.sock'),
    cli: { node: '/node', cli: '/ext/dist/cnm.js' },
    install: { platform: 'linux', isRoot: false, extensionVersion: '0.1.0' },
    installWait: { timeoutMs: 2000, everyMs: 20 },
    showInspect: (id) => inspected.push(id),
    showPorts: () => inspected.push('ports'),
    openExternal: async (url) => void opened.push(url),
  });
  return { fake, state, ui, cmds, inspected, opened };
}
const settings = { grouping: 'none' as const, hideBuiltins: false };

/** Sandboxes and networks made in the fake daemon, `[sandbox, network]` pairs connected, then read into the state. */
async function given(
  t: { fake: FakeClient; state: DaemonState },
  sandboxes: string[],
  networks: string[],
  links: Array<[string, string]>,
): Promise<void> {
  for (const s of sandboxes) await t.fake.createSandbox({ Name: s });
  for (const n of networks) await t.fake.createNetwork({ Name: n });
  for (const [s, n] of links) await t.fake.connect(n, { Container: s });
  await t.state.refresh();
}
const netNode = (s: DaemonState, name: string): TreeNode =>
  networksTree(s.current, 'local', settings)[0].children.find((n) => n.label === name)!;

test('create network: live validation flags bad CIDR, overlaps with networks and host routes, then submits', async () => {
  const { fake, state, ui, cmds } = await setup([
    'bridge', // name taken → rejected by validation
  ]);
  assert.equal(await cmds.createNetwork(), undefined);
  assert.match(ui.validations[0]!, /already exists/);
  state.dispose();

  for (const [subnet, why] of [
    ['10.1.2.300/24', /not a CIDR/],
    ['172.17.5.0/24', /Overlaps network "bridge"/],
    ['10.0.0.128/25', /host route: 10.0.0.0\/24 dev eth0/],
    ['172.30.0.1/24', /Host bits set/],
  ] as const) {
    const t = await setup(['web', label('bridge'), subnet]);
    await t.cmds.createNetwork();
    assert.match(t.ui.validations[1]!, why);
    t.state.dispose();
  }

  const ok = await setup([
    'web',
    label('bridge'),
    '172.30.0.0/24',
    '172.30.0.1',
    '172.30.0.128/25',
    label('Yes, internal'),
    label('IPv4 only'),
    'com.docker.network.driver.mtu=1400',
  ]);
  const id = await ok.cmds.createNetwork();
  assert.ok(id);
  const created = ok.fake.networks.find((n) => n.Name === 'web')!;
  assert.equal(created.Internal, true);
  assert.deepEqual(created.Options, { 'com.docker.network.driver.mtu': '1400' });
  assert.ok(networksTree(ok.state.current, 'local', settings)[0].children.some((n) => n.label === 'web'));
  ok.state.dispose();
  void fake;
});

test('create network: overlay on a cnmd without a cluster store asks for a stand-alone (scope local) one; with one, the daemon decides', async () => {
  const answers = () => ['solo', label('overlay'), '', label('No'), label('IPv4 only'), ''];
  const standalone = await setup(answers(), (f) => (f.daemonInfo = fakeInfo(['bridge', 'overlay'])));
  assert.ok(await standalone.cmds.createNetwork());
  assert.equal(standalone.fake.createRequests[0]!.Scope, 'local');
  standalone.state.dispose();

  const clustered = await setup(answers(), (f) => {
    f.daemonInfo = fakeInfo(['bridge', 'overlay']);
    f.daemonInfo.Cnm!.cluster = { store: 'etcd://10.0.0.1:2379', state: 'up', since: '2026-12-01T00:00:00Z' };
  });
  assert.ok(await clustered.cmds.createNetwork());
  assert.equal(clustered.fake.createRequests[0]!.Scope, undefined);
  clustered.state.dispose();

  const bridge = await setup(['web', label('bridge'), '', label('No'), label('IPv4 only'), '']);
  assert.ok(await bridge.cmds.createNetwork());
  assert.equal(bridge.fake.createRequests[0]!.Scope, undefined, 'other drivers: no scope');
  bridge.state.dispose();
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
  assert.equal(ui.errors[0], 'web still has 1 endpoint(s) (s1): disconnect them first. [Disconnect All and Remove…]');
  assert.ok(!fake.calls.some((c) => c.startsWith('remove')));
  assert.equal(await cmds.disconnect(ep), true);
  assert.equal(netNode(state, 'web').children.length, 0);
  state.dispose();
});

test('terminal and ping run through the exec API in the sandbox; ping reports a summary', async () => {
  const out = '3 packets transmitted, 3 received, 0% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.041/0.052/0.060/0.008 ms\n';
  const { fake, state, ui, cmds } = await setup([label('b')]);
  fake.execResult = (_sb, cmd) => (cmd[0] === 'ping' ? { output: out, code: 0 } : { output: '# ', code: 3 });
  await fake.createSandbox({ Name: 'a' });
  await fake.createSandbox({ Name: 'b' });
  await fake.createNetwork({ Name: 'web' });
  await fake.connect('web', { Container: 'a' });
  await fake.connect('web', { Container: 'b' });
  await state.refresh();
  const epA = netNode(state, 'web').children.find((c) => c.label === 'a')!;
  const summary = await cmds.ping(epA);
  assert.equal(summary, 'ping a → b (172.30.0.3): 3/3 replies, avg 0.052 ms');
  assert.deepEqual(fake.execs[0]!.opts, { cmd: ['ping', '-c', '3', '-W', '1', '172.30.0.3'], tty: false, stdin: false });
  await cmds.openTerminal(sandboxesTree(state.current)[0]);
  const term = ui.ptys[0]!;
  assert.equal(term.name, 'cnm: a');
  term.session.input('exit 3\r');
  term.session.resize({ rows: 50, columns: 132 });
  term.session.close();
  await term.opened;
  const exec = fake.execs[1]!;
  assert.deepEqual([exec.sandbox, exec.opts.cmd, exec.opts.tty, exec.input], ['a', ['sh'], true, 'exit 3\r']);
  assert.deepEqual(exec.sizes, ['24x80', '50x132'], 'opened at the editor size, then resized');
  assert.equal(term.text, '# ');
  state.dispose();
});

test('a terminal in a sandbox that is gone says so and closes', async () => {
  const { state, ui, cmds } = await setup([]);
  await cmds.openTerminal({ label: 'x', ref: { kind: 'sandbox', id: 'x', name: 'ghost' } } as never);
  await ui.ptys[0]!.opened;
  assert.match(ui.ptys[0]!.text, /cannot open a terminal in ghost: No such sandbox: ghost/);
  assert.equal(ui.ptys[0]!.exitCode, 1);
  state.dispose();
});

test('Disconnect All and Remove: a modal names the endpoints, then every one is disconnected and the network removed', async () => {
  const t = await setup([]);
  const { fake, state, ui, cmds } = t;
  await given(
    t,
    ['s1', 's2'],
    ['web'],
    [
      ['s1', 'web'],
      ['s2', 'web'],
    ],
  );
  ui.confirmAnswer = false;
  assert.equal(await cmds.disconnectAllAndRemove(netNode(state, 'web')), false);
  assert.deepEqual(ui.confirms, [['Disconnect 2 endpoint(s) from web and remove it?', '• s1 (172.30.0.2)\n• s2 (172.30.0.3)']]);
  assert.ok(!fake.calls.some((c) => /^(disconnect|remove)/.test(c)), 'nothing done when declined');
  ui.confirmAnswer = true;
  assert.equal(await cmds.disconnectAllAndRemove(netNode(state, 'web')), true);
  assert.deepEqual(
    fake.calls.filter((c) => /^(disconnect|remove)/.test(c)),
    ['disconnect s1 web', 'disconnect s2 web', 'remove web'],
  );
  assert.ok(!state.current.networks.some((n) => n.Name === 'web'));
  state.dispose();
});

test('Remove on a network in use explains first and offers Disconnect All and Remove; daemon ids are shortened in errors', async () => {
  const t = await setup([]);
  const { fake, state, ui, cmds } = t;
  await given(t, ['s1'], ['web'], [['s1', 'web']]);
  ui.errorAnswer = 'Disconnect All and Remove…';
  assert.equal(await cmds.removeNetwork(netNode(state, 'web')), true);
  assert.equal(ui.errors[0], 'web still has 1 endpoint(s) (s1): disconnect them first. [Disconnect All and Remove…]');
  assert.deepEqual(
    fake.calls.filter((c) => /^(disconnect|remove)/.test(c)),
    ['disconnect s1 web', 'remove web'],
  );
  // a refusal from the daemon (raced by another client) reads short: 12-hex ids, like the docker CLI
  await fake.createNetwork({ Name: 'raced' });
  await state.refresh();
  const node = netNode(state, 'raced');
  await fake.connect('raced', { Container: 's1' });
  assert.equal(await cmds.removeNetwork(node), false);
  const id = fake.networks.find((n) => n.Name === 'raced')!.Id;
  assert.match(ui.errors.at(-1)!, new RegExp(`network raced id ${id.slice(0, 12)} has active endpoints`));
  assert.ok(!ui.errors.at(-1)!.includes(id));
  state.dispose();
});

test("Disconnect from a network row picks among that network's endpoints only", async () => {
  const t = await setup([]);
  const { fake, state, cmds, ui } = t;
  await given(
    t,
    ['s1', 's2'],
    ['web', 'db'],
    [
      ['s1', 'web'],
      ['s2', 'db'],
    ],
  );
  let offered: string[] = [];
  ui.pick = async <T>(o: { items: Array<{ label: string; value: T }> }) => {
    offered = o.items.map((i) => i.label);
    return o.items[0]?.value;
  };
  assert.equal(await cmds.disconnect(netNode(state, 'db')), true);
  assert.deepEqual(offered, ['s2']);
  assert.deepEqual(
    fake.calls.filter((c) => c.startsWith('disconnect')),
    ['disconnect s2 db'],
  );
  state.dispose();
});

test("create wizard: drivers come from the daemon's /info; offline, cnm's vocabulary marked as unconfirmed", async () => {
  const offered = async (info: FakeClient['daemonInfo']) => {
    const t = await setup([
      'x',
      (labels) => {
        seen = labels;
        return -1;
      },
    ]);
    t.fake.daemonInfo = info;
    let seen: string[] = [];
    let placeholder = '';
    let details: Array<string | undefined> = [];
    const pick = t.ui.pick.bind(t.ui);
    t.ui.pick = async (o) => {
      placeholder = o.placeholder ?? '';
      details = o.items.map((i) => i.detail);
      return pick(o);
    };
    await t.cmds.createNetwork();
    t.state.dispose();
    return { seen, placeholder, details };
  };
  const bridgeOnly = await offered(fakeInfo(['bridge', 'host', 'null']));
  assert.deepEqual(bridgeOnly.seen, ['bridge']);
  assert.match(bridgeOnly.placeholder, /as the daemon reports them/);
  const withMacvlan = await offered(fakeInfo(['bridge', 'host', 'macvlan', 'null']));
  assert.deepEqual(withMacvlan.seen, ['bridge', 'macvlan']);
  const none = await offered(undefined);
  assert.deepEqual(none.seen, ['bridge', 'overlay', 'macvlan']);
  assert.match(none.placeholder, /did not report its drivers/);
  assert.deepEqual(new Set(none.details), new Set(['not confirmed by the daemon']));
});

test("create wizard: macvlan asks for the parent from the host's interfaces and sends it as an option", async () => {
  const t = await setup(['mv', label('macvlan'), label('eth1'), '192.168.7.0/24', '', '', label('No'), label('IPv4 only'), '']);
  t.fake.daemonInfo = fakeInfo(['bridge', 'host', 'macvlan', 'null']);
  t.fake.host.interfaces = [
    { name: 'lo', kind: 'loopback', addresses: ['127.0.0.1/8'], up: true },
    { name: 'eth0', kind: 'veth', addresses: ['10.0.0.2/24'], up: true },
    { name: 'eth1', kind: 'veth', addresses: [], up: true },
  ];
  const steps: string[] = [];
  const pick = t.ui.pick.bind(t.ui);
  t.ui.pick = async (o) => {
    steps.push(`${o.step}/${o.totalSteps} ${o.items.map((i) => i.label).join(',')}`);
    return pick(o);
  };
  assert.ok(await t.cmds.createNetwork());
  assert.equal(steps[1], '3/9 eth0,eth1,Another name (e.g. a VLAN sub-interface eth0.10)…');
  const mv = t.fake.networks.find((n) => n.Name === 'mv')!;
  assert.equal(mv.Driver, 'macvlan');
  assert.deepEqual(mv.Options, { parent: 'eth1' });
  const node = netNode(t.state, 'mv');
  assert.equal(node.description, '192.168.7.0/24 · parent eth1');
  assert.match(node.tooltip!, /Gateway: 192\.168\.7\.1 \(default\)[\s\S]*Parent: eth1/);
  t.state.dispose();
});

test("Install Helper: runs `cnm install` with the extension host's Node in a terminal (sudo unless root), waits for the socket, reconnects", async () => {
  const t = await setup([]);
  t.fake.drop(); // no cnmd on this host
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(t.state.current.reachability.state, 'unreachable');
  const done = t.cmds.installHelper();
  assert.deepEqual(t.ui.terminals[0].shellArgs.slice(0, 1), ['-c']);
  assert.match(t.ui.terminals[0].shellArgs[1], /^sudo "\/node" "\/ext\/dist\/cnm\.js" install; /);
  setTimeout(() => (t.fake.reachable = true), 100); // the install started cnmd
  assert.equal(await done, true);
  assert.match(t.ui.infos.at(-1)!, /cnm helper 0\.1\.0 is running at \/run\/cnmd\/cnmd\.sock/);
  await until(() => t.state.current.reachability.state === 'connected');
  t.state.dispose();

  const root = await setup([]);
  Object.assign(root.cmds, {}); // same Commands, root host:
  const env = (root.cmds as unknown as { env: CommandEnv }).env;
  env.install = { ...env.install, isRoot: true };
  root.fake.reachable = false;
  env.installWait = { timeoutMs: 100, everyMs: 20 };
  assert.equal(await root.cmds.installHelper(), false);
  assert.match(root.ui.terminals[0].shellArgs[1], /^"\/node" "\/ext\/dist\/cnm\.js" install; /);
  assert.match(root.ui.errors.at(-1)!, /Nothing answered at \/run\/cnmd\/cnmd\.sock within 0\.1 s/);
  env.install = { ...env.install, platform: 'darwin' };
  assert.equal(await root.cmds.installHelper(), false);
  assert.match(root.ui.errors.at(-1)!, /Linux only/);
  root.state.dispose();
});

test('Install Helper as an upgrade waits for the new version', async () => {
  const t = await setup([], (f) => (f.daemonVersion = '0.0.9'));
  const done = t.cmds.installHelper();
  setTimeout(() => (t.fake.daemonVersion = '0.1.0'), 100);
  assert.equal(await done, true);
  assert.match(t.ui.infos.at(-1)!, /helper 0\.1\.0 is running/);
  t.state.dispose();
});

async function until(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(fn());
}

test('Open in Browser: the HTTP port of a sandbox, a choice when there are several, through openExternal', async () => {
  const t = await setup([label('8443/tcp → 0.0.0.0:9443')], (f) => {
    void f.createSandbox({ Name: 'web', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } });
    void f.createSandbox({
      Name: 'two',
      PortBindings: { '80/tcp': [{ HostIp: '192.0.2.1', HostPort: '81' }], '8443/tcp': [{ HostIp: '', HostPort: '9443' }] },
    });
    void f.createSandbox({ Name: 'dns', PortBindings: { '53/udp': [{ HostIp: '', HostPort: '53' }] } });
  });
  const node = (name: string) => sandboxesTree(t.state.current).find((n) => n.label === name);
  assert.equal(await t.cmds.openInBrowser(node('web')), 'http://localhost:8080/');
  assert.equal(await t.cmds.openInBrowser(node('two')), 'https://localhost:9443/');
  assert.equal(await t.cmds.openInBrowser(node('dns')), undefined);
  assert.deepEqual(t.opened, ['http://localhost:8080/', 'https://localhost:9443/']);
  assert.match(t.ui.infos.join('\n'), /dns publishes no HTTP port/);
  t.cmds.showPorts();
  assert.deepEqual(t.inspected, ['ports']);
});

test('Attach Container…: picks a running container of the engines cnmd sees and a network, and adopts it', async () => {
  const { fake, state, ui, cmds } = await setup([label('web-1'), label('web')]);
  fake.containers = [
    { engine: 'docker', id: 'a'.repeat(64), name: 'web-1', image: 'nginx' },
    { engine: 'podman', id: 'b'.repeat(64), name: 'db', image: 'postgres' },
  ];
  await fake.createNetwork({ Name: 'web' });
  await state.refresh();
  assert.ok(await cmds.attachContainer());
  const sb = (await fake.listSandboxes())!.find((s) => s.name === 'web-1');
  assert.equal(sb?.adopted?.container, 'web-1', "the container's namespace is adopted under its name");
  state.dispose();
  const none = await setup([]);
  assert.equal(await none.cmds.attachContainer(), undefined);
  assert.deepEqual(none.ui.infos, ['No running Docker or Podman container on this host.']);
  none.state.dispose();
  assert.deepEqual(ui.errors, []);
});
