// Code actions: the quick fixes diagnostics carry (insert a free subnet, define a missing network,
// fix a gateway, remove a duplicate address) and, on a network without pools, "add a free subnet".
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { isMap } from 'yaml';
import type { Fix, HostSnapshot } from '../checks/check.js';
import { offsetAt, positionAt, rangeOf, type CnmDocument } from '../document/document.js';
import { occurrenceAt, type NetworkDef } from '../document/table.js';
import { freeSubnets, hostSubnets } from '../live/free-subnets.js';
import { SOURCE } from './diagnostics.js';

function action(doc: CnmDocument, title: string, edits: TextEdit[], diagnostic?: Diagnostic): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: diagnostic !== undefined,
    edit: { changes: { [doc.uri]: edits } },
  };
}

/** A subnet that overlaps nothing in the file (but the one being replaced) or on the host. */
function freeSubnet(doc: CnmDocument, host: HostSnapshot | undefined, replacing?: Range): string {
  const used = doc.table.networks.flatMap((n) =>
    n.pools.flatMap((p) =>
      p.subnet && !(replacing && rangeOf(doc, p.subnet.span).start.line === replacing.start.line) ? [p.subnet.value] : [],
    ),
  );
  return freeSubnets([...used, ...hostSubnets(host)], 1)[0];
}

/** Column of the first network's key, the indentation new networks get. */
function networkIndent(doc: CnmDocument): string {
  const first = doc.table.networks[0];
  return ' '.repeat(first ? positionAt(doc, first.key.start).character : 2);
}

/** Where a line-based insertion after a node goes: the start of the line after its last character. */
function lineAfter(doc: CnmDocument, end: number): Range {
  const pos = positionAt(doc, Math.max(end - 1, 0));
  const at = doc.text[end - 1] === '\n' ? positionAt(doc, end) : { line: pos.line + 1, character: 0 };
  return { start: at, end: at };
}

function defineNetwork(doc: CnmDocument, name: string): TextEdit | undefined {
  const map = doc.table.networksMap;
  if (map?.flow) return undefined;
  if (!map || !map.range) {
    const eol = doc.text.endsWith('\n') || doc.text === '' ? '' : '\n';
    const at = positionAt(doc, doc.text.length);
    return { range: { start: at, end: at }, newText: `${eol}networks:\n  ${name}: {}\n` };
  }
  const range = lineAfter(doc, map.range[1]);
  const tail = range.start.line >= doc.lines.lineStarts.length ? '\n' : '';
  return { range, newText: `${tail}${networkIndent(doc)}${name}: {}\n` };
}

function fixEdits(doc: CnmDocument, fix: Fix, d: Diagnostic, host: HostSnapshot | undefined): [string, TextEdit[]] | undefined {
  switch (fix.kind) {
    case 'replace':
      return [fix.title, [{ range: d.range, newText: fix.text }]];
    case 'delete-line':
      return [
        fix.title,
        [
          {
            range: { start: { line: d.range.start.line, character: 0 }, end: { line: d.range.start.line + 1, character: 0 } },
            newText: '',
          },
        ],
      ];
    case 'free-subnet': {
      const subnet = freeSubnet(doc, host, d.range);
      return [`Use the free subnet ${subnet}`, [{ range: d.range, newText: subnet }]];
    }
    case 'define-network': {
      const edit = defineNetwork(doc, fix.name);
      return edit && [`Define network "${fix.name}" under networks:`, [edit]];
    }
  }
}

/** On a network without address pools: add an ipam block with a free subnet. */
function addSubnet(doc: CnmDocument, net: NetworkDef, host: HostSnapshot | undefined): CodeAction | undefined {
  if (net.pools.length > 0 || net.external || (net.map && (net.map.flow || !isMap(net.map)))) return undefined;
  if (!net.map && doc.text.slice(net.key.end, net.entry.end).includes('{')) return undefined;
  const indent = ' '.repeat(positionAt(doc, net.key.start).character + 2);
  const subnet = freeSubnet(doc, host);
  const range = lineAfter(doc, net.map?.range ? net.map.range[1] : net.entry.end);
  const block = net.map?.items.some((p) => (p.key as { value?: unknown } | null)?.value === 'ipam');
  if (block) return undefined;
  const newText = `${indent}ipam:\n${indent}  config:\n${indent}    - subnet: ${subnet}\n`;
  return { title: `Add the free subnet ${subnet}`, kind: CodeActionKind.Refactor, edit: { changes: { [doc.uri]: [{ range, newText }] } } };
}

export function codeActions(doc: CnmDocument, params: CodeActionParams, host: HostSnapshot | undefined): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== SOURCE || !d.data) continue;
    const fixed = fixEdits(doc, d.data as Fix, d, host);
    if (fixed) out.push(action(doc, fixed[0], fixed[1], d));
  }
  const occ = occurrenceAt(doc.table, offsetAt(doc, params.range.start));
  const net = occ?.kind === 'definition' ? doc.table.byName.get(occ.name) : undefined;
  const add = net && addSubnet(doc, net, host);
  if (add) out.push(add);
  return out;
}
