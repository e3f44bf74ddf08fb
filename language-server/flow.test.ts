// Every provider gives the same answers for a file in block style and the same file in flow style
// (`networks: [front, back]`, `{driver: bridge}`), through the real server over streams.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Diagnostic, DocumentHighlight, Hover, Location, Position, WorkspaceEdit } from 'vscode-languageserver';
import { startTestClient, type TestClient } from './testing/lsp-client.js';

const STYLES = {
  block: `services:
  web:
    networks:
      - front
      - back
  db:
    networks:
      back:
        ipv4_address: 10.2.0.5
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 10.5.0.0/24
  back:
    driver: macvlan
    driver_opts:
      parent: eth0
    ipam:
      config:
        - subnet: 10.2.0.0/24
`,
  flow: `services:
  web: {networks: [front, back]}
  db: {networks: {back: {ipv4_address: 10.2.0.5}}}
networks:
  front: {driver: bridge, ipam: {config: [{subnet: 10.5.0.0/24}]}}
  back: {driver: macvlan, driver_opts: {parent: eth0}, ipam: {config: [{subnet: 10.2.0.0/24}]}}
`,
} as const;
type Style = keyof typeof STYLES;

let c: TestClient;
let n = 0;
before(async () => {
  c = await startTestClient();
});
after(() => c.close());

/** The position of the `nth` occurrence of `needle` in `text` (plus `delta` characters). */
function at(text: string, needle: string, nth = 0, delta = 1): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} #${nth} not in the text`);
  const before = text.slice(0, offset + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

function textAt(text: string, r: { start: Position; end: Position }): string {
  const lines = text.split('\n');
  return r.start.line === r.end.line
    ? lines[r.start.line].slice(r.start.character, r.end.character)
    : `${r.start.line}:${r.start.character}…`;
}

async function open(style: Style, text: string = STYLES[style]): Promise<{ uri: string; ds: Diagnostic[] }> {
  const uri = `file:///tmp/flow${n++}/compose.yaml`;
  return { uri, ds: await c.open(uri, text) };
}

/** Completion labels at the `|` in `text`. */
async function completeAt(textWithCursor: string): Promise<string[]> {
  const i = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, i) + textWithCursor.slice(i + 1);
  const { uri } = await open('block', text);
  const items: CompletionItem[] = await c.conn.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: at(textWithCursor, '|', 0, 0),
  });
  return items.map((x) => x.label);
}

for (const style of ['block', 'flow'] as const) {
  const text = STYLES[style];

  test(`${style}: no diagnostics; definition, references and highlight of a network`, async () => {
    const { uri, ds } = await open(style);
    assert.deepEqual(ds, []);
    const use = { textDocument: { uri }, position: at(text, 'back', 0) };
    const def: Location = await c.conn.sendRequest('textDocument/definition', use);
    assert.deepEqual(def.range.start, at(text, 'back', 2, 0));
    const refs: Location[] = await c.conn.sendRequest('textDocument/references', { ...use, context: { includeDeclaration: true } });
    assert.deepEqual(
      refs.map((r) => [textAt(text, r.range), r.range.start]),
      [0, 1, 2].map((i) => ['back', at(text, 'back', [2, 0, 1][i], 0)]),
    );
    const hl: DocumentHighlight[] = await c.conn.sendRequest('textDocument/documentHighlight', use);
    assert.deepEqual(
      hl.map((h) => h.kind),
      [3, 2, 2],
    );
  });

  test(`${style}: hover on a network, a key, a driver, a driver option, an attachment key`, async () => {
    const { uri } = await open(style);
    const hover = async (needle: string, nth = 0) => {
      const h: Hover | null = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: at(text, needle, nth) });
      return { value: (h?.contents as { value: string } | undefined)?.value ?? '', text: h?.range ? textAt(text, h.range) : undefined };
    };
    const net = await hover('front');
    assert.match(net.value, /\*\*network front\*\*: driver bridge; 10\.5\.0\.0\/24/);
    assert.equal(net.text, 'front');
    assert.deepEqual(await hover('driver', 1), { value: (await hover('driver', 0)).value, text: 'driver' });
    assert.match((await hover('driver')).value, /^\*\*driver\*\*: /);
    assert.match((await hover('macvlan')).value, /^\*\*macvlan\*\*: Sandboxes get their own MAC/);
    assert.match((await hover('parent')).value, /^\*\*parent\*\*: Host interface/);
    assert.match((await hover('ipv4_address')).value, /^\*\*ipv4_address\*\*: Static IPv4 address/);
    assert.match((await hover('subnet', 1)).value, /^\*\*subnet\*\*: /);
  });

  test(`${style}: rename a network renames its definition and every use`, async () => {
    const { uri } = await open(style);
    const edit: WorkspaceEdit = await c.conn.sendRequest('textDocument/rename', {
      textDocument: { uri },
      position: at(text, 'back', 1),
      newName: 'public',
    });
    assert.deepEqual(await c.applyEdits(uri, edit.changes![uri]), []);
    assert.equal(c.text(uri), text.replaceAll('back', 'public'));
  });

  test(`${style}: diagnostics find the same problems at the same words`, async () => {
    const bad = text
      .replace('front', 'nowhere')
      .replace('10.2.0.5', '10.9.0.5')
      .replace('parent: eth0', 'parent: eth0, bogus: x'.replace(', ', style === 'flow' ? ', ' : '\n      '));
    const { ds } = await open(style, bad);
    assert.deepEqual(ds.map((d) => [d.code, textAt(bad, d.range)]).sort(), [
      ['address-outside-subnet', '10.9.0.5'],
      ['undefined-network', 'nowhere'],
      ['unknown-driver-option', 'bogus'],
    ]);
  });
}

test('completion in a flow sequence of networks: the names, as in a block list', async () => {
  const defs = 'networks:\n  front: {}\n  back: {}\n';
  const block = await completeAt(`services:\n  web:\n    networks:\n      - front\n      - |\n${defs}`);
  assert.deepEqual(block, ['front', 'back', 'default']);
  assert.deepEqual(await completeAt(`services:\n  web:\n    networks: [front, |]\n${defs}`), block);
  assert.deepEqual(await completeAt(`services:\n  web:\n    networks: [|]\n${defs}`), block);
  assert.deepEqual(await completeAt(`services:\n  web:\n    networks: [front, ba|]\n${defs}`), block);
  assert.deepEqual(await completeAt(`services:\n  web:\n    networks: [\n      front,\n      |\n    ]\n${defs}`), block);
  assert.deepEqual(await completeAt(`services:\n  web: {networks: [front, |]}\n${defs}`), block);
});

test('completion in flow mappings: keys, values, driver options, pool keys; keys already present are not offered', async () => {
  const blockKeys = await completeAt('networks:\n  a:\n    driver: bridge\n    |\n    internal: true\n');
  const flowKeys = await completeAt('networks:\n  a: {driver: bridge, |, internal: true}\n');
  assert.deepEqual(flowKeys, blockKeys);
  assert.ok(blockKeys.includes('ipam') && blockKeys.includes('driver_opts'), blockKeys.join());
  assert.ok(!blockKeys.includes('driver') && !blockKeys.includes('internal'), blockKeys.join());
  assert.deepEqual(await completeAt('networks:\n  a: {driver: |}\n'), await completeAt('networks:\n  a:\n    driver: |\n'));
  assert.deepEqual(await completeAt('networks:\n  a: {internal: |}\n'), ['true', 'false']);
  const opts = await completeAt('networks:\n  a: {driver: macvlan, driver_opts: {parent: eth0, |}}\n');
  assert.deepEqual(opts, ['macvlan_mode', 'cnm.macvlan.host_shim', 'com.docker.network.driver.mtu']);
  assert.deepEqual(opts, await completeAt('networks:\n  a:\n    driver: macvlan\n    driver_opts:\n      parent: eth0\n      |\n'));
  assert.deepEqual(await completeAt('networks:\n  a: {ipam: {config: [{subnet: 10.0.0.0/24, |}]}}\n'), [
    'ip_range',
    'gateway',
    'aux_addresses',
  ]);
  assert.deepEqual(await completeAt('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          |\n'), [
    'ip_range',
    'gateway',
    'aux_addresses',
  ]);
  assert.deepEqual(await completeAt('services:\n  web: {networks: {front: {}, |}}\nnetworks:\n  front: {}\n  back: {}\n'), [
    'back',
    'default',
  ]);
  const svc = await completeAt('services:\n  web: {hostname: w, |}\n');
  assert.ok(svc.includes('networks') && !svc.includes('hostname'), svc.join());
});
