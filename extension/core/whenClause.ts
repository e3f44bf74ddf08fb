// The subset of VS Code's when-clause language that package.json uses, so a unit test can check
// every menu's `when` against the context values the trees produce. Grammar (VS Code's
// precedence: `!` binds tightest, then the comparisons, then `&&`, then `||`):
//   or  := and ('||' and)*        and := unary ('&&' unary)*
//   unary := '!' unary | '(' or ')' | key [('==' | '!=') value | '=~' /regex/flags]

export type Context = Record<string, unknown>;
type Node =
  | { op: 'or' | 'and'; args: Node[] }
  | { op: 'not'; arg: Node }
  | { op: 'key'; key: string }
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'match'; key: string; re: RegExp };

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['&&', '||', '==', '!=', '=~'].includes(two)) {
      out.push(two);
      i += 2;
      continue;
    }
    if (c === '!' || c === '(' || c === ')') {
      out.push(c);
      i++;
      continue;
    }
    if (c === '/' && out[out.length - 1] === '=~') {
      // a regex literal runs to the next unescaped '/', then its flags
      let j = i + 1;
      while (j < src.length && src[j] !== '/') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new Error(`unterminated regex in "${src}"`);
      j++;
      while (j < src.length && /[a-z]/.test(src[j])) j++;
      out.push(src.slice(i, j));
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated string in "${src}"`);
      out.push(src.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()!&|=]/.test(src[j])) j++;
    if (j === i) throw new Error(`unexpected "${c}" in "${src}"`);
    out.push(src.slice(i, j));
    i = j;
  }
  return out;
}

const unquote = (v: string) => (/^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v);

export function parseWhen(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const take = (want?: string) => {
    const t = toks[p++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`expected ${want ?? 'a term'} at token ${p} of "${src}"`);
    return t;
  };
  const list = (op: 'or' | 'and', sep: string, next: () => Node): Node => {
    const args = [next()];
    while (peek() === sep) {
      take();
      args.push(next());
    }
    return args.length === 1 ? args[0] : { op, args };
  };
  const or = (): Node => list('or', '||', and);
  const and = (): Node => list('and', '&&', unary);
  const unary = (): Node => {
    const t = take();
    if (t === '!') return { op: 'not', arg: unary() };
    if (t === '(') {
      const n = or();
      take(')');
      return n;
    }
    if (['&&', '||', '==', '!=', '=~', ')'].includes(t)) throw new Error(`unexpected "${t}" in "${src}"`);
    const op = peek();
    if (op === '==' || op === '!=') {
      take();
      return { op: op === '==' ? 'eq' : 'ne', key: t, value: unquote(take()) };
    }
    if (op === '=~') {
      take();
      const lit = take();
      const m = /^\/(.*)\/([a-z]*)$/s.exec(lit);
      if (!m) throw new Error(`"=~" needs a /regex/ in "${src}"`);
      return { op: 'match', key: t, re: new RegExp(m[1], m[2]) };
    }
    return { op: 'key', key: t };
  };
  const n = or();
  if (p !== toks.length) throw new Error(`unexpected "${toks[p]}" in "${src}"`);
  return n;
}

function lookup(ctx: Context, key: string): unknown {
  if (key === 'true') return true;
  if (key === 'false') return false;
  return ctx[key];
}

function evalNode(n: Node, ctx: Context): boolean {
  switch (n.op) {
    case 'or':
      return n.args.some((a) => evalNode(a, ctx));
    case 'and':
      return n.args.every((a) => evalNode(a, ctx));
    case 'not':
      return !evalNode(n.arg, ctx);
    case 'key':
      return !!lookup(ctx, n.key);
    case 'eq':
      return String(lookup(ctx, n.key)) === n.value;
    case 'ne':
      return String(lookup(ctx, n.key)) !== n.value;
    case 'match': {
      const v = lookup(ctx, n.key);
      return typeof v === 'string' && n.re.test(v);
    }
  }
}

/** Whether `when` holds in `ctx`; an absent clause always holds. */
export function evaluateWhen(when: string | undefined, ctx: Context): boolean {
  return when === undefined || evalNode(parseWhen(when), ctx);
}
