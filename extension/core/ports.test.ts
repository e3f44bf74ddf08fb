import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClient } from './fakeClient.js';
import { browserUrl, httpMappings, renderPortsHtml } from './ports.js';
import { sandboxesTree } from './tree.js';

test('browser URLs: localhost for wildcard and loopback bindings (what port forwarding carries), the address otherwise', () => {
  assert.equal(browserUrl({ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }), 'http://localhost:8080/');
  assert.equal(browserUrl({ proto: 'tcp', containerPort: 443, hostIp: '::', hostPort: 8443 }), 'https://localhost:8443/');
  assert.equal(browserUrl({ proto: 'tcp', containerPort: 80, hostIp: '192.0.2.1', hostPort: 80 }), 'http://192.0.2.1:80/');
  assert.equal(browserUrl({ proto: 'tcp', containerPort: 80, hostIp: '2001:db8::1', hostPort: 80 }), 'http://[2001:db8::1]:80/');
});

test('HTTP ports: tcp only, one per host port; the sandbox row says so in its tooltip and context', async () => {
  const s = await new FakeClient().createSandbox({
    Name: 'web',
    PortBindings: {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
      ],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    },
  });
  assert.deepEqual(httpMappings(s), [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }]);
  const snapshot = { reachability: { state: 'connected' }, sandboxes: [s], networks: [] } as unknown as Parameters<typeof sandboxesTree>[0];
  const [row] = sandboxesTree(snapshot);
  assert.match(row!.contextValue, /\bhttpPort\b/);
  assert.match(row!.tooltip!, /- Port 80\/tcp → 0\.0\.0\.0:8080/);
  assert.match(row!.tooltip!, /- Port 53\/udp → 127\.0\.0\.1:5353/);
});

test('the port table escapes what it shows and says where each port is reachable', () => {
  const html = renderPortsHtml(
    [
      {
        proto: 'tcp',
        containerPort: 80,
        hostIp: '0.0.0.0',
        hostPort: 8080,
        sandbox: '<web>',
        sandboxId: 'a',
        network: 'front',
        containerIp: '172.18.0.2',
        reachableAt: ['192.0.2.1:8080', '127.0.0.1:8080'],
      },
    ],
    { cspSource: 'x', nonce: 'n' },
  );
  assert.match(html, /&lt;web&gt;/);
  assert.match(html, /192\.0\.2\.1:8080, 127\.0\.0\.1:8080/);
  assert.match(html, /default-src 'none'/);
  assert.match(renderPortsHtml([], { cspSource: 'x', nonce: 'n' }), /No published ports/);
});
