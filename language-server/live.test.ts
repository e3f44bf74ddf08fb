// Live features against a fake cnmd (the API server on a unix socket, backed by the in-memory
// controller): host overlaps, macvlan parents, external networks, completions from the host,
// refresh on events, switching off when cnmd goes, and apply / diff.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Diagnostic, Hover } from 'vscode-languageserver';
import type { HostInfo, SandboxView } from '../model/cnm.js';
import type { DockerInfo } from '../model/docker.js';
import { startHarness, type Harness } from '../helper/api/testing/harness.js';
import { FakeController } from '../helper/api/testing/fake-controller.js';
import { startTestClient, type TestClient } from './testing/lsp-client.js';

class HostController extends FakeController {
  /** One sandbox publishing 8080/tcp on every address, as cnmd reports it. */
  listSandboxes(): SandboxView[] {
    const web = {
      id: 'f'.repeat(64),
      name: 'published-web',
      hostname: 'w',
      labels: {},
      netnsPath: '/run/netns/x',
      created: '',
      dns: [],
      endpoints: [],
    };
    return [...super.listSandboxes(), { ...web, NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] } } }];
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      interfaces: [{ name: 'eth0', kind: 'device', addresses: ['192.168.1.10/24'], up: true }],
      routes: [
        { dst: 'default', gateway: '192.168.1.1', ifname: 'eth0' },
        { dst: '192.168.1.0/24', ifname: 'eth0' },
      ],
    };
  }
}

let h: Harness;
let c: TestClient;
before(async () => {
  h = await startHarness(new HostController());
  c = await startTestClient({ cnmHost: h.socketPath });
});
after(async () => {
  await c.close();
  await h.close();
});

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();
const has = (code: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === code);

const FILE = `networks:
  a:
    ipam:
      config:
        - subnet: 172.17.5.0/24
  b:
    ipam:
      config:
        - subnet: 192.168.1.128/25
  lan:
    driver: macvlan
    driver_opts:
      parent: eth9
  shared:
    external: true
  missing:
    external: true
    name: nowhere
sandboxes: {}
`;
const URI = 'file:///tmp/live/lab.cnm.yaml';

test('live diagnostics: host networks, host routes, macvlan parent, external networks', async () => {
  await c.open(URI, FILE.replace('  shared:\n    external: true\n', '  frontend:\n    external: true\n'));
  const ds = await c.diagnosticsWhere(URI, has('external-network-missing'));
  // The fake cnmd's /info decides whether `lan` (macvlan) is flagged too (drivers.test.ts covers that check).
  const lacksMacvlan = !(JSON.parse((await h.request('GET', '/info')).text) as DockerInfo).Plugins.Network.includes('macvlan');
  assert.deepEqual(codes(ds), [
    ...(lacksMacvlan ? ['driver-not-on-host'] : []),
    'external-network-missing',
    'host-subnet-overlap',
    'host-subnet-overlap',
    'macvlan-parent-unknown',
  ]);
  const msg = (line: number) => ds.find((d) => d.range.start.line === line)!.message;
  assert.equal(msg(4), 'Subnet 172.17.5.0/24 overlaps network "bridge" on the host (172.17.0.0/16).');
  assert.equal(msg(8), 'Subnet 192.168.1.128/25 overlaps the host route 192.168.1.0/24 on eth0.');
  assert.equal(msg(12), 'The host has no interface "eth9".');
  assert.equal(msg(15), 'External network "nowhere" does not exist on the host.');
});

test('a network made on the host (event) clears the diagnostic; a quick fix picks a subnet free on the host', async () => {
  const uri = 'file:///tmp/live/ext.cnm.yaml';
  await c.open(uri, 'networks:\n  shared:\n    external: true\n  a:\n    ipam:\n      config:\n        - subnet: 172.22.0.0/24\n');
  const before = await c.diagnosticsWhere(uri, has('external-network-missing'));
  await h.controller.createNetwork({ Name: 'shared' });
  const after = await c.diagnosticsWhere(uri, (ds) => !has('external-network-missing')(ds));
  assert.deepEqual(codes(after), ['host-subnet-overlap']);
  assert.equal(before.length, 2);
  const actions: Array<{ title: string }> = await c.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: after[0].range,
    context: { diagnostics: after },
  });
  // 172.17 (bridge), 172.18 (the new `shared`, allocated by the fake) are taken on the host.
  assert.match(actions[0].title, /^Use the free subnet 172\.\d+\.0\.0\/16$/);
  assert.doesNotMatch(actions[0].title, /172\.(17|22|23|24)\./);
});

test('live completion and hover', async () => {
  const uri = 'file:///tmp/live/complete.cnm.yaml';
  await c.open(
    uri,
    'networks:\n  x:\n    external: \n  lan:\n    driver: macvlan\n    driver_opts:\n      parent: \n  y:\n    ipam:\n      config:\n        - subnet: \n',
  );
  await c.diagnosticsWhere(uri, () => true);
  const labels = async (line: number, character: number) =>
    (
      (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as CompletionItem[]
    ).map((i) => i.label);
  assert.ok((await labels(2, 14)).includes('{ name: frontend }'));
  assert.deepEqual(await labels(6, 14), ['eth0']);
  const subnets = await labels(10, 18);
  assert.equal(subnets.length, 3);
  assert.ok(
    subnets.every((s) => !/^172\.(17|22|23|24)\./.test(s)),
    subnets.join(),
  );
  const hov: Hover = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 13, character: 4 } });
  assert.match((hov.contents as { value: string }).value, /On the host as `frontend` \([0-9a-f]{12}\), bridge, 172\.22\.0\.0\/16/);
});

const TOPOLOGY =
  'name: lt\nnetworks:\n  n1:\n    ipam:\n      config:\n        - subnet: 10.99.0.0/24\nsandboxes:\n  s1:\n    networks:\n      n1:\n        ipv4_address: 10.99.0.7\n';

test('cnm/diff and cnm/apply: diff, apply, then no changes', async () => {
  const uri = 'file:///tmp/live/apply.cnm.yaml';
  await c.open(uri, TOPOLOGY);
  const diff: { text: string; steps: number; problems: string[] } = await c.conn.sendRequest('cnm/diff', { uri });
  assert.equal(diff.text, '+ create network n1 (bridge, 10.99.0.0/24)\n+ create sandbox s1 on n1 (10.99.0.7)\n');
  assert.deepEqual(diff.problems, []);
  const applied: { applied: number } = await c.conn.sendRequest('cnm/apply', { uri });
  assert.equal(applied.applied, 2);
  assert.ok(h.controller.networks.some((n) => n.Name === 'n1' && n.Labels['cnm.topology.project'] === 'lt'));
  assert.ok(h.controller.sandboxes.some((s) => s.name === 's1'));
  await c.change(uri, TOPOLOGY.replace(/sandboxes:[\s\S]*/, 'sandboxes: {}\n'));
  const second: { text: string } = await c.conn.sendRequest('cnm/diff', { uri });
  assert.equal(second.text, '- remove sandbox s1\n');
});

test('the Apply to host command asks, applies with progress and reports; a refusal changes nothing', async () => {
  const uri = 'file:///tmp/live/cmd.cnm.yaml';
  await c.open(uri, 'name: cmd\nnetworks:\n  c1: {}\n');
  const lenses: Array<{ command: { command: string; arguments: unknown[] } }> = await c.conn.sendRequest('textDocument/codeLens', {
    textDocument: { uri },
  });
  const apply = lenses[0].command;
  assert.equal(apply.command, 'cnm.applyToHost');
  c.answer = 'Cancel';
  await c.conn.sendRequest('workspace/executeCommand', apply);
  assert.ok(!h.controller.networks.some((n) => n.Name === 'c1'));
  c.answer = 'Apply';
  await c.conn.sendRequest('workspace/executeCommand', apply);
  assert.ok(h.controller.networks.some((n) => n.Name === 'c1'));
  assert.ok(c.messages.some((m) => m.startsWith('Apply to host?\n+ create network c1 (bridge)')));
  assert.ok(c.messages.includes('Applied 1 step(s).'));
});

test('a host port the live host already publishes', async () => {
  const uri = 'file:///tmp/live/docker-compose.yml';
  await c.open(uri, 'services:\n  api:\n    ports: ["127.0.0.1:8080:80", "8081:80"]\n');
  const ds = await c.diagnosticsWhere(uri, has('host-port-published'));
  assert.deepEqual(codes(ds), ['host-port-published']);
  assert.equal(ds[0]!.message, 'Host port 8080/tcp is already published on the host by sandbox "published-web" (80/tcp).');
});

test('without cnmd the live checks switch off', async () => {
  await h.close();
  const ds = await c.diagnosticsWhere(URI, (d) => !has('host-subnet-overlap')(d));
  assert.deepEqual(codes(ds), []);
  h = await startHarness(new HostController());
});
