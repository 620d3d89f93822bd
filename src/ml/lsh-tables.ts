// Hash tables on bands of the LSH code: table t keys each item by bits [t*b, t*b+b) of its code.
// Near vectors share most bits, so they land in the same bucket of at least one table, or in a
// bucket a few flips away, which query-directed multi-probe visits (Lv et al., VLDB 2007).
import { grown, ListArena, NO_ITEM } from './lsh-arena';

/** Bits [start, start+len) of a packed code, len ≤ 24. */
export function bandKey(code: Uint32Array, off: number, start: number, len: number): number {
  const w = start >>> 5;
  const sh = start & 31;
  let v = code[off + w] >>> sh;
  if (sh + len > 32) v |= code[off + w + 1] << (32 - sh);
  return (v & ((1 << len) - 1)) >>> 0;
}

export class BandTables {
  readonly buckets: number;
  readonly lists: ListArena;
  private pos: Uint32Array; // pos[slot * tables + t] = index of slot in its bucket of table t

  constructor(
    readonly tables: number,
    readonly bandBits: number,
    capacity: number,
  ) {
    if (!(bandBits >= 1 && bandBits <= 24)) throw new RangeError('bandBits must be in [1, 24]');
    this.buckets = 1 << bandBits;
    // Power-of-two blocks are on average ~3/4 full, hence the room for 1.5 entries per item.
    this.lists = new ListArena(tables * this.buckets, false, Math.ceil(capacity * tables * 1.5));
    this.pos = new Uint32Array(capacity * tables);
  }

  grow(capacity: number): void {
    this.pos = grown(this.pos, capacity * this.tables);
  }

  insert(slot: number, code: Uint32Array, off: number): void {
    for (let t = 0; t < this.tables; t++) {
      const list = t * this.buckets + bandKey(code, off, t * this.bandBits, this.bandBits);
      this.pos[slot * this.tables + t] = this.lists.push(list, slot);
    }
  }

  /** Removes slot, whose code must be the one it was inserted with; O(tables) (swap with the last). */
  remove(slot: number, code: Uint32Array, off: number): void {
    for (let t = 0; t < this.tables; t++) {
      const list = t * this.buckets + bandKey(code, off, t * this.bandBits, this.bandBits);
      const p = this.pos[slot * this.tables + t];
      const moved = this.lists.removeAt(list, p);
      if (moved !== NO_ITEM) this.pos[moved * this.tables + t] = p;
    }
  }

  memoryBytes(): number {
    return this.lists.memoryBytes() + this.pos.byteLength;
  }
}

/**
 * Query-directed probe sequence for one band: the home bucket, then buckets whose keys flip the
 * bits the query is least sure about, in increasing order of the summed squared projections of
 * the flipped bits (the score of Lv et al.), generated lazily with their shift/expand heap.
 * Writes up to `probes` keys into out and returns how many.
 */
export class ProbeSequencer {
  private readonly order: Int32Array;
  private readonly z2: Float64Array;
  private readonly heapScore: Float64Array;
  private readonly heapMask: Uint32Array;

  constructor(private readonly bandBits: number, maxProbes: number) {
    this.order = new Int32Array(bandBits);
    this.z2 = new Float64Array(bandBits);
    this.heapScore = new Float64Array(2 * maxProbes + 2);
    this.heapMask = new Uint32Array(2 * maxProbes + 2);
  }

  sequence(home: number, proj: Float64Array, start: number, probes: number, out: Uint32Array): number {
    out[0] = home;
    if (probes <= 1) return 1;
    const b = this.bandBits;
    const { order, z2 } = this;
    for (let j = 0; j < b; j++) order[j] = j;
    // Insertion sort of ≤ 24 bits by |projection|: cheaper than a comparator sort at this size.
    for (let j = 1; j < b; j++) {
      const o = order[j];
      const a = Math.abs(proj[start + o]);
      let i = j - 1;
      while (i >= 0 && Math.abs(proj[start + order[i]]) > a) {
        order[i + 1] = order[i];
        i--;
      }
      order[i + 1] = o;
    }
    for (let j = 0; j < b; j++) z2[j] = proj[start + order[j]] * proj[start + order[j]];
    let n = 0;
    this.push(n++, z2[0], 1);
    let count = 1;
    while (count < probes && n > 0) {
      const score = this.heapScore[0];
      const mask = this.heapMask[0];
      n = this.pop(n);
      let flip = 0;
      for (let m = mask; m !== 0; m &= m - 1) flip |= 1 << order[31 - Math.clz32(m & -m)];
      out[count++] = (home ^ flip) >>> 0;
      const top = 31 - Math.clz32(mask);
      if (top + 1 < b) {
        const next = 1 << (top + 1);
        this.push(n++, score - z2[top] + z2[top + 1], ((mask & ~(1 << top)) | next) >>> 0); // shift
        this.push(n++, score + z2[top + 1], (mask | next) >>> 0); // expand
      }
    }
    return count;
  }

  private push(n: number, score: number, mask: number): void {
    const { heapScore: s, heapMask: m } = this;
    let i = n;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (s[p] <= score) break;
      s[i] = s[p];
      m[i] = m[p];
      i = p;
    }
    s[i] = score;
    m[i] = mask;
  }

  private pop(n: number): number {
    const { heapScore: s, heapMask: m } = this;
    const last = n - 1;
    const score = s[last];
    const mask = m[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && s[c + 1] < s[c]) c++;
      if (s[c] >= score) break;
      s[i] = s[c];
      m[i] = m[c];
      i = c;
    }
    s[i] = score;
    m[i] = mask;
    return last;
  }
}
