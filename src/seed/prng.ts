/** Seeded randomness for the demo generator: the same seed gives the same province. */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 10);
    return s;
  }
}

/** Picks by weight in O(log n) from a prepared cumulative table. */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;
  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.items = entries.map((e) => e[0]);
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e[1]));
    this.total = sum;
  }
  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

const B36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * 24-character lowercase alphanumeric document ids (the shape of Strapi's cuid2): a letter, the
 * run-wide counter in 7 base-36 digits (unique by construction), 16 seeded random characters.
 */
export class DocumentIds {
  private counter = 0;
  constructor(private readonly rng: Rng) {}
  next(): string {
    let s = B36[10 + Math.floor(this.rng.next() * 26)];
    s += (this.counter++).toString(36).padStart(7, '0');
    for (let i = 0; i < 16; i++) s += B36[Math.floor(this.rng.next() * 36)];
    return s;
  }
}
