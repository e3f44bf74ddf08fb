// Where the cursor is in YAML terms, read from the text by indentation rather than from the AST,
// so that it works on the half-typed lines completion is asked for. The path uses '-' for "an item
// of a list": ['networks', 'front', 'ipam', 'config', '-'].
export interface CursorContext {
  path: string[];
  /** key: typing a key (or a list item that may become one); value: after `key:`. */
  mode: 'key' | 'value';
  /** The key whose value is being typed (mode value). */
  key?: string;
  /** What is typed so far of the key or value, and where it starts on the line. */
  prefix: string;
  prefixStart: number;
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

export function cursorContext(lines: readonly string[], line: number, character: number): CursorContext {
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
    return { path, mode: 'value', key: kv[1].replace(/^["']|["']$/g, ''), prefix: kv[2].slice(quote), prefixStart: valueStart + quote };
  }
  return { path, mode: 'key', prefix: rest, prefixStart: indent + dash };
}
