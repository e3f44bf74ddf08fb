// Where the cursor is in YAML terms, read from the text by indentation rather than from the AST,
// so that it works on the half-typed lines completion is asked for. The path uses '-' for "an item
// of a list": ['networks', 'front', 'ipam', 'config', '-']. Inside a flow collection (`[a, b]`,
// `{k: v}`) the path goes on from the block key that holds it (flow.ts).
import { scanFlow, type FlowPosition } from './flow.js';

export interface CursorContext {
  path: string[];
  /** key: typing a key (or a list item that may become one); value: after `key:`. */
  mode: 'key' | 'value';
  /** The key whose value is being typed (mode value). */
  key?: string;
  /** What is typed so far of the key or value, and where it starts on the line. */
  prefix: string;
  prefixStart: number;
  /** Keys the enclosing map already has (mode key), so completion does not offer them again. */
  siblings: string[];
}

interface LineShape {
  indent: number;
  /** Width of `- ` when the line starts a list item. */
  dash: number;
  key?: string;
}

const LINE = /^( *)(- +)?(?:("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?) *:(?: |$))?/;

function shapeOf(text: string): LineShape | undefined {
  if (/^\s*(#|$)/.test(text)) return undefined;
  const m = LINE.exec(text)!;
  return { indent: m[1].length, dash: m[2]?.length ?? 0, key: m[3]?.replace(/^["']|["']$/g, '') };
}

/** The keys (and list items) that enclose a line whose content starts at `column`. */
function parentPath(lines: readonly string[], line: number, column: number, inItem: boolean): string[] {
  const path: string[] = [];
  let limit = column;
  // The parent of a list item may sit at the item's own column (`networks:` / `- a` aligned).
  let sameColumnParent = inItem;
  for (let l = line - 1; l >= 0 && (limit > 0 || sameColumnParent); l--) {
    const s = shapeOf(lines[l]);
    if (!s) continue;
    const keyColumn = s.indent + s.dash;
    if (s.key !== undefined && (keyColumn < limit || (sameColumnParent && keyColumn === limit && s.dash === 0))) {
      path.unshift(s.key);
      limit = keyColumn;
      sameColumnParent = false;
      if (s.dash === 0) continue;
    } else if (s.dash === 0 || s.indent >= limit) {
      continue;
    }
    // A `- ` line enclosing us: we are inside that item.
    path.unshift('-');
    limit = s.indent;
    sameColumnParent = true;
  }
  return path;
}

/** How far back a multi-line flow collection's opening bracket is looked for. */
const FLOW_LOOKBACK_LINES = 200;
/** A line whose value (or list item) opens a flow collection: the bracket is the last character matched. */
const FLOW_OPEN = /^( *)((?:- +)*)(?:("[^"]*"|'[^']*'|[^\s:#'"[\]{}][^:#]*?) *: +)?[[{]/;

/** The flow collection the cursor is in, with the block context of its opening bracket. */
function flowAt(lines: readonly string[], line: number, character: number): { open: CursorContext; flow: FlowPosition } | undefined {
  const starts: number[] = [];
  let offset = 0;
  for (let l = Math.max(0, line - FLOW_LOOKBACK_LINES); l <= line; l++) {
    starts[l] = offset;
    offset += (lines[l] ?? '').length + 1;
  }
  const first = Math.max(0, line - FLOW_LOOKBACK_LINES);
  const text = lines.slice(first, line + 1).join('\n') + '\n' + lines.slice(line + 1, line + 1 + FLOW_LOOKBACK_LINES).join('\n');
  const cursor = starts[line] + character;
  for (let l = line; l >= first; l--) {
    const m = FLOW_OPEN.exec(lines[l]);
    const column = m ? m[0].length - 1 : -1;
    if (!m || starts[l] + column >= cursor) continue;
    const scan = scanFlow(text, starts[l] + column, cursor);
    if (scan === 'closed') return undefined;
    if (scan !== 'outer') return { open: blockContext(lines, l, column), flow: scan };
  }
  return undefined;
}

export function cursorContext(lines: readonly string[], line: number, character: number): CursorContext {
  const inFlow = flowAt(lines, line, character);
  if (!inFlow) return blockContext(lines, line, character);
  const { open, flow } = inFlow;
  const path = [...open.path, ...(open.mode === 'value' ? [open.key!] : []), ...flow.path, ...(flow.kind === '[' ? ['-'] : [])];
  const quote = /^["']/.test(flow.token) ? 1 : 0;
  const prefix = flow.token.slice(quote);
  const start = character - prefix.length;
  if (flow.key !== undefined) return { path, mode: 'value', key: flow.key, prefix, prefixStart: start, siblings: [] };
  return { path, mode: 'key', prefix, prefixStart: start, siblings: flow.siblings };
}

/** Keys at `column` in the block map the cursor's line belongs to, above and below it. */
function blockSiblings(lines: readonly string[], line: number, column: number, startsItem: boolean): string[] {
  const out: string[] = [];
  for (let l = line - 1; l >= 0; l--) {
    const s = shapeOf(lines[l]);
    if (!s) continue;
    const keyColumn = s.indent + s.dash;
    if (s.dash > 0 && keyColumn === column) {
      // The `- ` line that starts our list item (unless ours starts its own).
      if (!startsItem && s.key !== undefined) out.push(s.key);
      break;
    }
    if (s.indent < column) break;
    if (s.indent === column && s.dash === 0 && s.key !== undefined) out.push(s.key);
  }
  for (let l = line + 1; l < lines.length; l++) {
    const s = shapeOf(lines[l]);
    if (!s) continue;
    if (s.indent < column || (s.dash > 0 && s.indent + s.dash <= column)) break;
    if (s.indent === column && s.dash === 0 && s.key !== undefined) out.push(s.key);
  }
  return out;
}

function blockContext(lines: readonly string[], line: number, character: number): CursorContext {
  const before = (lines[line] ?? '').slice(0, character);
  const m = /^( *)(- +)?(.*)$/.exec(before)!;
  const indent = m[1].length;
  const dash = m[2]?.length ?? 0;
  const rest = m[3];
  const path = parentPath(lines, line, indent, dash > 0);
  if (dash) path.push('-');
  const kv = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?) *: *(.*)$/.exec(rest);
  if (kv) {
    const valueStart = character - kv[2].length;
    const quote = /^["']/.test(kv[2]) ? 1 : 0;
    return {
      path,
      mode: 'value',
      key: kv[1].replace(/^["']|["']$/g, ''),
      prefix: kv[2].slice(quote),
      prefixStart: valueStart + quote,
      siblings: [],
    };
  }
  return { path, mode: 'key', prefix: rest, prefixStart: indent + dash, siblings: blockSiblings(lines, line, indent + dash, dash > 0) };
}
