/**
 * A small seeded PRNG (mulberry32). Every random choice in the simulator goes through one of
 * these so that the same seed gives the same bytes; Math.random is never used.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A float in [lo, hi). */
  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** n lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += (Math.floor(this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.length === n ? s : s.slice(0, n);
  }

  /** A random (version 4) UUID, as Kubernetes uses for object UIDs and audit IDs. */
  uuid(): string {
    const v = HEX[8 + Math.floor(this.next() * 4)] ?? '8';
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /**
   * n characters from the alphabet of apimachinery's `rand.String` (no vowels, no 0/1/3), which
   * generates pod name suffixes and pod-template-hash values.
   */
  k8s(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += K8S_ALPHABET[Math.floor(this.next() * K8S_ALPHABET.length)];
    return s;
  }

  /** A derived generator, so that one stream's consumption does not shift another's. */
  fork(salt: number): Rng {
    return new Rng(hash32(this.state ^ Math.imul(salt + 1, 0x9e3779b1)));
  }
}

const HEX = '0123456789abcdef';
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A 32-bit integer hash (murmur3 finaliser), to derive seeds. */
export function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
