// Random-hyperplane LSH (Charikar's SimHash): bit j of a code is the sign of <x, r_j> for a
// random direction r_j. Codes are packed 32 bits to a Uint32Array word; the Hamming distance
// between two codes estimates the angle between the vectors (P[bit differs] = angle / π).
import type { SparseVector } from './features';

/** Seeded PRNG (SplitMix32): small, fast and identical on every platform. */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Standard normal samples from a seeded uniform source (Box–Muller). */
export function gaussian(next: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = (next() + 1) / 4294967297; // in (0, 1): log(0) never happens
    const v = next() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** MurmurHash3's 32-bit finaliser of (key, word, seed): every output bit depends on every input bit. */
export function mix32(key: number, word: number, seed: number): number {
  let h = (Math.imul(key, 0x9e3779b1) ^ Math.imul(word + 1, 0x85ebca77) ^ seed) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bit-twiddling population count of a 32-bit word (Hacker's Delight 5-2). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between the codes a[aOff, aOff+words) and b[bOff, bOff+words): XOR + popcount. */
export function hamming(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, words: number): number {
  let d = 0;
  for (let w = 0; w < words; w++) {
    let x = a[aOff + w] ^ b[bOff + w];
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    x = (x + (x >>> 4)) & 0x0f0f0f0f;
    d += Math.imul(x, 0x01010101) >>> 24;
  }
  return d;
}

/** Packs sign bits of projections into `out` at `off` (bit j of word w = projection w*32+j ≥ 0). */
export function packSigns(proj: Float64Array, bits: number, out: Uint32Array, off: number): void {
  const words = bits >>> 5;
  for (let w = 0; w < words; w++) {
    let word = 0;
    const base = w << 5;
    for (let j = 0; j < 32; j++) if (proj[base + j] >= 0) word |= 1 << j;
    out[off + w] = word >>> 0;
  }
}

/**
 * Random hyperplanes for dense vectors: an explicit bits × dim Gaussian matrix (256 × 256 floats
 * is 256 KiB, so there is no reason to make it implicit).
 */
export class DenseHyperplanes {
  private readonly planes: Float32Array;

  constructor(readonly dim: number, readonly bits: number, seed: number) {
    const normal = gaussian(splitmix32(seed));
    this.planes = new Float32Array(bits * dim);
    for (let i = 0; i < this.planes.length; i++) this.planes[i] = normal();
  }

  project(x: Float32Array, xOff: number, out: Float64Array): void {
    const { dim, planes } = this;
    for (let b = 0; b < this.bits; b++) {
      const p = b * dim;
      let s0 = 0;
      let s1 = 0;
      let i = 0;
      for (; i + 1 < dim; i += 2) {
        s0 += x[xOff + i] * planes[p + i];
        s1 += x[xOff + i + 1] * planes[p + i + 1];
      }
      if (i < dim) s0 += x[xOff + i] * planes[p + i];
      out[b] = s0 + s1;
    }
  }
}

/**
 * Random hyperplanes for sparse, hashed high-dimensional vectors (2^18 dims): component j of
 * hyperplane r for input index i is ±1 from bit (j mod 32) of mix32(i, j / 32, seed), so nothing
 * of size dims × bits is ever stored and one hash yields 32 hyperplane components.
 */
export class SparseHyperplanes {
  constructor(readonly bits: number, private readonly seed: number) {}

  project(x: SparseVector, out: Float64Array): void {
    const words = this.bits >>> 5;
    out.fill(0, 0, this.bits);
    const { indices, values } = x;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const v = values[k];
      for (let w = 0; w < words; w++) {
        const h = mix32(i, w, this.seed);
        const base = w << 5;
        for (let j = 0; j < 32; j++) out[base + j] += (h >>> j) & 1 ? v : -v;
      }
    }
  }
}
