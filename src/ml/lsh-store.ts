// Where the index keeps its vectors, L2-normalised, so that a dot product is the cosine used to
// re-rank candidates. Dense vectors live in one growable Float32Array arena (sparse ones: see
// lsh-sparse.ts). A query is "prepared" once, so each candidate costs one pass over its own
// components.
import { RotationHyperplanes } from './lsh-hash';

export interface VectorStore<V> {
  readonly kind: 'dense' | 'sparse';
  /** Checks the shape; throws a RangeError on a wrong length, index or a non-finite value. */
  validate(v: V): void;
  /** Stores v/|v| at slot and returns |v|. */
  set(slot: number, v: V): number;
  clear(slot: number): void;
  /** Projections of the stored slot onto the hyperplanes. */
  projectSlot(slot: number, out: Float64Array): void;
  /** Normalises and remembers the query; returns its norm (0: nothing is similar to it). */
  prepare(q: V): number;
  projectQuery(out: Float64Array): void;
  /** Cosine of the prepared query with the stored slot. */
  score(slot: number): number;
  /** acc[s] = cosine of the prepared query with every slot s < upTo (free slots score 0). */
  scoreAll(acc: Float32Array, upTo: number): void;
  /**
   * Sparse stores: partial cosines of the prepared query's strongest terms (largest |weight|
   * first, at most `terms` of them, skipping those whose posting lists would take the postings
   * walked past `postingsBudget`) added into acc for every slot in their posting lists; each such
   * slot is listed once in out, which must have room for every slot. Returns how many. acc must
   * be 0 at those slots.
   */
  scoreStrongest?(terms: number, postingsBudget: number, acc: Float32Array, out: Uint32Array): number;
  /** Forgets the prepared query (clears sparse scratch). */
  release(): void;
  grow(capacity: number): void;
  vectorBytes(slot: number): number;
  storageBytes(): number;
  get(slot: number): V;
}

export class DenseStore implements VectorStore<Float32Array> {
  readonly kind = 'dense';
  private arena: Float32Array;
  private readonly query: Float32Array;
  private readonly planes: RotationHyperplanes;

  constructor(readonly dim: number, bits: number, seed: number, capacity: number) {
    this.arena = new Float32Array(capacity * dim);
    this.query = new Float32Array(dim);
    this.planes = new RotationHyperplanes(dim, bits, seed);
  }

  validate(v: Float32Array): void {
    if (!(v instanceof Float32Array) || v.length !== this.dim) {
      throw new RangeError(`expected a Float32Array of length ${this.dim}`);
    }
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new RangeError('vector has a non-finite value');
  }

  grow(capacity: number): void {
    const arena = new Float32Array(capacity * this.dim);
    arena.set(this.arena.subarray(0, Math.min(this.arena.length, arena.length)));
    this.arena = arena;
  }

  set(slot: number, v: Float32Array): number {
    const norm = Math.sqrt(dotDense(v, 0, v, 0, this.dim));
    const inv = norm > 0 ? 1 / norm : 0;
    const off = slot * this.dim;
    for (let i = 0; i < this.dim; i++) this.arena[off + i] = v[i] * inv;
    return norm;
  }

  clear(slot: number): void {
    this.arena.fill(0, slot * this.dim, (slot + 1) * this.dim);
  }

  projectSlot(slot: number, out: Float64Array): void {
    this.planes.project(this.arena, slot * this.dim, out);
  }

  prepare(q: Float32Array): number {
    const norm = Math.sqrt(dotDense(q, 0, q, 0, this.dim));
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < this.dim; i++) this.query[i] = q[i] * inv;
    return norm;
  }

  projectQuery(out: Float64Array): void {
    this.planes.project(this.query, 0, out);
  }

  score(slot: number): number {
    return dotDense(this.query, 0, this.arena, slot * this.dim, this.dim);
  }

  scoreAll(acc: Float32Array, upTo: number): void {
    for (let s = 0; s < upTo; s++) acc[s] = dotDense(this.query, 0, this.arena, s * this.dim, this.dim);
  }

  release(): void {}

  vectorBytes(): number {
    return this.dim * 4;
  }

  storageBytes(): number {
    return this.arena.byteLength;
  }

  get(slot: number): Float32Array {
    return this.arena.slice(slot * this.dim, (slot + 1) * this.dim);
  }
}

/** Dot product of a[aOff..] and b[bOff..] over n components, unrolled by 4 (independent sums pipeline). */
export function dotDense(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + s2 + s3;
}
