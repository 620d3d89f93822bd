// Where the index keeps its vectors, L2-normalised, so that a dot product is the cosine used to
// re-rank candidates. Dense vectors live in one growable Float32Array arena; sparse ones as
// their own (indices, values) pair. A query is "prepared" once (normalised; scattered into a
// dense scratch array when sparse) so each candidate costs one pass over its own components.
import type { SparseVector } from './features';
import { DenseHyperplanes, SparseHyperplanes } from './lsh-hash';

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
  private readonly planes: DenseHyperplanes;

  constructor(readonly dim: number, bits: number, seed: number, capacity: number) {
    this.arena = new Float32Array(capacity * dim);
    this.query = new Float32Array(dim);
    this.planes = new DenseHyperplanes(dim, bits, seed);
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

const EMPTY: SparseVector = { indices: new Uint32Array(0), values: new Float32Array(0) };

export class SparseStore implements VectorStore<SparseVector> {
  readonly kind = 'sparse';
  private vectors: SparseVector[] = [];
  private readonly scratch: Float32Array;
  private query: SparseVector = EMPTY;
  private readonly planes: SparseHyperplanes;

  constructor(readonly dim: number, bits: number, seed: number) {
    this.scratch = new Float32Array(dim);
    this.planes = new SparseHyperplanes(bits, seed);
  }

  validate(v: SparseVector): void {
    const { indices, values } = v ?? {};
    if (!(indices instanceof Uint32Array) || !(values instanceof Float32Array) || indices.length !== values.length) {
      throw new RangeError('expected a sparse vector { indices: Uint32Array, values: Float32Array }');
    }
    for (let k = 0; k < indices.length; k++) {
      if (indices[k] >= this.dim || (k > 0 && indices[k] <= indices[k - 1])) {
        throw new RangeError(`sparse indices must be strictly increasing and < ${this.dim}`);
      }
      if (!Number.isFinite(values[k])) throw new RangeError('vector has a non-finite value');
    }
  }

  grow(): void {}

  set(slot: number, v: SparseVector): number {
    const norm = sparseNorm(v);
    this.vectors[slot] = norm > 0 ? scaled(v, 1 / norm) : EMPTY;
    return norm;
  }

  clear(slot: number): void {
    this.vectors[slot] = EMPTY;
  }

  projectSlot(slot: number, out: Float64Array): void {
    this.planes.project(this.vectors[slot], out);
  }

  prepare(q: SparseVector): number {
    this.release();
    const norm = sparseNorm(q);
    if (norm === 0) return 0;
    this.query = scaled(q, 1 / norm);
    const { indices, values } = this.query;
    for (let k = 0; k < indices.length; k++) this.scratch[indices[k]] = values[k];
    return norm;
  }

  projectQuery(out: Float64Array): void {
    this.planes.project(this.query, out);
  }

  score(slot: number): number {
    const { indices, values } = this.vectors[slot];
    const q = this.scratch;
    let s = 0;
    for (let k = 0; k < indices.length; k++) s += values[k] * q[indices[k]];
    return s;
  }

  release(): void {
    const { indices } = this.query;
    for (let k = 0; k < indices.length; k++) this.scratch[indices[k]] = 0;
    this.query = EMPTY;
  }

  vectorBytes(slot: number): number {
    return this.vectors[slot].indices.length * 8 + 96;
  }

  storageBytes(): number {
    let bytes = this.scratch.byteLength + this.vectors.length * 8;
    for (let s = 0; s < this.vectors.length; s++) bytes += this.vectorBytes(s);
    return bytes;
  }

  get(slot: number): SparseVector {
    return this.vectors[slot];
  }
}

function sparseNorm(v: SparseVector): number {
  let s = 0;
  for (let k = 0; k < v.values.length; k++) s += v.values[k] * v.values[k];
  return Math.sqrt(s);
}

function scaled(v: SparseVector, by: number): SparseVector {
  const values = new Float32Array(v.values.length);
  for (let k = 0; k < values.length; k++) values[k] = v.values[k] * by;
  return { indices: v.indices.slice(), values };
}
