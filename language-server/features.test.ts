// Completion, hover, navigation, rename, code actions (applied and re-checked), symbols and code
// lens, through the real server over streams.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { startTestClient, type TestClient } from './testing/lsp-client.js';

let c: TestClient;
after(() => c.close());

const COMPOSE = `services:
  web:
    networks:
      front:
        ipv4_address: 172.28.0.5
      back:
  db:
    networks: [back]
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 172.28.0.0/16
  back:
    driver: macvlan
    driver_opts:
      parent: eth0
`;
const URI = 'file:///tmp/features/compose.yaml';
const pos = (line: number, character: number) => ({ textDocument: { uri: URI }, position: { line, character } });
let n = 0;

async function completeAt(text: string, line: number, character: number, file = 'compose.yaml'): Promise<string[]> {
  const uri = `file:///tmp/c${n++}/${file}`;
  await c.open(uri, text);
  const items: CompletionItem[] = await c.conn.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: { line, character },
  });
  return items.map((i) => i.label);
}

before(async () => {
  c = await startTestClient();
  await c.open(URI, COMPOSE);
});

test('completion: network keys, drivers, driver options per driver, booleans', async () => {
  const keys = await completeAt('networks:\n  a:\n    \n', 2, 4);
  assert.ok(
    ['driver', 'driver_opts', 'ipam', 'internal', 'external'].every((k) => keys.includes(k)),
    keys.join(),
  );
  assert.deepEqual(await completeAt('networks:\n  a:\n    driver: ', 2, 12), ['bridge', 'overlay', 'macvlan', 'host', 'null']);
  const macvlan = await completeAt('networks:\n  a:\n    driver: macvlan\n    driver_opts:\n      \n', 4, 6);
  assert.deepEqual(macvlan, ['parent', 'macvlan_mode', 'cnm.macvlan.host_shim', 'com.docker.network.driver.mtu']);
  const bridge = await completeAt('networks:\n  a:\n    driver_opts:\n      \n', 3, 6);
  assert.ok(bridge.includes('com.docker.network.bridge.enable_icc'));
  assert.deepEqual(await completeAt('networks:\n  a:\n    internal: ', 2, 14), ['true', 'false']);
  assert.deepEqual(await completeAt('networks:\n  a:\n    driver: macvlan\n    driver_opts:\n      macvlan_mode: ', 4, 20), [
    'bridge',
    'vepa',
    'passthru',
    'private',
  ]);
});

test("completion: pool keys inside ipam.config items, free subnets without the file's own", async () => {
  const pool = await completeAt('networks:\n  a:\n    ipam:\n      config:\n        - \n', 4, 10);
  assert.deepEqual(pool, ['subnet', 'ip_range', 'gateway', 'aux_addresses']);
  const next = await completeAt('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          \n', 5, 10);
  assert.ok(next.includes('gateway'));
  const subnets = await completeAt(
    'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 172.17.0.0/16\n  b:\n    ipam:\n      config:\n        - subnet: \n',
    8,
    18,
  );
  assert.deepEqual(subnets, ['172.18.0.0/16', '172.19.0.0/16', '172.20.0.0/16']);
});

test('completion: network names under a service, as list items and as map keys; service keys', async () => {
  const text = 'services:\n  web:\n    networks:\n      - \nnetworks:\n  front: {}\n  back: {}\n';
  assert.deepEqual(await completeAt(text, 3, 8), ['front', 'back', 'default']);
  const map = 'services:\n  web:\n    networks:\n      \nnetworks:\n  front: {}\n';
  assert.deepEqual(await completeAt(map, 3, 6), ['front', 'default']);
  const svc = await completeAt('services:\n  web:\n    \n', 2, 4);
  assert.ok(['networks', 'network_mode', 'hostname', 'dns', 'ports'].every((k) => svc.includes(k)));
  const topo = await completeAt('sandboxes:\n  s:\n    networks:\n      a:\n        \nnetworks:\n  a: {}\n', 4, 8, 'x.cnm.yaml');
  assert.ok(topo.includes('ipv4_address') && topo.includes('aliases'));
  assert.deepEqual(await completeAt('', 0, 0, 'x.cnm.yaml'), ['name', 'networks', 'sandboxes']);
});

test('hover: keys, driver options, drivers, network names', async () => {
  const h = (line: number, ch: number) => c.conn.sendRequest('textDocument/hover', pos(line, ch)) as Promise<Hover | null>;
  const text = (x: Hover | null) => (x?.contents as { value: string }).value;
  assert.match(text(await h(4, 10)), /\*\*ipv4_address\*\*: Static IPv4 address/);
  assert.match(text(await h(17, 8)), /\*\*parent\*\*: Host interface/);
  assert.match(text(await h(15, 14)), /\*\*macvlan\*\*: Sandboxes get their own MAC/);
  const net = await h(3, 7);
  assert.match(text(net), /\*\*network front\*\*: driver bridge; 172\.28\.0\.0\/16/);
  assert.match(text(net), /cnmd not connected/);
  assert.deepEqual(net?.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 11 } });
});

test('definition, references, highlight', async () => {
  const def: Location = await c.conn.sendRequest('textDocument/definition', pos(7, 16));
  assert.deepEqual(def.range.start, { line: 14, character: 2 });
  const refs: Location[] = await c.conn.sendRequest('textDocument/references', { ...pos(14, 3), context: { includeDeclaration: true } });
  assert.deepEqual(
    refs.map((r) => r.range.start.line),
    [14, 5, 7],
  );
  const hl: Array<{ kind: number }> = await c.conn.sendRequest('textDocument/documentHighlight', pos(5, 7));
  assert.deepEqual(
    hl.map((x) => x.kind),
    [3, 2, 2],
  );
});

test('rename a network: definition and uses; bad names refused', async () => {
  const prep = await c.conn.sendRequest('textDocument/prepareRename', pos(9, 3));
  assert.deepEqual(prep, { start: { line: 9, character: 2 }, end: { line: 9, character: 7 } });
  const edit: WorkspaceEdit = await c.conn.sendRequest('textDocument/rename', { ...pos(9, 3), newName: 'public' });
  const renamed = c.text(URI);
  const ds = await c.applyEdits(URI, edit.changes![URI]);
  assert.deepEqual(ds, []);
  assert.match(c.text(URI), /^ {6}public:$/m);
  assert.match(c.text(URI), /^ {2}public:$/m);
  await c.change(URI, renamed);
  await assert.rejects(c.conn.sendRequest('textDocument/rename', { ...pos(9, 3), newName: 'bad name' }), /not a valid network name/);
  await assert.rejects(c.conn.sendRequest('textDocument/rename', { ...pos(9, 3), newName: 'back' }), /already defined/);
});

async function fixes(uri: string, ds: Diagnostic[]): Promise<CodeAction[]> {
  return c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: ds[0].range, context: { diagnostics: ds } });
}

async function fixAndRecheck(text: string, title: RegExp, file = 'compose.yaml'): Promise<[string, Diagnostic[]]> {
  const uri = `file:///tmp/f${n++}/${file}`;
  const ds = await c.open(uri, text);
  assert.equal(ds.length, 1, JSON.stringify(ds));
  const actions = await fixes(uri, ds);
  const a = actions.find((x) => title.test(x.title));
  assert.ok(a, `no action ${title} in ${actions.map((x) => x.title).join(', ')}`);
  const after = await c.applyEdits(uri, a.edit!.changes![uri] as TextEdit[]);
  return [c.text(uri), after];
}

test('code action: define a missing network (with and without a networks: section)', async () => {
  const [text, after] = await fixAndRecheck(
    'services:\n  web:\n    networks: [front, back]\nnetworks:\n  back:\n    driver: bridge\n',
    /Define network "front"/,
  );
  assert.equal(text, 'services:\n  web:\n    networks: [front, back]\nnetworks:\n  back:\n    driver: bridge\n  front: {}\n');
  assert.deepEqual(after, []);
  const [text2, after2] = await fixAndRecheck('services:\n  web:\n    networks: [front]', /Define network "front"/);
  assert.equal(text2, 'services:\n  web:\n    networks: [front]\nnetworks:\n  front: {}\n');
  assert.deepEqual(after2, []);
});

test('code action: fix the gateway, remove a duplicate address, use a free subnet', async () => {
  const pool = 'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.9.1\n';
  const [g, gAfter] = await fixAndRecheck(pool, /first address 10\.0\.0\.1/);
  assert.match(g, /gateway: 10\.0\.0\.1\n/);
  assert.deepEqual(gAfter, []);
  const dup =
    'services:\n  w1:\n    networks:\n      a:\n        ipv4_address: 10.0.0.5\n  w2:\n    networks:\n      a:\n        ipv4_address: 10.0.0.5\n        aliases: [x]\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n';
  const [d, dAfter] = await fixAndRecheck(dup, /Remove the duplicate address/);
  assert.match(d, / {2}w2:\n {4}networks:\n {6}a:\n {8}aliases: \[x\]\n/);
  assert.deepEqual(dAfter, []);
  const overlap =
    'networks:\n  a:\n    ipam:\n      config:\n        - subnet: 172.18.0.0/16\n  b:\n    ipam:\n      config:\n        - subnet: 172.18.1.0/24\n';
  const [o, oAfter] = await fixAndRecheck(overlap, /free subnet 172\.17\.0\.0\/16/);
  assert.match(o, /- subnet: 172\.17\.0\.0\/16\n$/);
  assert.deepEqual(oAfter, []);
});

test('code action on a network without pools: add a free subnet', async () => {
  const uri = `file:///tmp/f${n++}/lab.cnm.yaml`;
  await c.open(uri, 'networks:\n  a:\n    driver: bridge\n  b:\nsandboxes: {}\n');
  for (const [line, expected] of [
    [1, 'networks:\n  a:\n    driver: bridge\n    ipam:\n      config:\n        - subnet: 172.17.0.0/16\n  b:\nsandboxes: {}\n'],
    [
      6,
      'networks:\n  a:\n    driver: bridge\n    ipam:\n      config:\n        - subnet: 172.17.0.0/16\n  b:\n    ipam:\n      config:\n        - subnet: 172.18.0.0/16\nsandboxes: {}\n',
    ],
  ] as const) {
    const actions: CodeAction[] = await c.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 3 }, end: { line, character: 3 } },
      context: { diagnostics: [] },
    });
    const add = actions.find((a) => /Add the free subnet/.test(a.title))!;
    assert.deepEqual(await c.applyEdits(uri, add.edit!.changes![uri] as TextEdit[]), []);
    assert.equal(c.text(uri), expected);
  }
});

test('document symbols and code lens', async () => {
  const syms: DocumentSymbol[] = await c.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: URI } });
  assert.deepEqual(
    syms.map((s) => [s.name, s.children?.map((x) => `${x.name}: ${x.detail}`)]),
    [
      ['networks', ['front: bridge 172.28.0.0/16', 'back: macvlan']],
      ['services', ['web: front, back', 'db: back']],
    ],
  );
  const lenses: Array<{ command: { title: string } }> = await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } });
  assert.deepEqual(
    lenses.map((l) => l.command.title),
    ['cnm: cnmd not connected'],
  );
});
