// Which host ordinals (address - subnet base) of a pool are taken, with a next-free search that
// starts at a cursor and wraps, like libnetwork's bitseq: addresses are handed out serially and a
// freed one is not reused until the cursor comes round again. Small pools (every IPv4 subnet up to
// a /8) use a dense bitmap that skips full 32-bit words; bigger ones (IPv6) a sparse set, where a
// search steps over at most as many taken ordinals as exist.

export interface OrdinalSet {
  has(o: bigint): boolean;
  add(o: bigint): void;
  delete(o: bigint): void;
  /** The first free ordinal in [lo, hi], searching from `from` up and then wrapping to lo; undefined when full. */
  nextFree(lo: bigint, hi: bigint, from: bigint): bigint | undefined;
  /** Every taken ordinal, ascending for the dense bitmap. */
  values(): Iterable<bigint>;
}

const DENSE_MAX = 1n << 24n;

export function ordinalSet(size: bigint): OrdinalSet {
  return size <= DENSE_MAX ? new DenseOrdinals(Number(size)) : new SparseOrdinals();
}

function clampStart(lo: bigint, hi: bigint, from: bigint): bigint {
  return from < lo || from > hi ? lo : from;
}

class DenseOrdinals implements OrdinalSet {
  private readonly words: Uint32Array;

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  has(o: bigint): boolean {
    const i = Number(o);
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(o: bigint): void {
    const i = Number(o);
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  delete(o: bigint): void {
    const i = Number(o);
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  nextFree(lo: bigint, hi: bigint, from: bigint): bigint | undefined {
    const start = Number(clampStart(lo, hi, from));
    let found = this.findFree(start, Number(hi));
    if (found < 0 && start > Number(lo)) found = this.findFree(Number(lo), start - 1);
    return found < 0 ? undefined : BigInt(found);
  }

  *values(): Iterable<bigint> {
    for (let w = 0; w < this.words.length; w++) {
      for (let word = this.words[w]; word !== 0; word &= word - 1) {
        yield BigInt(w * 32 + ctz(word));
      }
    }
  }

  /** First clear bit in [a, b] (inclusive), or -1. Whole taken words cost one comparison. */
  private findFree(a: number, b: number): number {
    let i = a;
    while (i <= b) {
      const w = Math.floor(i / 32);
      const free = ~this.words[w] & (-1 << (i & 31)); // clear bits at or above i, as set bits
      if (free !== 0) {
        const at = w * 32 + ctz(free);
        return at <= b ? at : -1;
      }
      i = (w + 1) * 32;
    }
    return -1;
  }
}

/** Count of trailing zeros of a non-zero 32-bit value. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

class SparseOrdinals implements OrdinalSet {
  private readonly taken = new Set<bigint>();

  has(o: bigint): boolean {
    return this.taken.has(o);
  }

  add(o: bigint): void {
    this.taken.add(o);
  }

  delete(o: bigint): void {
    this.taken.delete(o);
  }

  nextFree(lo: bigint, hi: bigint, from: bigint): bigint | undefined {
    const start = clampStart(lo, hi, from);
    return this.findFree(start, hi) ?? (start > lo ? this.findFree(lo, start - 1n) : undefined);
  }

  values(): Iterable<bigint> {
    return this.taken.values();
  }

  private findFree(a: bigint, b: bigint): bigint | undefined {
    for (let o = a; o <= b; o++) if (!this.taken.has(o)) return o;
    return undefined;
  }
}
