// Typing inside a plain scalar (a name, a key, a driver) is the most common edit. For that one
// edit the new document is the old one with one scalar's text changed and every later offset
// shifted: patching it costs a walk over the nodes instead of a whole parse. Anything else
// (quotes, new lines, flow or comment characters, a change that could turn the scalar into a
// number, boolean or null, a key equal to a sibling's, documents with errors or aliases) falls
// back to a full parse.
import { isMap, isScalar, visit, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { buildTable } from './table.js';
import { offsetAt, type CnmDocument } from './document.js';

/** Text that stays a plain string scalar in YAML 1.2's core schema, whatever surrounds it. */
const SAFE = /^[A-Za-z_][A-Za-z0-9_./@-]*$/;
const RESERVED = /^(true|false|null|y|n|yes|no|on|off)$/i;

export function patchDocument(
  prev: CnmDocument,
  change: TextDocumentContentChangeEvent,
  version: number,
  text: string,
): CnmDocument | undefined {
  if (!('range' in change) || prev.yaml.errors.length > 0 || prev.yaml.warnings.length > 0) return undefined;
  const start = offsetAt(prev, change.range.start);
  const end = offsetAt(prev, change.range.end);
  let target: Scalar | undefined;
  let aliases = false;
  /** For a mapping key: the keys of its map (a new key equal to one of them is a duplicate). */
  let siblings: unknown[] = [];
  visit(prev.yaml, {
    Alias: () => {
      aliases = true;
      return visit.BREAK;
    },
    Scalar(key, node, path) {
      const [from, to] = node.range ?? [0, 0];
      if (from <= start && end <= to) {
        target = node;
        siblings = key === 'key' && isMap(path[path.length - 2]) ? (path[path.length - 2] as YAMLMap).items.map((p) => p.key) : [];
      }
    },
  });
  if (aliases || !target || target.type !== 'PLAIN' || typeof target.value !== 'string' || target.anchor || target.tag) return undefined;
  const [from, to] = target.range!;
  const old = prev.text.slice(from, to);
  const next = old.slice(0, start - from) + change.text + old.slice(end - from);
  if (!SAFE.test(next) || RESERVED.test(next) || old.includes('\n')) return undefined;
  if (siblings.some((k) => isScalar(k) && k !== target && k.value === next)) return undefined;
  const delta = next.length - old.length;
  // Every offset at or past the end of the edited text moves by delta; the scalar keeps its start.
  const shift = (r: number[] | undefined) => {
    if (r) for (let i = 0; i < r.length; i++) if (r[i] >= end) r[i] += delta;
  };
  visit(prev.yaml, { Node: (_k, node: Node) => shift(node.range ?? undefined) });
  shift(prev.yaml.range);
  target.range![0] = from;
  target.value = next;
  (target as Scalar & { source?: string }).source = next;
  const starts = prev.lines.lineStarts;
  for (let i = 0; i < starts.length; i++) if (starts[i] > start) starts[i] += delta;
  return { ...prev, version, text, table: buildTable(prev.yaml, prev.kind) };
}
