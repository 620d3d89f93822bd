/** `?page=` as Flasky reads it: an integer, anything else is page 1. `-1` is kept (the post page's "last page"). */
export function pageParam(value: unknown): number {
  const n = typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : 1;
  return n === -1 || n >= 1 ? n : 1;
}

/** Flask-SQLAlchemy's Pagination: what the pagination macro needs. */
export class Pagination<T> {
  constructor(
    readonly items: T[],
    readonly page: number,
    readonly perPage: number,
    readonly total: number,
  ) {}

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.perPage));
  }
  get hasPrev(): boolean {
    return this.page > 1;
  }
  get hasNext(): boolean {
    return this.page < this.pages;
  }
  get prevNum(): number {
    return this.page - 1;
  }
  get nextNum(): number {
    return this.page + 1;
  }

  /** Page numbers with `null` for gaps, as iter_pages(left_edge=2, left_current=2, right_current=5, right_edge=2). */
  iterPages(leftEdge = 2, leftCurrent = 2, rightCurrent = 5, rightEdge = 2): (number | null)[] {
    const out: (number | null)[] = [];
    let last = 0;
    for (let n = 1; n <= this.pages; n++) {
      const near = n > this.page - leftCurrent - 1 && n < this.page + rightCurrent;
      if (n <= leftEdge || near || n > this.pages - rightEdge) {
        if (last + 1 !== n) out.push(null);
        out.push(n);
        last = n;
      }
    }
    return out;
  }
}

/** Resolves `-1` to the last page and returns the offset for a page. */
export function resolvePage(page: number, perPage: number, total: number): { page: number; offset: number } {
  const last = Math.max(1, Math.ceil(total / perPage));
  const resolved = page === -1 ? last : page;
  return { page: resolved, offset: (resolved - 1) * perPage };
}
