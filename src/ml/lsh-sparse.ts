// Sparse vectors (hashed TF-IDF notes) for the LSH index. Each vector is kept twice: forward
// (its own indices/values, to re-rank a candidate against a query scattered into a dense
// scratch array) and inverted (per-dimension posting lists), because exact cosine with *every*
// note is cheaper term-at-a-time: a query touches Σ df of its terms (≈125k postings on the
// SpamAssassin corpus) instead of every stored component (≈2.4M), and the accumulators fit in
// cache. Postings are deleted lazily: each carries its slot's generation, which a delete or edit
// bumps, so removing a note costs one counter per term; a list is compacted once over half of
// it is dead (amortised O(1) per dead posting), and scoring skips the dead ones.
import type { SparseVector } from './features';
import { grown, ListArena } from './lsh-arena';
import { SparseHyperplanes } from './lsh-hash';
import type { VectorStore } from './lsh-store';

const EMPTY: SparseVector = { indices: new Uint32Array(0), values: new Float32Array(0) };

export class SparseStore implements VectorStore<SparseVector> {
  readonly kind = 'sparse';
  private vectors: SparseVector[] = [];
  private readonly postings: ListArena; // entries: slot, weight, generation of the slot
  private generation = new Uint32Array(1024);
  private mark = new Uint32Array(1024); // slot seen by the term-pruned query of epoch `marked`
  private marked = 0;
  private order = new Uint32Array(256);
  private readonly dead: Uint32Array; // dead entries per posting list
  private readonly scratch: Float32Array;
  // One bit per dimension: set for the prepared query's terms. 32 KB stays in L1 where the 1 MB
  // scratch does not, so a candidate's terms that the query lacks (most) cost no cache miss.
  private readonly inQuery: Uint32Array;
  private query: SparseVector = EMPTY;
  private readonly planes: SparseHyperplanes;

  constructor(readonly dim: number, bits: number, seed: number) {
    this.scratch = new Float32Array(dim);
    this.inQuery = new Uint32Array((dim + 31) >>> 5);
    this.postings = new ListArena(dim, true, 1 << 16, true);
    this.dead = new Uint32Array(dim);
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

  grow(capacity: number): void {
    if (capacity <= this.generation.length) return;
    this.generation = grown(this.generation, capacity);
    this.mark = grown(this.mark, capacity);
  }

  set(slot: number, v: SparseVector): number {
    this.clear(slot);
    let sum = 0;
    for (let k = 0; k < v.values.length; k++) sum += v.values[k] * v.values[k];
    const norm = Math.sqrt(sum);
    if (norm === 0) return 0;
    if (slot >= this.generation.length) this.grow(Math.max(slot + 1, this.generation.length * 2));
    const gen = this.generation[slot];
    const n = v.indices.length;
    const stored = { indices: v.indices.slice(), values: new Float32Array(n) };
    for (let k = 0; k < n; k++) {
      const w = (stored.values[k] = v.values[k] / norm);
      this.postings.push(v.indices[k], slot, w, gen);
    }
    this.vectors[slot] = stored;
    return norm;
  }

  /** Forgets slot's vector: its postings die with the old generation. */
  clear(slot: number): void {
    const old = this.vectors[slot];
    if (old === undefined || old === EMPTY) return;
    this.vectors[slot] = EMPTY;
    this.generation[slot] = (this.generation[slot] + 1) >>> 0;
    for (let k = 0; k < old.indices.length; k++) {
      const i = old.indices[k];
      if (++this.dead[i] * 2 > this.postings.size(i)) this.compact(i);
    }
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
    for (let k = 0; k < q.indices.length; k++) {
      const i = q.indices[k];
      this.scratch[i] = values[k];
      this.inQuery[i >>> 5] |= 1 << (i & 31);
    }
    return norm;
  }

  projectQuery(out: Float64Array): void {
    this.planes.project(this.query, out);
  }

  score(slot: number): number {
    const { indices, values } = this.vectors[slot];
    const { scratch, inQuery } = this;
    let s = 0;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if ((inQuery[i >>> 5] >>> (i & 31)) & 1) s += values[k] * scratch[i];
    }
    return s;
  }

  scoreAll(acc: Float32Array, upTo: number): void {
    acc.fill(0, 0, upTo);
    const { indices, values } = this.query;
    const { postings } = this;
    const { data, floats, stride } = postings;
    const generation = this.generation;
    for (let k = 0; k < indices.length; k++) {
      const n = postings.size(indices[k]);
      if (n === 0) continue;
      const start = postings.offset(indices[k]) * stride;
      const end = start + n * stride;
      const q = values[k];
      for (let e = start; e < end; e += stride) {
        const slot = data[e];
        if (data[e + 2] === generation[slot]) acc[slot] += q * floats[e + 1];
      }
    }
  }

  scoreStrongest(terms: number, postingsBudget: number, acc: Float32Array, out: Uint32Array): number {
    const { indices, values } = this.query;
    const m = indices.length;
    if (this.order.length < m) this.order = new Uint32Array(Math.max(m, this.order.length * 2));
    const order = this.order.subarray(0, m);
    for (let k = 0; k < m; k++) order[k] = k;
    order.sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
    if (++this.marked === 0xffffffff) {
      this.mark.fill(0);
      this.marked = 1;
    }
    const epoch = this.marked;
    const { postings, generation, mark } = this;
    const { data, floats, stride } = postings;
    let n = 0;
    let walked = 0;
    for (let r = 0, taken = 0; r < m && taken < terms; r++) {
      const k = order[r];
      const size = postings.size(indices[k]);
      // A list that would overrun the budget is skipped, not the rest: weaker terms further down
      // the order are mostly rarer ones, with short lists that still fit.
      if (size === 0 || (walked > 0 && walked + size > postingsBudget)) continue;
      walked += size;
      taken++;
      const start = postings.offset(indices[k]) * stride;
      const end = start + size * stride;
      const q = values[k];
      for (let e = start; e < end; e += stride) {
        const slot = data[e];
        if (data[e + 2] !== generation[slot]) continue;
        acc[slot] += q * floats[e + 1];
        if (mark[slot] !== epoch) {
          mark[slot] = epoch;
          out[n++] = slot;
        }
      }
    }
    return n;
  }

  release(): void {
    const { indices } = this.query;
    for (let k = 0; k < indices.length; k++) {
      this.scratch[indices[k]] = 0;
      this.inQuery[indices[k] >>> 5] = 0;
    }
    this.query = EMPTY;
  }

  vectorBytes(slot: number): number {
    return (this.vectors[slot] ?? EMPTY).indices.length * 20 + 80; // forward 8 B + posting 12 B per term
  }

  storageBytes(): number {
    let bytes = this.scratch.byteLength + this.inQuery.byteLength + this.postings.memoryBytes() + this.dead.byteLength + this.generation.byteLength + this.mark.byteLength;
    for (const v of this.vectors) bytes += 8 + (v ? v.indices.length * 8 + 80 : 0);
    return bytes;
  }

  get(slot: number): SparseVector {
    const { indices, values } = this.vectors[slot];
    return { indices: indices.slice(), values: values.slice() };
  }

  /** Drops the dead entries of posting list i. */
  private compact(i: number): void {
    const { generation } = this;
    this.postings.retain(i, (data, at) => data[at + 2] === generation[data[at]]);
    this.dead[i] = 0;
  }
}
