// Many growable lists (hash buckets, posting lists) in one pair of typed arrays. A million small
// Uint32Arrays would each be a heap object with its own ArrayBuffer: ~100 bytes of overhead and
// long GC pauses. Here a list is a block of 2^c entries; a full list moves to a block twice
// as big (blocks are recycled through one free list per size class), so push is amortised O(1).

const NONE = 0xffffffff;
const SIZE_BITS = 26; // meta[2i + 1] = size | class << SIZE_BITS
const SIZE_MASK = (1 << SIZE_BITS) - 1;

export class ListArena {
  items: Uint32Array;
  values: Float32Array | undefined;
  /** A second integer per entry (e.g. where the entry sits in its owner's own arrays). */
  aux: Uint32Array | undefined;
  // Offset and size|class of list i side by side, so a lookup is one cache line, not three.
  private readonly meta: Uint32Array;
  private readonly free: number[][] = [];
  private top = 0;

  constructor(readonly lists: number, withValues: boolean, initialEntries = 1024, withAux = false) {
    this.items = new Uint32Array(Math.max(16, initialEntries));
    this.values = withValues ? new Float32Array(this.items.length) : undefined;
    this.aux = withAux ? new Uint32Array(this.items.length) : undefined;
    this.meta = new Uint32Array(2 * lists);
    for (let i = 0; i < lists; i++) this.meta[2 * i] = NONE;
  }

  size(list: number): number {
    return this.meta[2 * list + 1] & SIZE_MASK;
  }

  /** Where list's entries start in items/values (meaningless when the list is empty). */
  offset(list: number): number {
    return this.meta[2 * list];
  }

  /** Appends x (and its value) to list; returns its position in the list. */
  push(list: number, x: number, value = 0, aux = 0): number {
    const m = 2 * list;
    let n = this.meta[m + 1] & SIZE_MASK;
    let cls = this.meta[m + 1] >>> SIZE_BITS;
    if (this.meta[m] === NONE) {
      cls = 1;
      this.meta[m] = this.alloc(cls);
    } else if (n === 1 << cls) {
      if (n === SIZE_MASK + 1) throw new RangeError('list too long');
      cls++;
      this.move(m, n, cls);
    }
    const at = this.meta[m] + n;
    this.items[at] = x;
    if (this.values) this.values[at] = value;
    if (this.aux) this.aux[at] = aux;
    this.meta[m + 1] = ((n + 1) | (cls << SIZE_BITS)) >>> 0;
    return n;
  }

  /** Removes entry p by moving the last entry into it; returns that moved item, or NONE (its aux is then at p). */
  removeAt(list: number, p: number): number {
    const m = 2 * list;
    const off = this.meta[m];
    const cls = this.meta[m + 1] >>> SIZE_BITS;
    const last = (this.meta[m + 1] & SIZE_MASK) - 1;
    let moved = NONE;
    if (p !== last) {
      moved = this.items[off + p] = this.items[off + last];
      if (this.values) this.values[off + p] = this.values[off + last];
      if (this.aux) this.aux[off + p] = this.aux[off + last];
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

  memoryBytes(): number {
    return this.items.byteLength * (1 + (this.values ? 1 : 0) + (this.aux ? 1 : 0)) + this.meta.byteLength;
  }

  private move(m: number, n: number, cls: number): void {
    const from = this.meta[m];
    const to = this.alloc(cls);
    this.items.copyWithin(to, from, from + n);
    this.values?.copyWithin(to, from, from + n);
    this.aux?.copyWithin(to, from, from + n);
    this.release(from, cls - 1);
    this.meta[m] = to;
  }

  private alloc(cls: number): number {
    const reuse = this.free[cls]?.pop();
    if (reuse !== undefined) return reuse;
    const size = 1 << cls;
    if (this.top + size > this.items.length) this.grow(this.top + size);
    const at = this.top;
    this.top += size;
    return at;
  }

  private release(off: number, cls: number): void {
    (this.free[cls] ??= []).push(off);
  }

  private grow(needed: number): void {
    const length = Math.max(needed, Math.ceil(this.items.length * 1.5));
    const items = new Uint32Array(length);
    items.set(this.items.subarray(0, this.top));
    this.items = items;
    if (this.values) {
      const values = new Float32Array(length);
      values.set(this.values.subarray(0, this.top));
      this.values = values;
    }
    if (this.aux) {
      const aux = new Uint32Array(length);
      aux.set(this.aux.subarray(0, this.top));
      this.aux = aux;
    }
  }
}

export const NO_ITEM = NONE;
