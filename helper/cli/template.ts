// A subset of Go's text/template, enough for Docker's --format: {{.A.B}}, {{json .X}},
// {{index .X "k"}}, {{join .X ","}}, {{range .X}}…{{end}}, {{range $k, $v := .X}}, {{if .X}}…{{else}}…{{end}},
// `$var.Field`, and Go's way of printing maps, lists and missing values.
import { goJson } from '../api/json.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; words: string[] }
  | { kind: 'range'; vars: string[]; words: string[]; body: Node[] }
  | { kind: 'if'; words: string[]; then: Node[]; else: Node[] };

export class TemplateError extends Error {}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/gs;

export function parseTemplate(source: string): Node[] {
  const tokens: Array<{ text?: string; action?: string }> = [];
  let at = 0;
  for (const m of source.matchAll(ACTION)) {
    if (m.index! > at) tokens.push({ text: source.slice(at, m.index) });
    tokens.push({ action: m[1]! });
    at = m.index! + m[0].length;
  }
  if (at < source.length) tokens.push({ text: source.slice(at) });
  let i = 0;
  const block = (inside: string): { nodes: Node[]; ended: 'end' | 'else' | 'eof' } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t.text !== undefined) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const words = splitWords(t.action!);
      const head = words[0];
      if (head === 'end' || head === 'else') {
        if (!inside) throw new TemplateError(`template: unexpected {{${head}}}`);
        return { nodes, ended: head };
      }
      if (head === 'range') {
        const assign = words.indexOf(':=');
        const vars = assign < 0 ? [] : words.slice(1, assign).map((v) => v.replace(/,$/, ''));
        const body = block('range');
        if (body.ended === 'else') block('range'); // {{else}} of an empty range: ignored
        nodes.push({ kind: 'range', vars, words: words.slice(assign < 0 ? 1 : assign + 1), body: body.nodes });
      } else if (head === 'if') {
        const then = block('if');
        const other = then.ended === 'else' ? block('if').nodes : [];
        nodes.push({ kind: 'if', words: words.slice(1), then: then.nodes, else: other });
      } else nodes.push({ kind: 'expr', words });
    }
    if (inside) throw new TemplateError(`template: unexpected EOF in ${inside}`);
    return { nodes, ended: 'eof' };
  };
  return block('').nodes;
}

function splitWords(action: string): string[] {
  return action.match(/"(?:[^"\\]|\\.)*"|[^\s,]+,?|:=/g) ?? [];
}

interface Scope {
  dot: unknown;
  vars: Record<string, unknown>;
}

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  json: (v) => goJson(v),
  index: (v, k) => (v as Record<string, unknown> | undefined)?.[String(k)],
  join: (v, sep) => (Array.isArray(v) ? v.map(goString).join(String(sep)) : goString(v)),
  upper: (v) => goString(v).toUpperCase(),
  lower: (v) => goString(v).toLowerCase(),
  len: (v) => (Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : String(v ?? '').length),
};

function evalArg(word: string, scope: Scope): unknown {
  if (word.startsWith('"')) return JSON.parse(word);
  let base: unknown;
  let path: string;
  if (word.startsWith('$')) {
    const dot = word.indexOf('.');
    const name = dot < 0 ? word : word.slice(0, dot);
    if (!(name in scope.vars)) throw new TemplateError(`template: undefined variable "${name}"`);
    base = scope.vars[name];
    path = dot < 0 ? '' : word.slice(dot);
  } else if (word.startsWith('.')) {
    base = scope.dot;
    path = word;
  } else throw new TemplateError(`template: function "${word}" not defined`);
  for (const key of path.split('.').filter(Boolean)) {
    if (base === null || typeof base !== 'object') {
      throw new TemplateError(`template: can't evaluate field ${key} in type ${base === null ? 'nil' : typeof base}`);
    }
    base = (base as Record<string, unknown>)[key];
  }
  return base;
}

function evalWords(words: string[], scope: Scope): unknown {
  const [head, ...rest] = words;
  if (head === undefined) throw new TemplateError('template: missing value for command');
  const fn = FUNCS[head];
  if (!fn) return evalArg(head, scope);
  return fn(...rest.map((w) => evalArg(w, scope)));
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return !!v;
}

/** How Go's fmt prints a value with %v: maps sorted as map[k:v], lists as [a b]. */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  }
  return String(v);
}

function renderNodes(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'expr') out += goString(evalWords(n.words, scope));
    else if (n.kind === 'if') out += renderNodes(truthy(evalWords(n.words, scope)) ? n.then : n.else, scope);
    else {
      const v = evalWords(n.words, scope);
      const pairs: Array<[unknown, unknown]> = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : v && typeof v === 'object'
          ? Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]])
          : [];
      for (const [k, x] of pairs) {
        const vars = { ...scope.vars };
        if (n.vars.length === 1) vars[n.vars[0]!] = x;
        if (n.vars.length === 2) Object.assign(vars, { [n.vars[0]!]: k, [n.vars[1]!]: x });
        out += renderNodes(n.body, { dot: x, vars });
      }
    }
  }
  return out;
}

export function render(nodes: Node[], data: unknown): string {
  return renderNodes(nodes, { dot: data, vars: { $: data } });
}

export type Template = Node[];
