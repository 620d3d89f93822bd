// Cosine-similarity index: random-hyperplane LSH codes (Uint32 words, Hamming distance by XOR +
// popcount), band hash tables with query-directed multi-probe for candidates, exact cosine
// re-rank. Three ways to answer a query, chosen by corpus size (see docs/related-notes.md):
//   exact  — cosine with every item (the only way to keep recall on small corpora);
//   scan   — Hamming distance to every code, exact re-rank of the `rerank` closest;
//   tables — multi-probe the band tables, order those candidates by Hamming distance, re-rank.
// Items are keyed by caller ids (numbers); slots are internal and reused after removal. Codes are
// built only once a strategy needs them (lsh-codes.ts): an exact index pays no hashing on writes.
import type { SparseVector } from './features';
import { SlotCodes } from './lsh-codes';
import { hamming, packSigns } from './lsh-hash';
import { DEFAULTS, MAX_PROBES, type Filter, type LshOptions, type Neighbor, type QueryOptions, type Strategy } from './lsh-options';
import { SparseStore } from './lsh-sparse';
import { DenseStore, type VectorStore } from './lsh-store';
import { ProbeSequencer, bandKey } from './lsh-tables';
import { TopK } from './lsh-topk';

export type { Filter, LshOptions, Neighbor, QueryOptions, Strategy };

export class LshIndex<V> {
  readonly options: Required<LshOptions>;
  private readonly words: number;
  private capacity: number;
  private ids: Float64Array;
  private live: Uint8Array; // 0 free, 1 live, 2 live but zero vector (not in tables, never returned)
  private stamp: Uint32Array;
  private epoch = 0;
  private highWater = 0;
  private readonly free: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly codes: SlotCodes;
  private readonly prober: ProbeSequencer;
  private readonly proj: Float64Array;
  private readonly qcode: Uint32Array;
  private readonly keys: Uint32Array; // table t's probe sequence at [t * MAX_PROBES, …)
  private readonly counts: Uint32Array;
  private cand = new Uint32Array(1024);
  private dist = new Uint16Array(1024);
  private ordered = new Uint32Array(1024);
  private readonly histogram: Uint32Array;
  private acc = new Float32Array(0);

  constructor(private readonly store: VectorStore<V>, options: LshOptions) {
    this.options = { ...DEFAULTS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.tables) || o.tables < 1) throw new RangeError('tables must be a positive integer');
    if (o.codeBits % 32 !== 0 || o.codeBits < o.tables * o.bandBits) {
      throw new RangeError('codeBits must be a multiple of 32 and ≥ tables × bandBits');
    }
    this.words = o.codeBits >>> 5;
    this.capacity = Math.max(1, o.capacity);
    this.ids = new Float64Array(this.capacity);
    this.live = new Uint8Array(this.capacity);
    this.stamp = new Uint32Array(this.capacity);
    this.codes = new SlotCodes(o.codeBits, o.tables, o.bandBits, this.capacity, (slot, out) => this.store.projectSlot(slot, out));
    this.prober = new ProbeSequencer(o.bandBits, MAX_PROBES);
    this.proj = new Float64Array(o.codeBits);
    this.qcode = new Uint32Array(this.words);
    this.keys = new Uint32Array(o.tables * MAX_PROBES);
    this.counts = new Uint32Array(o.tables);
    this.histogram = new Uint32Array(o.codeBits + 2);
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
    return this.codes.codes.slice(slot * this.words, (slot + 1) * this.words);
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
    return this.size <= o.scanMax ? 'scan' : 'tables';
  }

  /**
   * The k items most cosine-similar to v (best first, ties by smaller id) that pass filter.
   * Filtered ids are never returned; if the LSH candidates hold fewer than k visible items, it
   * falls back to scanning every code, so k items come back whenever k visible ones exist.
   */
  query(v: V, k: number, filter?: Filter, opts: QueryOptions = {}): Neighbor[] {
    this.store.validate(v);
    const kk = Math.min(Math.floor(k), this.size);
    if (!(kk >= 1)) return [];
    const strategy = !opts.strategy || opts.strategy === 'auto' ? this.strategy() : opts.strategy;
    const probes = Math.max(1, Math.min(MAX_PROBES, Math.floor(opts.probes ?? this.options.probes)));
    const rerank = Math.max(kk, Math.floor(opts.rerank ?? this.options.rerank));
    const enough = Math.max(0, opts.candidates ?? this.options.candidates);
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
    if (strategy === 'exact') {
      this.exact(top, filter);
      return top.result(this.ids);
    }
    this.codes.flush(this.highWater);
    this.store.projectQuery(this.proj);
    packSigns(this.proj, this.options.codeBits, this.qcode, 0);
    if (strategy === 'tables') {
      this.rerank(this.probeTables(probes, enough), top, rerank, filter);
      if (top.count >= k) return top.result(this.ids);
      top.reset();
    }
    this.rerank(this.allSlots(), top, rerank, filter);
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
   * Unique live slots in the probed buckets (into this.cand; returns how many). Buckets are visited
   * in rounds, the p-th best probe of every table in round p, until `probes` rounds are done or,
   * after a round, at least `enough` candidates were found, so sparse regions get more probes.
   */
  private probeTables(probes: number, enough: number): number {
    const o = this.options;
    const epoch = this.nextEpoch();
    const { tables } = this.codes;
    const lists = tables.lists;
    const { keys, counts } = this;
    let rounds = 0;
    for (let t = 0; t < o.tables; t++) {
      const start = t * o.bandBits;
      const home = bandKey(this.qcode, 0, start, o.bandBits);
      counts[t] = this.prober.sequence(home, this.proj, start, probes, keys.subarray(t * MAX_PROBES));
      rounds = Math.max(rounds, counts[t]);
    }
    let n = 0;
    for (let p = 0; p < rounds && !(enough > 0 && n >= enough); p++) {
      for (let t = 0; t < o.tables; t++) {
        if (p >= counts[t]) continue;
        const list = t * tables.buckets + keys[t * MAX_PROBES + p];
        const size = lists.size(list);
        if (size === 0) continue;
        if (n + size > this.cand.length) this.growCandidates(n + size);
        const items = lists.data; // stride 1: the entries are the slots
        const off = lists.offset(list);
        for (let i = off; i < off + size; i++) {
          const s = items[i];
          if (this.stamp[s] === epoch) continue;
          this.stamp[s] = epoch;
          this.cand[n++] = s;
        }
      }
    }
    return n;
  }

  private allSlots(): number {
    if (this.highWater > this.cand.length) this.growCandidates(this.highWater);
    let n = 0;
    for (let s = 0; s < this.highWater; s++) if (this.live[s] === 1) this.cand[n++] = s;
    return n;
  }

  /** Orders the n candidates by Hamming distance (counting sort) and re-ranks the closest visible ones. */
  private rerank(n: number, top: TopK, budget: number, filter?: Filter): void {
    const { words, cand, dist, histogram, qcode } = this;
    const { codes } = this.codes;
    const bits = this.options.codeBits;
    histogram.fill(0);
    for (let i = 0; i < n; i++) {
      const d = hamming(qcode, 0, codes, cand[i] * words, words);
      dist[i] = d;
      histogram[d + 1]++;
    }
    for (let d = 1; d <= bits + 1; d++) histogram[d] += histogram[d - 1];
    const ordered = this.ordered;
    for (let i = 0; i < n; i++) ordered[histogram[dist[i]]++] = cand[i];
    for (let i = 0; i < n && budget > 0; i++) {
      const s = ordered[i];
      if (filter && !filter(this.ids[s])) continue;
      top.offer(s, this.store.score(s), this.ids[s]);
      budget--;
    }
  }

  private growCandidates(n: number): void {
    const size = Math.max(n, this.cand.length * 2);
    const cand = new Uint32Array(size);
    cand.set(this.cand);
    this.cand = cand;
    this.dist = new Uint16Array(size);
    this.ordered = new Uint32Array(size);
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
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
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
    const stamp = new Uint32Array(capacity);
    stamp.set(this.stamp);
    this.stamp = stamp;
    this.codes.grow(capacity);
    this.store.grow(capacity);
    this.capacity = capacity;
  }

  /** Bytes held per item: vectors, codes, ids, table entries and the id map (≈ 40 B a Map entry). */
  memoryBytes(): { total: number; perItem: number } {
    const fixed =
      this.codes.memoryBytes() + this.ids.byteLength + this.live.byteLength + this.stamp.byteLength +
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
