// IP and CIDR arithmetic on bigint, for IPv4 and IPv6. Pure: used by IPAM, the API's validation,
// the extension's live validation and the language server's diagnostics.

export type Family = 4 | 6;

export interface Addr {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
  /** The address as written (host bits may be set, as in 10.0.0.5/24). */
  addr: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function bits(family: Family): number {
  return BITS[family];
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p[0] === '0')) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  // Embedded IPv4 in the last 32 bits (::ffff:1.2.3.4): rewrite it as two hex groups.
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt('0x' + g));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return undefined;
  const count = head.length + rest.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = [...head, ...Array<bigint>(8 - count).fill(0n), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseAddr(s: string): Addr | undefined {
  if (typeof s !== 'string') return undefined;
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { family: 4, value: v };
}

export function parseCidr(s: string): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const a = parseAddr(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!a || !/^\d{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > BITS[a.family]) return undefined;
  return { family: a.family, base: a.value & mask(a.family, prefix), prefix, addr: a.value };
}

export function mask(family: Family, prefix: number): bigint {
  const total = BigInt(BITS[family]);
  const all = (1n << total) - 1n;
  return prefix === 0 ? 0n : (all >> (total - BigInt(prefix))) << (total - BigInt(prefix));
}

export function size(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

export function last(c: Cidr): bigint {
  return c.base + size(c) - 1n;
}

export function contains(c: Cidr, a: Addr | bigint): boolean {
  const v = typeof a === 'bigint' ? a : a.value;
  if (typeof a !== 'bigint' && a.family !== c.family) return false;
  return v >= c.base && v <= last(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= last(b) && b.base <= last(a);
}

/** b lies entirely within a. */
export function within(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.base >= outer.base && last(inner) <= last(outer);
}

export function formatAddr(family: Family, v: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** Normalised CIDR text: network address / prefix. */
export function formatCidr(c: Cidr): string {
  return `${formatAddr(c.family, c.base)}/${c.prefix}`;
}

/** Canonical form of an address string (lower-case, compressed IPv6), or undefined if invalid. */
export function normalizeAddr(s: string): string | undefined {
  const a = parseAddr(s);
  return a && formatAddr(a.family, a.value);
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address bytes. */
export function macFromIPv4(v: bigint): string {
  const b = [24n, 16n, 8n, 0n].map((s) =>
    Number((v >> s) & 0xffn)
      .toString(16)
      .padStart(2, '0'),
  );
  return ['02', '42', ...b].join(':');
}

/**
 * Offsets from a subnet's base that IPAM never hands out: the network address (for IPv6 the
 * subnet-router anycast) and the IPv4 broadcast; an IPv4 /31 or /32 keeps every address.
 */
export function reservedOffsets(c: Cidr): bigint[] {
  const count = size(c);
  const out: bigint[] = [];
  if (c.family === 6 || count > 2n) out.push(0n);
  if (c.family === 4 && count > 2n) out.push(count - 1n);
  return out;
}

/**
 * The gateway cnmd's IPAM takes when a pool is created without one (libnetwork's rule): the first
 * address of the ip-range (else of the subnet) that is not reserved. undefined when there is none.
 */
export function defaultGateway(subnet: Cidr, range?: Cidr): Addr | undefined {
  const reserved = new Set(reservedOffsets(subnet));
  const lo = range ? range.base - subnet.base : 0n;
  const hi = range ? last(range) - subnet.base : size(subnet) - 1n;
  for (let o = lo; o <= hi && o <= lo + 2n; o++) if (!reserved.has(o)) return { family: subnet.family, value: subnet.base + o };
  return undefined;
}
