// cnm's nftables table as the kernel has it (`list table inet cnm` text), read back into rules
// that can be evaluated against one packet: the forward chain decides what crosses the host.
// Only the expressions cnm writes and the usual hand-added ones are understood (interface names,
// sets, addresses and prefixes, protocols, ports, ct state); a rule with anything else is kept as
// `unknown` and reported as such, never guessed. Pure: unit-tested on text.
import { contains, parseAddr, parseCidr } from '../../model/ip.js';

export interface Packet {
  iif: string;
  oif: string;
  saddr: string;
  daddr: string;
  proto: 'icmp' | 'tcp' | 'udp';
  dport?: number;
}

type Match = (p: Packet, sets: Map<string, string[]>) => boolean;

export interface NftRule {
  /** The rule as nft printed it (without counters' numbers). */
  text: string;
  verdict: 'accept' | 'drop' | 'reject' | 'other';
  /** The network id prefix from cnm's comment (`cnm:<id12>`), for cnm's own rules. */
  owner?: string;
  matches: Match[];
  /** Set when a part of the rule is not understood: such a rule is never evaluated. */
  unknown?: string;
}

export interface NftTable {
  sets: Map<string, string[]>;
  /** Rules of the chain hooked at forward, in order. */
  forward: NftRule[];
}

/** Splits nft's text into words, keeping "quoted strings" and `{ … }` lists as one word each. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"[^"]*"|\{[^}]*\}|\S+/g;
  for (const m of line.matchAll(re)) out.push(m[0]);
  return out;
}

const unquote = (w: string) => w.replace(/^"(.*)"$/, '$1');

/** A value word: "x", x, { "a", "b" }, or @set. Returns a test on a string. */
function valueTest(word: string): (v: string, sets: Map<string, string[]>) => boolean {
  if (word.startsWith('@')) {
    const name = word.slice(1);
    return (v, sets) => (sets.get(name) ?? []).some((e) => same(e, v));
  }
  const items = word.startsWith('{')
    ? word
        .slice(1, -1)
        .split(',')
        .map((s) => unquote(s.trim()))
    : [unquote(word)];
  return (v) => items.some((e) => same(e, v));
}

/** Equality for names and ports; containment for prefixes; ranges a-b for ports. */
function same(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  const addr = pattern.includes('/') ? parseAddr(value) : undefined;
  if (addr) {
    const c = parseCidr(pattern);
    return !!c && contains(c, addr);
  }
  const range = /^(\d+)-(\d+)$/.exec(pattern);
  if (range && /^\d+$/.test(value)) return Number(value) >= Number(range[1]) && Number(value) <= Number(range[2]);
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1)); // nft's "eth*" wildcard
  return false;
}

const PROTOS = new Set(['icmp', 'tcp', 'udp', 'ipv6-icmp', 'icmpv6']);

/** Parses one rule line; `unknown` names the first word not understood. */
export function parseRule(line: string): NftRule {
  const text = line
    .replace(/\s+counter packets \d+ bytes \d+/, ' counter')
    .replace(/\s+# handle \d+$/, '')
    .trim();
  const w = words(text);
  const rule: NftRule = { text, verdict: 'other', matches: [] };
  const take = (i: number): [neg: boolean, value: string, next: number] =>
    w[i] === '!=' ? [true, w[i + 1] ?? '', i + 2] : w[i] === '==' ? [false, w[i + 1] ?? '', i + 2] : [false, w[i] ?? '', i + 1];
  const add = (neg: boolean, m: Match) => rule.matches.push(neg ? (p, s) => !m(p, s) : m);
  let i = 0;
  while (i < w.length) {
    const word = w[i]!;
    if (word === 'iifname' || word === 'oifname') {
      const [neg, v, next] = take(i + 1);
      const t = valueTest(v);
      add(neg, (p, s) => t(word === 'iifname' ? p.iif : p.oif, s));
      i = next;
    } else if ((word === 'ip' || word === 'ip6') && (w[i + 1] === 'saddr' || w[i + 1] === 'daddr')) {
      const field = w[i + 1]!;
      const [neg, v, next] = take(i + 2);
      const t = valueTest(v);
      const fam = word === 'ip' ? '.' : ':';
      // A rule for the other family does not match this packet at all (negated or not).
      const m: Match = (p, s) => t(field === 'saddr' ? p.saddr : p.daddr, s);
      rule.matches.push((p, s) => p.daddr.includes(fam) && (neg ? !m(p, s) : m(p, s)));
      i = next;
    } else if ((word === 'ip' && w[i + 1] === 'protocol') || (word === 'meta' && w[i + 1] === 'l4proto')) {
      const [neg, v, next] = take(i + 2);
      const t = valueTest(v);
      add(neg, (p, s) => t(p.proto, s) || (p.proto === 'icmp' && (t('ipv6-icmp', s) || t('icmpv6', s))));
      i = next;
    } else if ((word === 'tcp' || word === 'udp' || word === 'th') && w[i + 1] === 'dport') {
      const [neg, v, next] = take(i + 2);
      const t = valueTest(v);
      add(neg, (p, s) => (word === 'th' || p.proto === word) && p.dport !== undefined && t(String(p.dport), s));
      i = next;
    } else if (PROTOS.has(word) && w[i + 1] === 'type') {
      // `icmp type echo-request`: our ICMP probes are echo requests.
      const [neg, v, next] = take(i + 2);
      const t = valueTest(v);
      add(neg, (p, s) => p.proto === 'icmp' && t('echo-request', s));
      i = next;
    } else if (word === 'ct' && w[i + 1] === 'state') {
      // A probe opens a new flow.
      const [neg, v, next] = take(i + 2);
      const states = v
        .replace(/[{}]/g, '')
        .split(',')
        .map((x) => x.trim());
      add(neg, () => states.includes('new'));
      i = next;
    } else if (word === 'ct' && w[i + 1] === 'status') {
      // Probes are never DNATed.
      const [neg, , next] = take(i + 2);
      add(neg, () => false);
      i = next;
    } else if (word === 'counter') i += 1;
    else if (word === 'comment') {
      const m = /^"cnm:([0-9a-f]{12})"$/.exec(w[i + 1] ?? '');
      if (m) rule.owner = m[1];
      i += 2;
    } else if (word === 'accept' || word === 'drop' || word === 'reject') {
      rule.verdict = word;
      i += 1;
      // reject with tcp reset | with icmp[x|v6] [type] CODE
      if (word === 'reject' && w[i] === 'with') i += w[i + 1] === 'tcp' ? 3 : w[i + 2] === 'type' ? 4 : 3;
    } else {
      rule.unknown ??= word;
      i += 1;
    }
  }
  return rule;
}

function setElements(text: string): string[] {
  const inner = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}'));
  return inner
    .split(',')
    .map((e) => unquote(e.trim()))
    .filter(Boolean);
}

/** Reads `list table inet cnm` output: its sets' elements and the forward chain's rules. */
export function parseTable(text: string): NftTable {
  const sets = new Map<string, string[]>();
  const forward: NftRule[] = [];
  let inSet: string | undefined;
  /** Elements of a set as they come: nft wraps long `elements = { … }` over several lines. */
  let elements: string | undefined;
  let chainIsForward = false;
  let inChain = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (elements !== undefined) {
      elements += ' ' + line;
      if (line.endsWith('}')) {
        sets.set(inSet!, setElements(elements));
        elements = undefined;
      }
    } else if ((m = /^set (\S+) \{$/.exec(line))) inSet = m[1];
    else if (inSet && line.startsWith('elements = {')) {
      if (line.endsWith('}')) sets.set(inSet, setElements(line));
      else elements = line;
    } else if (/^chain (\S+) \{$/.test(line)) {
      inChain = true;
      chainIsForward = false;
    } else if (line === '}') {
      inSet = undefined;
      inChain = false;
    } else if (inChain && /^type filter hook forward\b/.test(line)) chainIsForward = true;
    else if (inChain && chainIsForward && line && !line.startsWith('type ') && !line.startsWith('policy ')) forward.push(parseRule(line));
  }
  return { sets, forward };
}

export interface Decision {
  verdict: 'accept' | 'drop' | 'reject';
  /** The rule that decided; undefined when the chain's policy (accept) did. */
  rule?: NftRule;
  /** Rules that were skipped because they were not understood. */
  skipped: NftRule[];
}

/** Walks the forward chain for the packet: the first matching accept/drop/reject decides. */
export function evaluate(table: NftTable, p: Packet): Decision {
  const skipped: NftRule[] = [];
  for (const rule of table.forward) {
    if (rule.unknown) {
      skipped.push(rule);
      continue;
    }
    if (rule.verdict === 'other') continue;
    if (rule.matches.every((m) => m(p, table.sets))) return { verdict: rule.verdict, rule, skipped };
  }
  return { verdict: 'accept', skipped };
}
