import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { renderInspectHtml } from './inspectHtml.js';
import { fakeNetwork } from './fakeClient.js';
import { renderTopology, topologyOf } from './topology.js';
import { dockerJson } from '../../test/fixtures/index.js';

const [front] = dockerJson<NetworkResource[]>('docker-network-inspect-frontend-with-2-containers.json');
const back = {
  ...front,
  Id: 'b'.repeat(64),
  Name: 'backend',
  Containers: {},
  IPAM: { ...front.IPAM, Config: [{ Subnet: '172.23.0.0/16' }] },
};
const c1 = Object.keys(front.Containers)[0];

test('topology: sandboxes with their endpoints wired to each network they join', () => {
  const sandboxes: SandboxView[] = [
    {
      id: c1,
      name: 'c1',
      hostname: 'c1',
      labels: {},
      netnsPath: '',
      created: '',
      dns: [],
      endpoints: [
        {
          id: 'e1',
          networkId: front.Id,
          networkName: 'frontend',
          sandboxId: c1,
          ifname: 'eth0',
          mac: '',
          ipv4: '172.22.0.2/16',
          aliases: [],
          order: 0,
        },
        {
          id: 'e2',
          networkId: back.Id,
          networkName: 'backend',
          sandboxId: c1,
          ifname: 'eth1',
          mac: '',
          ipv4: '172.23.0.2/16',
          aliases: [],
          order: 1,
        },
      ],
    },
  ];
  const t = topologyOf(front, sandboxes, [front, back]);
  assert.deepEqual(
    t.networks.map((n) => [n.name, n.focus]),
    [
      ['frontend', true],
      ['backend', false],
    ],
  );
  assert.deepEqual(
    t.sandboxes.map((s) => [s.name, s.endpoints.map((e) => e.label)]),
    [
      ['c1', ['eth0 172.22.0.2', 'eth1 172.23.0.2']],
      ['c2', ['172.22.0.3']],
    ],
  );
  const svg = renderTopology(t);
  assert.equal((svg.match(/<line class="wire"/g) ?? []).length, 3);
  assert.match(svg, /data-sandbox="c1"/);
  assert.match(svg, /frontend · 172.22.0.0\/16/);
});

test('inspect page: strict CSP, escaped content, all sections, raw JSON in Docker shape', () => {
  const evil = { ...front, Name: '<img src=x onerror=alert(1)>' };
  const html = renderInspectHtml({ network: evil, all: [evil], sandboxes: undefined, cspSource: 'vscode-webview://x', nonce: 'N0NCE' });
  assert.match(html, /default-src 'none'; img-src vscode-webview:\/\/x data:; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE';/);
  assert.ok(!html.includes('<img src=x'));
  for (const h of ['Topology', 'IPAM', 'Endpoints', 'Options', 'Labels', 'Raw JSON']) assert.match(html, new RegExp(`<h2>${h}`));
  assert.match(html, /&quot;EndpointID&quot;: &quot;451d525d0cca/);
  assert.ok(!/https?:\/\//.test(html.replace(/xmlns="http:\/\/www.w3.org\/2000\/svg"/, '')), 'no external URLs');
});

test('inspect page: the gateway in use where Docker leaves it out, marked (default); a macvlan parent; raw JSON untouched', () => {
  const mv = fakeNetwork('mv', 'macvlan', undefined, {
    Options: { parent: 'eth1' },
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '192.168.7.0/24', IPRange: '192.168.7.128/25' }] },
  });
  const html = renderInspectHtml({ network: mv, all: [mv], sandboxes: [], cspSource: 'x', nonce: 'n' });
  assert.match(html, /<td>192\.168\.7\.0\/24<\/td><td>192\.168\.7\.128 \(default\)<\/td>/);
  assert.match(html, /<div id="summary">Parent interface: <b>eth1<\/b> · Gateway: 192\.168\.7\.128 \(default\)<\/div>/);
  assert.match(html, /mv · 192\.168\.7\.0\/24 · parent eth1/);
  const raw = /<pre id="raw">([\s\S]*?)<\/pre>/.exec(html)![1];
  assert.ok(!raw.includes('Gateway'), "the raw JSON stays Docker's");
});
