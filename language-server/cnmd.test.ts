// Against the real cnmd (dist/, run `npm run build` first), in a throwaway network namespace:
// `cnm diff` / `cnm apply` make a topology real, the language server's live checks and hover see
// it, and a changed file is applied as a recreate. Everything is removed afterwards, also on failure.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver';
import { ApiClient } from '../helper/api/client.js';
import { TestHost, pingOk } from '../test/integration/host.js';
import { startTestClient, type TestClient } from './testing/lsp-client.js';
import { isRoot, needsRoot } from '../test/root.js';

const TOPOLOGY = `name: lsplab
networks:
  front:
    ipam:
      config:
        - subnet: 10.213.0.0/24
sandboxes:
  web:
    networks:
      front:
        ipv4_address: 10.213.0.10
  db:
    networks: [front]
`;

let host: TestHost;
let c: TestClient | undefined;
let file: string;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('lsp');
  file = path.join(host.dir, 'lab.cnm.yaml');
  fs.writeFileSync(file, TOPOLOGY);
});
after(async () => {
  if (!isRoot) return;
  await c?.close();
  await host.destroy();
});

test('cnm diff, cnm apply -y, then the sandboxes reach each other and diff is empty', needsRoot, () => {
  assert.equal(
    host.mustCnm('diff', '-f', file),
    '+ create network front (bridge, 10.213.0.0/24)\n+ create sandbox web on front (10.213.0.10)\n+ create sandbox db on front',
  );
  const applied = host.mustCnm('apply', '-y', '-f', file);
  assert.match(applied, /Applied 3 step\(s\)\.$/);
  assert.ok(pingOk(host, 'db', '10.213.0.10'), host.daemonLog());
  assert.equal(host.mustCnm('diff', '-f', file), 'No changes: the host matches the file.');
});

test('the language server sees the host: overlap with the applied network, hover with endpoints', needsRoot, async () => {
  c = await startTestClient({ cnmHost: host.hostUrl });
  const uri = `file://${path.join(host.dir, 'other.cnm.yaml')}`;
  await c.open(
    uri,
    'networks:\n  other:\n    ipam:\n      config:\n        - subnet: 10.213.0.128/25\n  lan:\n    driver: macvlan\n    driver_opts:\n      parent: eth9\n',
  );
  // Whether this cnmd has macvlan is its own answer (GET /info); without it the file's use is flagged, naming the host.
  const info = await new ApiClient(host.hostUrl).info();
  const lacksMacvlan = !info.Plugins.Network.includes('macvlan');
  const ds: Diagnostic[] = await c.diagnosticsWhere(uri, (d) => d.length >= (lacksMacvlan ? 3 : 2), 10_000);
  assert.deepEqual(ds.map((d) => d.code).sort(), [
    ...(lacksMacvlan ? ['driver-not-on-host'] : []),
    'host-subnet-overlap',
    'macvlan-parent-unknown',
  ]);
  if (lacksMacvlan)
    assert.match(
      ds.find((d) => d.code === 'driver-not-on-host')!.message,
      new RegExp(
        `^The cnmd on host "${info.Name}" \\(${host.hostUrl}\\) has no macvlan driver \\(it has: ${info.Plugins.Network.join(', ')}\\)\\.$`,
      ),
    );
  assert.match(ds.find((d) => d.code === 'host-subnet-overlap')!.message, /overlaps network "front" on the host/);
  const labUri = `file://${file}`;
  await c.open(labUri, TOPOLOGY);
  const hov: Hover = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: labUri }, position: { line: 2, character: 3 } });
  assert.match((hov.contents as { value: string }).value, /Endpoints: web 10\.213\.0\.10\/24; db 10\.213\.0\.\d+\/24/);
});

test('a changed file is applied through the server: the network is recreated and reconnected', needsRoot, async () => {
  const labUri = `file://${file}`;
  await c!.change(labUri, TOPOLOGY.replace('10.213.0.0/24', '10.214.0.0/24').replace('10.213.0.10', '10.214.0.10'));
  const diff: { text: string } = await c!.conn.sendRequest('cnm/diff', { uri: labUri });
  assert.equal(
    diff.text,
    '- disconnect web from front\n- disconnect db from front\n~ recreate network front: ipam: subnet=10.213.0.0/24 → subnet=10.214.0.0/24\n+ connect web to front (10.214.0.10)\n+ connect db to front\n',
  );
  await c!.conn.sendRequest('cnm/apply', { uri: labUri });
  assert.ok(pingOk(host, 'db', '10.214.0.10'), host.daemonLog());
  const again: { text: string } = await c!.conn.sendRequest('cnm/diff', { uri: labUri });
  assert.equal(again.text, 'No changes: the host matches the file.\n');
});
