// Every static diagnostic code, through the real server: each case's text yields exactly the code
// expected, at the range expected.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { startTestClient, type TestClient } from './testing/lsp-client.js';

let c: TestClient;
before(async () => (c = await startTestClient()));
after(() => c.close());

let n = 0;
const check = async (text: string, file = 'compose.yaml'): Promise<Diagnostic[]> => c.open(`file:///tmp/d${n++}/${file}`, text);
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();
const at = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

const CASES: Array<{ code: string; text: string; range: string; file?: string }> = [
  { code: 'yaml-syntax', text: 'name: "lab\nnetworks: {}\n', range: '2:0-2:1' },
  { code: 'schema-unknown-key', text: 'networks:\n  a:\n    drivr: bridge\n', range: '2:4-2:9' },
  { code: 'schema-type', text: 'networks:\n  a:\n    internal: maybe\n', range: '2:14-2:19' },
  { code: 'invalid-cidr', text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/33\n', range: '4:18-4:29' },
  {
    code: 'invalid-address',
    text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.0.300\n',
    range: '5:19-5:29',
  },
  {
    code: 'gateway-outside-subnet',
    text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.1.1\n',
    range: '5:19-5:27',
  },
  {
    code: 'ip-range-outside-subnet',
    text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          ip_range: 10.0.0.0/16\n',
    range: '5:20-5:31',
  },
  {
    code: 'aux-address-outside-subnet',
    text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          aux_addresses:\n            h: 10.9.0.1\n',
    range: '6:15-6:23',
  },
  {
    code: 'subnet-overlap',
    text: 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/16\n  b:\n    ipam:\n      config:\n        - subnet: 10.0.5.0/24\n',
    range: '8:18-8:29',
  },
  { code: 'undefined-network', text: 'services:\n  web:\n    networks: [front]\n', range: '2:15-2:20' },
  {
    code: 'address-outside-subnet',
    text: 'services:\n  web:\n    networks:\n      a:\n        ipv4_address: 10.1.0.5\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n',
    range: '4:22-4:30',
  },
  {
    code: 'duplicate-address',
    text: 'services:\n  w1:\n    networks:\n      a:\n        ipv4_address: 10.0.0.5\n  w2:\n    networks:\n      a:\n        ipv4_address: 10.0.0.5\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n',
    range: '8:22-8:30',
  },
  {
    code: 'address-is-gateway',
    text: 'services:\n  web:\n    networks:\n      a:\n        ipv4_address: 10.0.0.1\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n',
    range: '4:22-4:30',
  },
  { code: 'macvlan-parent-missing', text: 'networks:\n  lan:\n    driver: macvlan\n', range: '1:2-1:5' },
  { code: 'unknown-driver', text: 'networks:\n  a:\n    driver: weave\n', range: '2:12-2:17' },
  { code: 'unknown-driver-option', text: 'networks:\n  a:\n    driver_opts:\n      parent: eth0\n', range: '3:6-3:12' },
  { code: 'invalid-port', text: 'services:\n  web:\n    ports: ["8080:abc"]\n', range: '2:12-2:22' },
  {
    code: 'duplicate-host-port',
    text: 'services:\n  a:\n    ports: ["8080:80"]\n  b:\n    ports: ["127.0.0.1:8080:81", "9000:90/udp"]\n',
    range: '4:12-4:31',
  },
  { code: 'network-mode-with-networks', text: 'services:\n  web:\n    network_mode: host\n    networks: [default]\n', range: '2:18-2:22' },
];

for (const k of CASES) {
  test(`diagnostic ${k.code}`, async () => {
    const ds = await check(k.text, k.file);
    assert.deepEqual(codes(ds), [k.code], JSON.stringify(ds));
    assert.equal(at(ds[0]), k.range);
    assert.equal(ds[0].source, 'cnm');
  });
}

test('topology files: unknown keys anywhere, sandboxes use the same vocabulary', async () => {
  const ds = await check('networks:\n  a: {}\nsandboxes:\n  s:\n    networks: [a, b]\n    colour: red\nextra: 1\n', 'lab.cnm.yaml');
  assert.deepEqual(codes(ds), ['schema-unknown-key', 'schema-unknown-key', 'undefined-network']);
});

test('a clean compose file has no diagnostics; other compose keys are not ours to judge', async () => {
  const ds = await check(
    'services:\n  web:\n    image: nginx\n    build: .\n    networks:\n      front:\n        ipv4_address: 172.28.0.5\n        aliases: [www]\n  app:\n    environment: [A=1]\nnetworks:\n  front:\n    driver: bridge\n    driver_opts:\n      com.docker.network.bridge.name: br-front\n    ipam:\n      config:\n        - subnet: 172.28.0.0/16\n          gateway: 172.28.0.1\n',
  );
  assert.deepEqual(ds, []);
});

test('diagnostics follow edits (version by version)', async () => {
  const uri = 'file:///tmp/edit/compose.yaml';
  assert.deepEqual(codes(await c.open(uri, 'services:\n  web:\n    networks: [a]\n')), ['undefined-network']);
  assert.deepEqual(await c.change(uri, 'services:\n  web:\n    networks: [a]\nnetworks:\n  a:\n'), []);
});
