import type { SparseVector } from '../src/ml/features';
import { splitmix32 } from '../src/ml/lsh-hash';
import { denseIndex, sparseIndex } from '../src/ml/lsh';
import { mthLargest } from '../src/ml/lsh-topk';

// Text-like vectors: a few rare topic terms, some mid-frequency ones and many common ones (the
// long posting lists term pruning skips), weighted like tf-idf (rarer terms weigh more).
function corpus(count: number, seed: number): SparseVector[] {
  const next = splitmix32(seed);
  return Array.from({ length: count }, () => {
    const topic = next() % 40;
    const weights = new Map<number, number>();
    for (let j = 0; j < 6; j++) weights.set(1000 + topic * 50 + (next() % 50), 3 + (next() % 3));
    for (let j = 0; j < 10; j++) weights.set(200 + (next() % 800), 1.5);
    for (let j = 0; j < 25; j++) weights.set(next() % 200, 0.3 + (next() % 10) / 20);
    const indices = Uint32Array.from([...weights.keys()].sort((a, b) => a - b));
    return { indices, values: Float32Array.from(indices, (i) => weights.get(i)! * ((next() & 1) === 0 ? 1 : -1)) };
  });
}

const DIMS = 4096;
const docs = corpus(1500, 3);
const queries = corpus(60, 77);

function build(options = {}) {
  const index = sparseIndex({ dims: DIMS, seed: 2, ...options });
  docs.forEach((v, i) => index.set(i, v));
  return index;
}

describe('mthLargest', () => {
  it('matches sorting on random arrays with many ties', () => {
    const next = splitmix32(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (next() % 300);
      const a = Float32Array.from({ length: n }, () => (next() % 40) / 4 - 5);
      const sorted = Float32Array.from(a).sort().reverse();
      const m = 1 + (next() % n);
      expect(mthLargest(a, n, m)).toBe(sorted[m - 1]);
    }
  });
});

describe('term-pruned candidates', () => {
  it('equal exact scoring when every term is walked and every candidate re-ranked', () => {
    const index = build({ strategy: 'exact' });
    for (const q of queries) {
      const exact = index.query(q, 10);
      const terms = index.query(q, 10, undefined, { strategy: 'terms', terms: Infinity, termRerank: docs.length });
      expect(terms.map((n) => n.id)).toEqual(exact.map((n) => n.id));
      terms.forEach((n, i) => expect(n.score).toBeCloseTo(exact[i].score, 5));
    }
  });

  it('find most of the exact top 10 from a few strong terms, more with a larger budget', () => {
    const index = build();
    const recall = (opts: object) => {
      let hits = 0;
      for (const q of queries) {
        const exact = new Set(index.query(q, 10, undefined, { strategy: 'exact' }).map((n) => n.id));
        const got = index.query(q, 10, undefined, { strategy: 'terms', ...opts });
        expect(got).toHaveLength(10);
        for (const n of got) if (exact.has(n.id)) hits++;
      }
      return hits / (10 * queries.length);
    };
    const small = recall({ terms: 8, termPostings: 0.4, termRerank: 60 });
    expect(small).toBeGreaterThanOrEqual(0.9);
    expect(recall({ terms: 16, termPostings: 2, termRerank: 300 })).toBeGreaterThan(small);
  });

  it('are what auto picks past exactMax for sparse vectors, never for dense ones', () => {
    expect(build({ terms: 8, exactMax: 1000 }).strategy()).toBe('terms');
    expect(build({ terms: 8, exactMax: 2000 }).strategy()).toBe('exact');
    expect(build({ terms: 0, exactMax: 1000, scanMax: 1000, tables: 2, bandBits: 8, codeBits: 32 }).strategy()).toBe('tables');
    const dense = denseIndex({ dim: 4, terms: 8, exactMax: 1, scanMax: 1 });
    [1, 2, 3].forEach((i) => dense.set(i, Float32Array.of(i, 1, 0, 0)));
    expect(dense.strategy()).toBe('tables');
  });

  it('never return filtered items, and fall back to exact scoring when too few candidates pass', () => {
    const index = build({ terms: 4, termPostings: 0.2, termRerank: 20, exactMax: 100 });
    const hidden = (id: number) => id % 3 !== 0;
    for (const q of queries.slice(0, 20)) {
      const got = index.query(q, 10, (id) => !hidden(id));
      expect(got).toHaveLength(10);
      for (const n of got) expect(hidden(n.id)).toBe(false);
    }
    // Only one visible item in the whole corpus: still found, whatever the candidates were.
    const only = index.query(queries[0], 5, (id) => id === 1234);
    expect(only.map((n) => n.id)).toEqual([1234]);
    const related = index.related(17, 5);
    expect(related).toHaveLength(5);
    expect(related.map((n) => n.id)).not.toContain(17);
  });

  it('stay correct after edits and deletes (stale postings skipped, accumulators reset)', () => {
    const index = build({ terms: 8, termPostings: 0.4, termRerank: 200, exactMax: 100 });
    for (let i = 0; i < 300; i++) index.set(i, docs[(i * 7 + 3) % docs.length]);
    for (let i = 300; i < 500; i++) index.delete(i);
    const fresh = sparseIndex({ dims: DIMS, seed: 2, terms: 8, termPostings: 0.4, termRerank: 200, exactMax: 100 });
    for (let i = 0; i < docs.length; i++) {
      if (i >= 300 && i < 500) continue;
      fresh.set(i, i < 300 ? docs[(i * 7 + 3) % docs.length] : docs[i]);
    }
    for (const q of queries) {
      const a = index.query(q, 10);
      expect(a.map((n) => n.id)).toEqual(fresh.query(q, 10).map((n) => n.id));
      for (const n of a) expect(n.id < 300 || n.id >= 500).toBe(true);
    }
  });
});
