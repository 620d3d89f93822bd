// Counting of hashed features for one text at a time, producing a sorted sparse vector.
import type { SparseVector } from './features';

/**
 * Counts the hashed features of one text in an open-addressing table sized to that text, so it
 * stays in cache (a dense 2^18 array misses the cache on nearly every n-gram), then sorts the
 * distinct indices. The buffers only grow; a text uses their first `size` slots.
 */
export class FeatureCounter {
  private table = new Int32Array(2 << 12); // per slot: [feature index + 1 (0 = empty), count]
  private used = new Uint32Array(1 << 12); // occupied slots, in order of arrival
  private keys = new Uint32Array(1 << 12);
  private vals = new Float64Array(1 << 12);
  private tmpKeys = new Uint32Array(1 << 12);
  private tmpVals = new Float64Array(1 << 12);
  private size = 1 << 12;
  private readonly mask: number;
  private count = 0;

  constructor(readonly dims: number) {
    this.mask = (dims & (dims - 1)) === 0 ? dims - 1 : -1;
  }

  /** Get ready for a text that will add about `expected` features. */
  start(expected: number): void {
    let size = 1 << 10;
    while (size < expected && size < this.dims * 2) size *= 2;
    this.resize(size);
  }

  private resize(size: number): void {
    this.size = size;
    if (this.table.length < 2 * size) {
      this.table = new Int32Array(2 * size);
      this.used = new Uint32Array(size);
      this.keys = new Uint32Array(size);
      this.vals = new Float64Array(size);
      this.tmpKeys = new Uint32Array(size);
      this.tmpVals = new Float64Array(size);
    }
  }

  /** hash is a signed int32; its sign bit, unused by the index (dims ≤ 2^30), is the feature's sign. */
  add(hash: number): void {
    const index = this.mask >= 0 ? hash & this.mask : (hash >>> 0) % this.dims;
    const { table } = this;
    const m = this.size - 1;
    // index is already a hash value, so its low bits spread well over the table.
    let s = index & m;
    for (;;) {
      const v = table[2 * s];
      if (v === index + 1) break;
      if (v === 0) {
        table[2 * s] = index + 1;
        this.used[this.count++] = s;
        if (this.count * 2 > this.size) {
          table[2 * s + 1] += hash < 0 ? -1 : 1;
          this.grow();
          return;
        }
        break;
      }
      s = (s + 1) & m;
    }
    table[2 * s + 1] += hash < 0 ? -1 : 1;
  }

  private grow(): void {
    const n = this.count;
    const entries = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      const s = this.used[k];
      entries[2 * k] = this.table[2 * s];
      entries[2 * k + 1] = this.table[2 * s + 1];
      this.table[2 * s] = this.table[2 * s + 1] = 0;
    }
    this.resize(this.size * 2);
    const { table } = this;
    const m = this.size - 1;
    for (let k = 0; k < n; k++) {
      let s = (entries[2 * k] - 1) & m;
      while (table[2 * s] !== 0) s = (s + 1) & m;
      table[2 * s] = entries[2 * k];
      table[2 * s + 1] = entries[2 * k + 1];
      this.used[k] = s;
    }
  }

  finish(sublinear: boolean, normalize: boolean): SparseVector {
    const { table, keys, vals } = this;
    let n = 0;
    for (let k = 0; k < this.count; k++) {
      const s = this.used[k];
      const c = table[2 * s + 1];
      if (c !== 0) {
        keys[n] = table[2 * s] - 1;
        vals[n++] = !sublinear || c === 1 || c === -1 ? c : c > 0 ? 1 + Math.log(c) : -1 - Math.log(-c);
      }
      table[2 * s] = table[2 * s + 1] = 0;
    }
    this.count = 0;
    const [indices, values] = sortPairs(keys, vals, this.tmpKeys, this.tmpVals, n);
    if (normalize) {
      let norm = 0;
      for (let k = 0; k < n; k++) norm += values[k] * values[k];
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 1;
      for (let k = 0; k < n; k++) values[k] *= inv;
    }
    return { indices: indices.slice(0, n), values: Float32Array.from(values.subarray(0, n)) };
  }
}

const RADIX_BITS = 10;
const RADIX = 1 << RADIX_BITS;
const buckets = new Uint32Array(RADIX);

/** Sorts keys[0, n) with their vals: insertion sort when short, else LSD radix sort, 10 bits a pass. */
function sortPairs(
  keys: Uint32Array,
  vals: Float64Array,
  tmpKeys: Uint32Array,
  tmpVals: Float64Array,
  n: number,
): [Uint32Array, Float64Array] {
  if (n <= 64) {
    for (let i = 1; i < n; i++) {
      const k = keys[i];
      const v = vals[i];
      let j = i - 1;
      for (; j >= 0 && keys[j] > k; j--) {
        keys[j + 1] = keys[j];
        vals[j + 1] = vals[j];
      }
      keys[j + 1] = k;
      vals[j + 1] = v;
    }
    return [keys, vals];
  }
  let max = 0;
  for (let k = 0; k < n; k++) if (keys[k] > max) max = keys[k];
  let [sk, sv, dk, dv] = [keys, vals, tmpKeys, tmpVals];
  for (let shift = 0; shift < 32 && max >>> shift > 0; shift += RADIX_BITS) {
    buckets.fill(0);
    for (let k = 0; k < n; k++) buckets[(sk[k] >>> shift) & (RADIX - 1)]++;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = buckets[b];
      buckets[b] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const at = buckets[(sk[k] >>> shift) & (RADIX - 1)]++;
      dk[at] = sk[k];
      dv[at] = sv[k];
    }
    [sk, sv, dk, dv] = [dk, dv, sk, sv];
  }
  return [sk, sv];
}
