// Flow collections (`networks: [front, back]`, `{driver: bridge}`) around the cursor, read from
// the text like cursor.ts's block logic: completion is asked on half-typed text, where the parser's
// tree says little. A scan runs from an opening bracket to the cursor, keeping a stack of frames.

interface Frame {
  kind: '[' | '{';
  /** The path element that leads into this frame from its parent frame ('-' or a key). */
  via?: string;
  /** The key whose value is being written (after `key:`). */
  key?: string;
  value: boolean;
  /** Keys written in this frame so far. */
  keys: Array<{ key: string; tokenStart: number }>;
  tokenStart: number;
}

export interface FlowPosition {
  /** Path elements from the outermost collection's value to the innermost one. */
  path: string[];
  kind: '[' | '{';
  /** The key whose value the cursor is in, if any (`{driver: |}`). */
  key?: string;
  /** Text typed of the current item, key or value, up to the cursor (on the cursor's line). */
  token: string;
  /** Keys of the innermost map, before and after the cursor, without the one being typed. */
  siblings: string[];
}

/** 'closed': the collection ends before the cursor; 'outer': it was itself inside another one. */
export type FlowScan = FlowPosition | 'closed' | 'outer';

const SEPARATOR = /[\s,[\]{}]/;
const unquote = (s: string) => s.trim().replace(/^["']|["']$/g, '');

/**
 * Scans `text` from the bracket at `from` to `cursor`, then on to where the innermost collection
 * ends (for the keys written after the cursor).
 */
export function scanFlow(text: string, from: number, cursor: number): FlowScan {
  const stack: Frame[] = [];
  let atCursor: { frame: Frame; tokenStart: number; position: Omit<FlowPosition, 'siblings'> } | undefined;
  /** Where to go on after the cursor when it sits inside a quoted scalar or a comment. */
  let resume: number | undefined;
  for (let i = from; i <= text.length; i++) {
    if (i === cursor) {
      if (!stack.length) return 'closed';
      const top = stack[stack.length - 1];
      const typed = text.slice(top.tokenStart, cursor);
      const token = typed.slice(typed.lastIndexOf('\n') + 1).trimStart();
      const path = stack.slice(1).map((f) => f.via!);
      atCursor = {
        frame: top,
        tokenStart: top.tokenStart,
        position: { path, kind: top.kind, key: top.value ? top.key : undefined, token },
      };
      if (resume !== undefined) {
        i = resume;
        continue;
      }
    }
    if (i === text.length) break;
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === '"' || c === "'" || (c === '#' && (i === 0 || /\s/.test(text[i - 1])))) {
      const nl = text.indexOf('\n', i);
      const end = c === '#' ? (nl < 0 ? text.length : nl) - 1 : endOfQuote(text, i);
      // The cursor inside the quotes or the comment: stop there, then go on past them.
      if (end >= cursor && i < cursor) {
        resume = end;
        i = cursor - 1;
      } else i = end;
    } else if (c === '[' || c === '{') {
      stack.push({ kind: c, via: top && (top.kind === '{' ? (top.key ?? '') : '-'), value: false, keys: [], tokenStart: i + 1 });
    } else if (c === ']' || c === '}') {
      const closed = stack.pop();
      if (!closed) return 'outer';
      if (closed === atCursor?.frame) break;
      // Closed before the cursor: a `,` or bracket right after it means an enclosing collection.
      if (!stack.length) return /^[ \t]*[,\]}]/.test(text.slice(i + 1)) ? 'outer' : 'closed';
      stack[stack.length - 1].tokenStart = i + 1;
    } else if (c === ',') {
      if (!top) return 'outer';
      top.key = undefined;
      top.value = false;
      top.tokenStart = i + 1;
    } else if (
      c === ':' &&
      top &&
      (i + 1 >= text.length || SEPARATOR.test(text[i + 1]) || /["']\s*$/.test(text.slice(top.tokenStart, i)))
    ) {
      top.key = unquote(text.slice(top.tokenStart, i));
      top.value = true;
      top.keys.push({ key: top.key, tokenStart: top.tokenStart });
      top.tokenStart = i + 1;
    }
  }
  if (!atCursor) return 'closed';
  const { frame, tokenStart, position } = atCursor;
  // The key being typed at the cursor is no sibling of itself.
  return { ...position, siblings: frame.keys.filter((k) => k.tokenStart !== tokenStart).map((k) => k.key) };
}

/** The index of the closing quote of the quoted scalar opening at `i` (or the text's end). */
function endOfQuote(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (q === '"' && text[j] === '\\') j++;
    else if (text[j] === q) {
      if (q === "'" && text[j + 1] === "'") j++;
      else return j;
    }
  }
  return text.length;
}
