import type { Neighbor } from './lsh-options';

/** The k best (slot, score) seen so far; ties go to the smaller id so results are deterministic. */
export class TopK {
  readonly slots: Int32Array;
  readonly scores: Float64Array;
  private readonly idv: Float64Array;
  count = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(k);
    this.scores = new Float64Array(k);
    this.idv = new Float64Array(k);
  }

  reset(): void {
    this.count = 0;
  }

  /** Whether (score, id) would enter the top k. */
  wants(score: number, id: number): boolean {
    if (this.count < this.k) return true;
    const w = this.scores[this.k - 1];
    return score > w || (score === w && id < this.idv[this.k - 1]);
  }

  offer(slot: number, score: number, id: number): void {
    const { k, scores, slots, idv } = this;
    if (!this.wants(score, id)) return;
    if (this.count < k) this.count++;
    let i = this.count - 1;
    while (i > 0 && (scores[i - 1] < score || (scores[i - 1] === score && idv[i - 1] > id))) {
      scores[i] = scores[i - 1];
      slots[i] = slots[i - 1];
      idv[i] = idv[i - 1];
      i--;
    }
    scores[i] = score;
    slots[i] = slot;
    idv[i] = id;
  }

  result(ids: Float64Array): Neighbor[] {
    const out: Neighbor[] = [];
    for (let i = 0; i < this.count; i++) out.push({ id: ids[this.slots[i]], score: this.scores[i] });
    return out;
  }
}

/**
 * The m-th largest of a[0, n) (1 ≤ m ≤ n), by quickselect: a is reordered. O(n) on average, which
 * beats sorting the tens of thousands of partial scores a term-pruned query gathers.
 */
export function mthLargest(a: Float32Array, n: number, m: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = m - 1; // position in descending order
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}
