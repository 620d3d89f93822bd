// Cosine-similarity index: random-hyperplane LSH codes (Uint32 words, Hamming distance by XOR +
// popcount), band hash tables with query-directed multi-probe for candidates, exact cosine
// re-rank. Three ways to answer a query, chosen by corpus size (see docs/related-notes.md):
//   exact  — cosine with every item (the only way to keep recall on small corpora);
//   scan   — Hamming distance to every code, exact re-rank of the `rerank` closest;
//   tables — multi-probe the band tables, order those candidates by Hamming distance, re-rank;
//   terms  — sparse vectors only: partial cosines from the query's strongest terms' posting
//            lists, exact re-rank of the best (term-at-a-time pruning; notes past exactMax).
// Items are keyed by caller ids (numbers); slots are internal and reused after removal. Codes are
// built only once a strategy needs them (lsh-codes.ts): an exact index pays no hashing on writes.
import type { SparseVector } from './features';
import { grown } from './lsh-arena';
import { SlotCodes } from './lsh-codes';
import { DEFAULTS, MAX_PROBES, type Filter, type LshOptions, type Neighbor, type QueryOptions, type Strategy } from './lsh-options';
import { SparseStore } from './lsh-sparse';
import { DenseStore, type VectorStore } from './lsh-store';
import { CodeSearch } from './lsh-probe';
import { TopK, mthLargest } from './lsh-topk';

export type { Filter, LshOptions, Neighbor, QueryOptions, Strategy };

export class LshIndex<V> {
  readonly options: Required<LshOptions>;
  private capacity: number;
  private ids: Float64Array;
  private live: Uint8Array; // 0 free, 1 live, 2 live but zero vector (not in tables, never returned)
  private highWater = 0;
  private readonly free: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly codes: SlotCodes;
  private readonly search: CodeSearch;
  private acc = new Float32Array(0);
  private termAcc = new Float32Array(0); // zero between queries
  private partial = new Float32Array(0);
  private termBudget: [terms: number, postings: number, rerank: number] = [Infinity, Infinity, 0];

  constructor(private readonly store: VectorStore<V>, options: LshOptions) {
    this.options = { ...DEFAULTS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.tables) || o.tables < 1) throw new RangeError('tables must be a positive integer');
    if (o.codeBits % 32 !== 0 || o.codeBits < o.tables * o.bandBits) {
      throw new RangeError('codeBits must be a multiple of 32 and ≥ tables × bandBits');
    }
    this.capacity = Math.max(1, o.capacity);
    this.ids = new Float64Array(this.capacity);
    this.live = new Uint8Array(this.capacity);
    this.codes = new SlotCodes(o.codeBits, o.tables, o.bandBits, this.capacity, (slot, out) => this.store.projectSlot(slot, out));
    this.search = new CodeSearch(o, this.capacity);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** The stored (L2-normalised) vector of id. */
  vector(id: number): V | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.store.get(slot);
  }

  /** A copy of id's LSH code (undefined for unknown ids and zero vectors, which have none); codes pending ones. */
  code(id: number): Uint32Array | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined || this.live[slot] !== 1) return undefined;
    this.codes.flush(this.highWater);
    const { words } = this.codes;
    return this.codes.codes.slice(slot * words, (slot + 1) * words);
  }

  /** Items whose codes are not built yet (none once the strategy needs codes; see lsh-codes.ts). */
  get pendingCodes(): number {
    return this.codes.pending;
  }

  /** Adds id, or replaces its vector when it is already present. */
  set(id: number, v: V): void {
    if (!Number.isFinite(id)) throw new RangeError('id must be a finite number');
    this.store.validate(v);
    let slot = this.slotOf.get(id);
    if (slot !== undefined) this.unindex(slot);
    else slot = this.allocate(id);
    const norm = this.store.set(slot, v);
    if (norm === 0) {
      this.live[slot] = 2;
      return;
    }
    this.live[slot] = 1;
    if (this.needsCodes(this.strategy())) {
      this.codes.flush(this.highWater);
      this.codes.encode(slot);
    } else {
      this.codes.defer(slot);
    }
  }

  delete(id: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.unindex(slot);
    this.store.clear(slot);
    this.live[slot] = 0;
    this.slotOf.delete(id);
    this.free.push(slot);
    return true;
  }

  /** Strategy 'auto' resolves to for the current size. */
  strategy(): Exclude<Strategy, 'auto'> {
    const o = this.options;
    if (o.strategy !== 'auto') return o.strategy;
    if (this.size <= o.exactMax) return 'exact';
    if (o.terms > 0 && this.store.scoreStrongest) return 'terms';
    return this.size <= o.scanMax ? 'scan' : 'tables';
  }

  /**
   * The k items most cosine-similar to v (best first, ties by smaller id) that pass filter.
   * Filtered ids are never returned; if the LSH candidates hold fewer than k visible items, it
   * falls back to scanning every code (term candidates: to exact scoring), so k items come back
   * whenever k visible ones exist.
   */
  query(v: V, k: number, filter?: Filter, opts: QueryOptions = {}): Neighbor[] {
    this.store.validate(v);
    const kk = Math.min(Math.floor(k), this.size);
    if (!(kk >= 1)) return [];
    const strategy = !opts.strategy || opts.strategy === 'auto' ? this.strategy() : opts.strategy;
    const probes = Math.max(1, Math.min(MAX_PROBES, Math.floor(opts.probes ?? this.options.probes)));
    const rerank = Math.max(kk, Math.floor(opts.rerank ?? this.options.rerank));
    const enough = Math.max(0, opts.candidates ?? this.options.candidates);
    const postings = (opts.termPostings ?? this.options.termPostings) * this.size;
    this.termBudget = [Math.floor(opts.terms ?? this.options.terms), postings, Math.max(kk, Math.floor(opts.termRerank ?? this.options.termRerank))];
    try {
      if (this.store.prepare(v) === 0) return [];
      return this.answer(kk, strategy, probes, enough, rerank, filter);
    } finally {
      this.store.release();
    }
  }

  /** Neighbours of a stored item, itself excluded. */
  related(id: number, k: number, filter?: Filter, opts?: QueryOptions): Neighbor[] {
    const v = this.vector(id);
    if (v === undefined) return [];
    return this.query(v, k, filter ? (other) => other !== id && filter(other) : (other) => other !== id, opts);
  }

  private answer(k: number, strategy: Exclude<Strategy, 'auto'>, probes: number, enough: number, rerank: number, filter?: Filter): Neighbor[] {
    const top = new TopK(k);
    if (strategy === 'terms' && this.store.scoreStrongest) {
      this.strongestTerms(top, filter);
      if (top.count >= k) return top.result(this.ids);
      top.reset();
    }
    if (strategy === 'exact' || strategy === 'terms') {
      this.exact(top, filter);
      return top.result(this.ids);
    }
    this.codes.flush(this.highWater);
    this.search.encodeQuery((out) => this.store.projectQuery(out));
    if (strategy === 'tables') {
      this.rerank(this.search.probeTables(this.codes, probes, enough), top, rerank, filter);
      if (top.count >= k) return top.result(this.ids);
      top.reset();
    }
    this.rerank(this.search.allSlots(this.live, this.highWater), top, rerank, filter);
    return top.result(this.ids);
  }

  private exact(top: TopK, filter?: Filter): void {
    if (this.acc.length < this.highWater) this.acc = new Float32Array(this.capacity);
    const acc = this.acc;
    this.store.scoreAll(acc, this.highWater);
    for (let s = 0; s < this.highWater; s++) {
      if (this.live[s] !== 1 || !top.wants(acc[s], this.ids[s]) || (filter && !filter(this.ids[s]))) continue;
      top.offer(s, acc[s], this.ids[s]);
    }
  }

  /**
   * Candidates from the query's strongest terms (those of largest weight have the highest idf, so
   * the shortest posting lists: most of an exact query's cost is in the common terms it skips),
   * the `termRerank` of largest partial cosine re-ranked by their exact cosine.
   */
  private strongestTerms(top: TopK, filter?: Filter): void {
    if (this.termAcc.length < this.highWater) this.termAcc = new Float32Array(this.capacity);
    const cand = this.search.candidates(this.highWater);
    const acc = this.termAcc;
    const [terms, postings, budget] = this.termBudget;
    const n = this.store.scoreStrongest!(terms, postings, acc, cand);
    let threshold = -Infinity;
    let ties = Infinity;
    if (n > budget) {
      if (this.partial.length < n) this.partial = new Float32Array(cand.length);
      const part = this.partial;
      for (let i = 0; i < n; i++) part[i] = acc[cand[i]];
      threshold = mthLargest(part, n, budget);
      ties = budget;
      for (let i = 0; i < n; i++) if (acc[cand[i]] > threshold) ties--;
    }
    for (let i = 0; i < n; i++) {
      const s = cand[i];
      const a = acc[s];
      acc[s] = 0;
      if (a < threshold || (a === threshold && ties-- <= 0)) continue;
      if (this.live[s] !== 1 || (filter && !filter(this.ids[s]))) continue;
      top.offer(s, this.store.score(s), this.ids[s]);
    }
  }

  /** Orders the n candidates by Hamming distance (counting sort) and re-ranks the closest visible ones. */
  private rerank(n: number, top: TopK, budget: number, filter?: Filter): void {
    const ordered = this.search.orderByHamming(this.codes, n);
    for (let i = 0; i < n && budget > 0; i++) {
      const s = ordered[i];
      if (filter && !filter(this.ids[s])) continue;
      top.offer(s, this.store.score(s), this.ids[s]);
      budget--;
    }
  }

  private allocate(id: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.highWater === this.capacity) this.grow(this.capacity * 2);
      slot = this.highWater++;
    }
    this.ids[slot] = id;
    this.slotOf.set(id, slot);
    return slot;
  }

  private unindex(slot: number): void {
    this.codes.drop(slot);
  }

  private needsCodes(strategy: Exclude<Strategy, 'auto'>): boolean {
    return strategy === 'scan' || strategy === 'tables';
  }

  private grow(capacity: number): void {
    this.ids = grown(this.ids, capacity);
    this.live = grown(this.live, capacity);
    this.search.grow(capacity);
    this.codes.grow(capacity);
    this.store.grow(capacity);
    this.capacity = capacity;
  }

  /** Bytes held per item: vectors, codes, ids, table entries and the id map (≈ 40 B a Map entry). */
  memoryBytes(): { total: number; perItem: number } {
    const fixed =
      this.codes.memoryBytes() + this.ids.byteLength + this.live.byteLength + this.search.memoryBytes() +
      this.store.storageBytes() + this.slotOf.size * 40;
    return { total: fixed, perItem: this.size > 0 ? fixed / this.size : 0 };
  }
}

export type DenseLshOptions = LshOptions & { dim: number };
export type SparseLshOptions = LshOptions & { dims: number };

export function denseIndex(opts: DenseLshOptions): LshIndex<Float32Array> {
  const o = { ...DEFAULTS, ...opts };
  return new LshIndex(new DenseStore(opts.dim, o.codeBits, o.seed, o.capacity), o);
}

export function sparseIndex(opts: SparseLshOptions): LshIndex<SparseVector> {
  const o = { ...DEFAULTS, ...opts };
  return new LshIndex(new SparseStore(opts.dims, o.codeBits, o.seed), o);
}
