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
 * Structured random hyperplanes for dense vectors: the rows of H·D₂·H·D₁ (H the Walsh–Hadamard
 * matrix, Dᵢ random ±1 diagonals; input zero-padded to a power of two), one such rotation per
 * block of `dim` bits. The rows are random, orthogonal ±1 directions; projecting onto all of them
 * costs O(d log d) with the fast transform instead of O(bits·d), 15× less at 256 dims.
 */
export class RotationHyperplanes {
  private readonly size: number;
  private readonly signs: Float64Array; // block b, round r: signs[(2b + r) * size + i]
  private readonly buf: Float64Array;

  constructor(readonly dim: number, readonly bits: number, seed: number) {
    this.size = 1 << Math.ceil(Math.log2(Math.max(2, dim)));
    const blocks = Math.ceil(bits / this.size);
    const next = splitmix32(seed);
    this.signs = new Float64Array(2 * blocks * this.size);
    for (let i = 0; i < this.signs.length; i++) this.signs[i] = next() & 1 ? 1 : -1;
    this.buf = new Float64Array(this.size);
  }

  project(x: Float32Array, xOff: number, out: Float64Array): void {
    const { size, signs, buf, dim } = this;
    for (let b = 0, done = 0; done < this.bits; b++) {
      const s1 = 2 * b * size;
      const s2 = s1 + size;
      for (let i = 0; i < dim; i++) buf[i] = x[xOff + i] * signs[s1 + i];
      buf.fill(0, dim);
      fwht(buf);
      for (let i = 0; i < size; i++) buf[i] *= signs[s2 + i];
      fwht(buf);
      const take = Math.min(size, this.bits - done);
      for (let i = 0; i < take; i++) out[done + i] = buf[i];
      done += take;
    }
  }
}

/** In-place unnormalised fast Walsh–Hadamard transform (length a power of two). */
export function fwht(a: Float64Array): void {
  const n = a.length;
  for (let h = 1; h < n; h <<= 1) {
    for (let i = 0; i < n; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const x = a[j];
        const y = a[j + h];
        a[j] = x + y;
        a[j + h] = x - y;
      }
    }
  }
}

/**
 * Random hyperplanes for sparse, hashed high-dimensional vectors (2^18 dims): component j of
 * hyperplane r for input index i is ±1 from bit (j mod 32) of mix32(i, j / 32, seed), so nothing
 * of size dims × bits is ever stored and one hash yields 32 hyperplane components.
 */
export class SparseHyperplanes {
  private readonly hist: Float64Array;

  constructor(readonly bits: number, private readonly seed: number) {
    this.hist = new Float64Array((bits >>> 2) * 16);
  }

  project(x: SparseVector, out: Float64Array): void {
    const words = this.bits >>> 5;
    const { hist } = this;
    hist.fill(0);
    out.fill(0, 0, this.bits);
    const { indices, values } = x;
    let total = 0;
    // <x, r> = Σ_{bit set} v − Σ_{bit clear} v = 2·Σ_{bit set} v − Σ v. Rather than adding v to
    // each of the 32 sums a hash word feeds, add it to one of 16 bins per 4-bit nibble (a histogram
    // of nibble values), then spread each bin over its nibble's 4 bits once at the end: 8 adds per
    // word instead of 32, and no branches on random bits.
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const v = values[k];
      total += v;
      for (let w = 0; w < words; w++) {
        const h = mix32(i, w, this.seed);
        const base = w << 7; // 8 nibbles × 16 bins
        for (let j = 0; j < 8; j++) hist[base + (j << 4) + ((h >>> (j << 2)) & 15)] += v;
      }
    }
    for (let n = 0; n < words * 8; n++) {
      for (let b = 1; b < 16; b++) {
        const v = hist[(n << 4) + b];
        if (v === 0) continue;
        for (let t = 0; t < 4; t++) if ((b >>> t) & 1) out[(n << 2) + t] += v;
      }
    }
    for (let b = 0; b < this.bits; b++) out[b] = 2 * out[b] - total;
  }
}
