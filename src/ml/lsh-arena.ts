// Many growable lists (hash buckets, posting lists) in one pair of typed arrays. A million small
// Uint32Arrays would each be a heap object with its own ArrayBuffer: ~100 bytes of overhead and
// long GC pauses. Here a list is a block of 2^c entries; a full list moves to a block twice
// as big (blocks are recycled through one free list per size class), so push is amortised O(1).

const NONE = 0xffffffff;

export class ListArena {
  items: Uint32Array;
  values: Float32Array | undefined;
  private readonly offsets: Uint32Array;
  private readonly sizes: Uint32Array;
  private readonly classes: Uint8Array; // block of list i holds 2^classes[i] entries
  private readonly free: number[][] = [];
  private top = 0;

  constructor(readonly lists: number, withValues: boolean, initialEntries = 1024) {
    this.items = new Uint32Array(Math.max(16, initialEntries));
    this.values = withValues ? new Float32Array(this.items.length) : undefined;
    this.offsets = new Uint32Array(lists).fill(NONE);
    this.sizes = new Uint32Array(lists);
    this.classes = new Uint8Array(lists);
  }

  size(list: number): number {
    return this.sizes[list];
  }

  /** Where list's entries start in items/values (meaningless when the list is empty). */
  offset(list: number): number {
    return this.offsets[list];
  }

  /** Appends x (and its value) to list; returns its position in the list. */
  push(list: number, x: number, value = 0): number {
    const n = this.sizes[list];
    if (this.offsets[list] === NONE) {
      this.offsets[list] = this.alloc(1);
      this.classes[list] = 1;
    } else if (n === 1 << this.classes[list]) {
      this.move(list, this.classes[list] + 1);
    }
    const at = this.offsets[list] + n;
    this.items[at] = x;
    if (this.values) this.values[at] = value;
    this.sizes[list] = n + 1;
    return n;
  }

  /** Removes entry p by moving the last entry into it; returns that moved item, or NONE. */
  removeAt(list: number, p: number): number {
    const off = this.offsets[list];
    const last = this.sizes[list] - 1;
    this.sizes[list] = last;
    let moved = NONE;
    if (p !== last) {
      moved = this.items[off + p] = this.items[off + last];
      if (this.values) this.values[off + p] = this.values[off + last];
    }
    if (last === 0) {
      this.release(off, this.classes[list]);
      this.offsets[list] = NONE;
    }
    return moved;
  }

  memoryBytes(): number {
    return this.items.byteLength * (this.values ? 2 : 1) + this.offsets.byteLength + this.sizes.byteLength + this.classes.byteLength;
  }

  private move(list: number, cls: number): void {
    const from = this.offsets[list];
    const n = this.sizes[list];
    const to = this.alloc(cls);
    this.items.copyWithin(to, from, from + n);
    this.values?.copyWithin(to, from, from + n);
    this.release(from, this.classes[list]);
    this.offsets[list] = to;
    this.classes[list] = cls;
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
  }
}

export const NO_ITEM = NONE;
