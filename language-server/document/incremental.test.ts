// The patched document must be indistinguishable from a full parse of the new text: same network
// table, same diagnostics (with their ranges), same node ranges. Checked over many edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { visit } from 'yaml';
import { parseCnmDocument, type CnmDocument } from './document.js';
import { patchDocument } from './incremental.js';
import { diagnose } from '../providers/diagnostics.js';

const TEXT = `name: demo
services:
  web:
    image: nginx
    networks:
      front:
        ipv4_address: 10.1.0.5
        aliases: [web-alias, www]
      back: {}
  db:
    image: postgres # the database
    networks: [back]
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 10.1.0.0/24
          gateway: 10.1.0.1
  back:
    driver: bridge
`;

function ranges(doc: CnmDocument): string {
  const out: string[] = [];
  visit(doc.yaml, { Node: (_k, n) => void out.push(JSON.stringify(n.range)) });
  return out.join(' ');
}

function same(patched: CnmDocument, text: string): void {
  const full = parseCnmDocument(patched.uri, patched.version, patched.kind, text);
  assert.equal(patched.text, text);
  assert.deepEqual(JSON.parse(JSON.stringify(patched.table)), JSON.parse(JSON.stringify(full.table)));
  assert.deepEqual(diagnose(patched, undefined), diagnose(full, undefined));
  assert.equal(ranges(patched), ranges(full));
  assert.deepEqual(patched.lines.lineStarts, full.lines.lineStarts);
  assert.equal(patched.yaml.toString(), full.yaml.toString());
}

/** Applies one edit both ways; returns whether the fast path took it. */
function edit(doc: CnmDocument, find: string, at: number, remove: number, insert: string): { next: CnmDocument; patched: boolean } {
  const td = TextDocument.create(doc.uri, 'yaml', doc.version, doc.text);
  const offset = doc.text.indexOf(find) + at;
  const change: TextDocumentContentChangeEvent = {
    range: { start: td.positionAt(offset), end: td.positionAt(offset + remove) },
    text: insert,
  };
  const text = TextDocument.applyEdits(td, [{ range: change.range, newText: insert }]);
  const p = patchDocument(doc, change, doc.version + 1, text);
  if (p) same(p, text);
  return { next: p ?? parseCnmDocument(doc.uri, doc.version + 1, doc.kind, text), patched: p !== undefined };
}

test('typing inside plain values is patched and equals a full parse, edit after edit', () => {
  let doc = parseCnmDocument('file:///w/compose.yaml', 1, 'compose', TEXT);
  const steps: Array<[string, number, number, string]> = [
    ['web-alias', 9, 0, 'x'], // append in a flow sequence
    ['web-aliasx', 0, 0, 'a'], // prepend
    ['nginx', 2, 1, 'G'], // replace inside
    ['postgres', 8, 0, '-15'], // before a comment
    ['bridge\n    ipam', 0, 6, 'overlay'], // whole value replaced
    ['10.1.0.5', 8, 0, '0'], // an address value (starts with a digit: full parse)
    ['www', 3, 0, '2'],
    ['back: {}', 0, 4, 'backend'], // a key, renamed
    ['ngGnx', 5, 0, ':latest'], // ':' is not safe: full parse
    ['[back]', 1, 4, 'front'], // flow sequence item
  ];
  const took: boolean[] = [];
  for (const [find, at, remove, insert] of steps) {
    assert.ok(doc.text.includes(find), find);
    const r = edit(doc, find, at, remove, insert);
    took.push(r.patched);
    doc = r.next;
  }
  assert.deepEqual(took, [true, true, true, true, true, false, true, true, false, true]);
});

test('edits that could change a value type, or docs with errors, are not patched', () => {
  const doc = parseCnmDocument('file:///w/compose.yaml', 1, 'compose', TEXT);
  assert.equal(edit(doc, 'nginx', 0, 5, 'true').patched, false);
  assert.equal(edit(doc, 'nginx', 0, 5, 'null').patched, false);
  assert.equal(edit(doc, 'nginx', 5, 0, ' x').patched, false);
  assert.equal(edit(doc, '  db:', 2, 2, 'web').patched, false, 'a key equal to a sibling is a duplicate: full parse');
  assert.equal(edit(doc, '  db:', 2, 2, 'cache').patched, true, 'a new service name is patched');
  const broken = parseCnmDocument('file:///w/compose.yaml', 1, 'compose', TEXT + 'oops: [\n');
  assert.equal(edit(broken, 'nginx', 5, 0, 'x').patched, false);
});

test('edits inside flow collections: patched ones equal a full parse; ones that change the structure are not patched', () => {
  const FLOW =
    'services:\n  web: {networks: [front, back]}\n  db: {networks: {back: {ipv4_address: 10.2.0.5}}}\nnetworks:\n  front: {driver: bridge, ipam: {config: [{subnet: 10.1.0.0/24}]}}\n  back: {driver: macvlan, driver_opts: {parent: eth0}}\n';
  let doc = parseCnmDocument('file:///w/compose.yaml', 1, 'compose', FLOW);
  const steps: Array<[string, number, number, string, boolean]> = [
    ['front, back]', 5, 0, 'x', true], // a flow sequence item grows
    ['frontx', 0, 6, 'public', true], // replaced
    ['bridge,', 0, 6, 'overlay', true], // a flow mapping value
    ['eth0}', 4, 0, '.10', true], // a value before the closing brace
    ['driver_opts', 0, 6, 'drv', true], // a flow mapping key
    ['public, back]', 6, 0, ', mid', false], // a new item: ',' is structure
    ['{back: {', 1, 4, 'back2', true], // an attachment key
    ['[public', 0, 1, '', false], // the bracket itself
  ];
  for (const [find, at, remove, insert, patched] of steps) {
    assert.ok(doc.text.includes(find), find);
    const r = edit(doc, find, at, remove, insert);
    assert.equal(r.patched, patched, `${find} → ${insert}`);
    doc = r.next;
  }
  // A flow mapping key renamed to its sibling's name is a duplicate: full parse.
  const dup = parseCnmDocument('file:///w/compose.yaml', 1, 'compose', 'networks: {a: {}, b: {}}\n');
  assert.equal(edit(dup, 'b: {}', 0, 1, 'a').patched, false);
  assert.equal(edit(dup, 'b: {}', 1, 0, 'c').patched, true);
});
