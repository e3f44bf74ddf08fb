// A seeded random source for the fuzz tests: a failing run is replayed with its seed (printed).
export class Random {
  private s: number;

  constructor(readonly seed: number) {
    this.s = seed >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A string of `n` characters from `alphabet` (default: printable ASCII and some that break things). */
  string(n: number, alphabet = 'abcXYZ019-_.:/%?#&=[]{}" \n\t\u0000\u00e9\u{1f600}'): string {
    return Array.from({ length: n }, () => this.pick([...alphabet])).join('');
  }
}
