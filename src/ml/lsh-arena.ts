// Many growable lists (hash buckets, posting lists) in one typed array. A million small
// Uint32Arrays would each be a heap object with its own ArrayBuffer: ~100 bytes of overhead and
// long GC pauses. Here a list is a block of 2^c entries; a full list moves to a block twice
// as big (blocks are recycled through one free list per size class), so push is amortised O(1).
// An entry is `stride` words side by side: the item, then optionally a float value (through a
// Float32Array view of the same memory) and an auxiliary integer, so one entry is one cache line.

type GrowableArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

/** A copy of `a` with room for `length` entries, the new ones zero (typed arrays cannot grow in place). */
export function grown<T extends GrowableArray>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

const NONE = 0xffffffff;
const SIZE_BITS = 26; // meta[2i + 1] = size | class << SIZE_BITS
const SIZE_MASK = (1 << SIZE_BITS) - 1;

export class ListArena {
  /** Entry e of list i starts at data[(offset(i) + e) * stride]. */
  data: Uint32Array;
  /** The same memory as floats: the value of an entry is at floats[start + 1]. */
  floats: Float32Array;
  readonly stride: number;
  /** Word of the auxiliary integer within an entry. */
  readonly auxAt: number;
  // Offset and size|class of list i side by side, so a lookup is one cache line, not three.
  private readonly meta: Uint32Array;
  private readonly hasValues: boolean;
  private readonly hasAux: boolean;
  private readonly free: number[][] = [];
  private top = 0;

  constructor(readonly lists: number, withValues: boolean, initialEntries = 1024, withAux = false) {
    this.hasValues = withValues;
    this.hasAux = withAux;
    this.stride = 1 + (withValues ? 1 : 0) + (withAux ? 1 : 0);
    this.auxAt = withValues ? 2 : 1;
    this.data = new Uint32Array(Math.max(16, initialEntries) * this.stride);
    this.floats = new Float32Array(this.data.buffer);
    this.meta = new Uint32Array(2 * lists);
    for (let i = 0; i < lists; i++) this.meta[2 * i] = NONE;
  }

  size(list: number): number {
    return this.meta[2 * list + 1] & SIZE_MASK;
  }

  /** Where list's entries start, in entries (meaningless when the list is empty). */
  offset(list: number): number {
    return this.meta[2 * list];
  }

  item(list: number, p: number): number {
    return this.data[(this.meta[2 * list] + p) * this.stride];
  }

  value(list: number, p: number): number {
    return this.floats[(this.meta[2 * list] + p) * this.stride + 1];
  }

  /** Appends x (with its value and aux word, if the arena has them); returns its position in the list. */
  push(list: number, x: number, value = 0, aux = 0): number {
    const m = 2 * list;
    const n = this.meta[m + 1] & SIZE_MASK;
    let cls = this.meta[m + 1] >>> SIZE_BITS;
    if (this.meta[m] === NONE) {
      cls = 1;
      this.meta[m] = this.alloc(cls);
    } else if (n === 1 << cls) {
      if (n === SIZE_MASK + 1) throw new RangeError('list too long');
      cls++;
      this.move(m, n, cls);
    }
    const at = (this.meta[m] + n) * this.stride;
    this.data[at] = x;
    if (this.hasValues) this.floats[at + 1] = value;
    if (this.hasAux) this.data[at + this.auxAt] = aux;
    this.meta[m + 1] = ((n + 1) | (cls << SIZE_BITS)) >>> 0;
    return n;
  }

  /** Removes entry p by moving the last entry into it; returns that moved item, or NONE. */
  removeAt(list: number, p: number): number {
    const m = 2 * list;
    const off = this.meta[m];
    const cls = this.meta[m + 1] >>> SIZE_BITS;
    const last = (this.meta[m + 1] & SIZE_MASK) - 1;
    let moved = NONE;
    if (p !== last) {
      const to = (off + p) * this.stride;
      const from = (off + last) * this.stride;
      for (let w = 0; w < this.stride; w++) this.data[to + w] = this.data[from + w];
      moved = this.data[to];
    }
    if (last === 0) {
      this.release(off, cls);
      this.meta[m] = NONE;
      this.meta[m + 1] = 0;
    } else {
      this.meta[m + 1] = (last | (cls << SIZE_BITS)) >>> 0;
    }
    return moved;
  }

  /** Keeps, in order, the entries of list for which keep(data, start of the entry) holds. */
  retain(list: number, keep: (data: Uint32Array, at: number) => boolean): void {
    const m = 2 * list;
    const off = this.meta[m];
    const cls = this.meta[m + 1] >>> SIZE_BITS;
    const n = this.meta[m + 1] & SIZE_MASK;
    const { data, stride } = this;
    let kept = 0;
    for (let e = 0; e < n; e++) {
      const from = (off + e) * stride;
      if (!keep(data, from)) continue;
      const to = (off + kept++) * stride;
      for (let w = 0; w < stride; w++) data[to + w] = data[from + w];
    }
    if (kept === 0 && n > 0) {
      this.release(off, cls);
      this.meta[m] = NONE;
      this.meta[m + 1] = 0;
    } else {
      this.meta[m + 1] = (kept | (cls << SIZE_BITS)) >>> 0;
    }
  }

  memoryBytes(): number {
    return this.data.byteLength + this.meta.byteLength;
  }

  private move(m: number, n: number, cls: number): void {
    const from = this.meta[m];
    const to = this.alloc(cls);
    this.data.copyWithin(to * this.stride, from * this.stride, (from + n) * this.stride);
    this.release(from, cls - 1);
    this.meta[m] = to;
  }

  private alloc(cls: number): number {
    const reuse = this.free[cls]?.pop();
    if (reuse !== undefined) return reuse;
    const size = 1 << cls;
    if ((this.top + size) * this.stride > this.data.length) this.grow(this.top + size);
    const at = this.top;
    this.top += size;
    return at;
  }

  private release(off: number, cls: number): void {
    (this.free[cls] ??= []).push(off);
  }

  private grow(needed: number): void {
    const entries = Math.max(needed, Math.ceil((this.data.length / this.stride) * 1.5));
    const data = new Uint32Array(entries * this.stride);
    data.set(this.data.subarray(0, this.top * this.stride));
    this.data = data;
    this.floats = new Float32Array(data.buffer);
  }
}

export const NO_ITEM = NONE;
