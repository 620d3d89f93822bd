// Sparse vectors (hashed TF-IDF notes) for the LSH index. Each vector is kept twice: forward
// (its own indices/values, to re-rank a candidate against a query scattered into a dense
// scratch array) and inverted (per-dimension posting lists), because exact cosine with *every*
// note is cheaper term-at-a-time: a query touches Σ df of its terms (≈125k postings on the
// SpamAssassin corpus) instead of every stored component (≈2.4M), and the accumulators fit in
// cache. Postings are removed eagerly in O(nnz): each forward entry remembers its position in the
// posting list and each posting its position k in the forward arrays, so the posting moved into
// a hole can tell its owner where it went.
import type { SparseVector } from './features';
import { ListArena, NO_ITEM } from './lsh-arena';
import { SparseHyperplanes } from './lsh-hash';
import type { VectorStore } from './lsh-store';

interface Stored {
  indices: Uint32Array;
  values: Float32Array;
  pos: Uint32Array; // pos[k] = where this vector sits in the posting list of indices[k]
}

const EMPTY: Stored = { indices: new Uint32Array(0), values: new Float32Array(0), pos: new Uint32Array(0) };

export class SparseStore implements VectorStore<SparseVector> {
  readonly kind = 'sparse';
  private vectors: Stored[] = [];
  private readonly postings: ListArena;
  private readonly scratch: Float32Array;
  private query: SparseVector = EMPTY;
  private readonly planes: SparseHyperplanes;

  constructor(readonly dim: number, bits: number, seed: number) {
    this.scratch = new Float32Array(dim);
    this.postings = new ListArena(dim, true, 1 << 16, true);
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
    let sum = 0;
    for (let k = 0; k < v.values.length; k++) sum += v.values[k] * v.values[k];
    const norm = Math.sqrt(sum);
    if (norm > 0 && this.reweigh(slot, v, norm)) return norm;
    this.clear(slot);
    if (norm === 0) return 0;
    const n = v.indices.length;
    const stored: Stored = { indices: v.indices.slice(), values: new Float32Array(n), pos: new Uint32Array(n) };
    for (let k = 0; k < n; k++) {
      const i = v.indices[k];
      const w = (stored.values[k] = v.values[k] / norm);
      if (w === 0) continue; // underflow: keeps "in a posting list" ⇔ "non-zero" for clear()
      stored.pos[k] = this.postings.push(i, slot, w, k);
    }
    this.vectors[slot] = stored;
    return norm;
  }

  /**
   * Same terms, new weights (what idf re-weighting does): overwrite the values where they lie
   * instead of unlinking and re-appending every posting. False if the terms differ.
   */
  private reweigh(slot: number, v: SparseVector, norm: number): boolean {
    const old = this.vectors[slot];
    if (old === undefined || old.indices.length !== v.indices.length || old === EMPTY) return false;
    for (let k = 0; k < v.indices.length; k++) {
      if (old.indices[k] !== v.indices[k] || old.values[k] === 0 || v.values[k] / norm === 0) return false;
    }
    const { postings } = this;
    for (let k = 0; k < v.indices.length; k++) {
      const w = (old.values[k] = v.values[k] / norm);
      postings.floats[(postings.offset(v.indices[k]) + old.pos[k]) * postings.stride + 1] = w;
    }
    return true;
  }

  clear(slot: number): void {
    const old = this.vectors[slot];
    if (old === undefined || old === EMPTY) return;
    for (let k = 0; k < old.indices.length; k++) if (old.values[k] !== 0) this.unlink(old.indices[k], old.pos[k]);
    this.vectors[slot] = EMPTY;
  }

  projectSlot(slot: number, out: Float64Array): void {
    this.planes.project(this.vectors[slot], out);
  }

  prepare(q: SparseVector): number {
    this.release();
    let sum = 0;
    for (let k = 0; k < q.values.length; k++) sum += q.values[k] * q.values[k];
    const norm = Math.sqrt(sum);
    if (norm === 0) return 0;
    const values = Float32Array.from(q.values, (x) => x / norm);
    this.query = { indices: q.indices.slice(), values };
    for (let k = 0; k < q.indices.length; k++) this.scratch[q.indices[k]] = values[k];
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

  scoreAll(acc: Float32Array, upTo: number): void {
    acc.fill(0, 0, upTo);
    const { indices, values } = this.query;
    const { postings } = this;
    const { data, floats, stride } = postings;
    for (let k = 0; k < indices.length; k++) {
      const n = postings.size(indices[k]);
      if (n === 0) continue;
      const start = postings.offset(indices[k]) * stride;
      const end = start + n * stride;
      const q = values[k];
      for (let e = start; e < end; e += stride) acc[data[e]] += q * floats[e + 1];
    }
  }

  release(): void {
    const { indices } = this.query;
    for (let k = 0; k < indices.length; k++) this.scratch[indices[k]] = 0;
    this.query = EMPTY;
  }

  vectorBytes(slot: number): number {
    return (this.vectors[slot] ?? EMPTY).indices.length * 24 + 120; // forward 12 B + posting 12 B per term
  }

  storageBytes(): number {
    let bytes = this.scratch.byteLength + this.postings.memoryBytes();
    for (const v of this.vectors) bytes += 8 + (v ? v.indices.length * 12 + 120 : 0);
    return bytes;
  }

  get(slot: number): SparseVector {
    const { indices, values } = this.vectors[slot];
    return { indices: indices.slice(), values: values.slice() };
  }

  /** Removes entry p of dimension i's posting list; the entry moved into the hole learns its new place. */
  private unlink(i: number, p: number): void {
    const { postings } = this;
    const moved = postings.removeAt(i, p);
    if (moved === NO_ITEM) return;
    this.vectors[moved].pos[postings.data[(postings.offset(i) + p) * postings.stride + postings.auxAt]] = p;
  }
}
