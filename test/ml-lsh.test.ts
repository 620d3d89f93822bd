import { ClusteredGenerator } from '../bench/lib/vectors';
import { ListArena, NO_ITEM } from '../src/ml/lsh-arena';
import { hamming, popcount32, splitmix32 } from '../src/ml/lsh-hash';
import { denseIndex, sparseIndex, type LshIndex, type Strategy } from '../src/ml/lsh';

const DIM = 64;

function row(data: Float32Array, i: number, dim = DIM): Float32Array {
  return data.subarray(i * dim, (i + 1) * dim);
}

function referencePopcount(x: number): number {
  let n = 0;
  for (let b = 0; b < 32; b++) if ((x >>> b) & 1) n++;
  return n;
}

function exactTop(data: Float32Array, q: Float32Array, k: number): number[] {
  const scores: [number, number][] = [];
  for (let i = 0; i < data.length / DIM; i++) {
    const v = row(data, i);
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      dot += v[d] * q[d];
      norm += v[d] * v[d];
    }
    scores.push([i, dot / Math.sqrt(norm)]);
  }
  return scores.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map(([i]) => i);
}

function build(data: Float32Array, strategy: Strategy, seed = 7): LshIndex<Float32Array> {
  const index = denseIndex({ dim: DIM, seed, strategy, tables: 12, bandBits: 10, codeBits: 128, probes: 12, candidates: 0, rerank: 100 });
  for (let i = 0; i < data.length / DIM; i++) index.set(i, row(data, i));
  return index;
}

const corpus = new ClusteredGenerator({ dim: DIM, clusters: 40, latentDims: 6, seed: 11 });
const data = corpus.take(3000);
const queries = corpus.take(50);

describe('codes and Hamming distance', () => {
  it('popcount and Hamming distance match a bit-by-bit reference on random words', () => {
    const next = splitmix32(3);
    const a = new Uint32Array(64).map(() => next());
    const b = new Uint32Array(64).map(() => next());
    for (let i = 0; i < 64; i++) expect(popcount32(a[i])).toBe(referencePopcount(a[i]));
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    for (let off = 0; off < 64; off += 8) {
      let ref = 0;
      for (let w = off; w < off + 8; w++) ref += referencePopcount(a[w] ^ b[w]);
      expect(hamming(a, off, b, off, 8)).toBe(ref);
    }
  });

  it('gives identical and positively scaled vectors the same code, and different vectors different codes', () => {
    const index = build(data.slice(0, 0), 'tables');
    const v = row(data, 0);
    index.set(1, v);
    index.set(2, v.map((x) => x * 3.5));
    index.set(3, row(data, 1));
    expect(index.code(1)).toEqual(index.code(2));
    expect(index.code(1)).not.toEqual(index.code(3));
    expect(index.code(1)!.length).toBe(4);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = build(data.subarray(0, 200 * DIM), 'tables', 5);
    const b = build(data.subarray(0, 200 * DIM), 'tables', 5);
    const c = build(data.subarray(0, 200 * DIM), 'tables', 6);
    expect(b.code(17)).toEqual(a.code(17));
    expect(c.code(17)).not.toEqual(a.code(17));
    expect(b.query(row(queries, 0), 10)).toEqual(a.query(row(queries, 0), 10));
  });
});

describe('list arena', () => {
  it('keeps many growable lists in step with plain arrays through pushes and removals', () => {
    const arena = new ListArena(50, true, 16, true); // entries of three words: item, value, aux
    const ref: number[][] = Array.from({ length: 50 }, () => []);
    const next = splitmix32(1);
    for (let step = 0; step < 20_000; step++) {
      const list = next() % 50;
      if (ref[list].length > 0 && next() % 3 === 0) {
        const p = next() % ref[list].length;
        const last = ref[list].pop()!;
        const moved = p < ref[list].length ? (ref[list][p] = last) : NO_ITEM;
        expect(arena.removeAt(list, p)).toBe(moved);
      } else {
        const x = next() % 1000;
        expect(arena.push(list, x, x / 2)).toBe(ref[list].length);
        ref[list].push(x);
      }
    }
    for (let list = 0; list < 50; list++) {
      const n = arena.size(list);
      expect(Array.from({ length: n }, (_, p) => arena.item(list, p))).toEqual(ref[list]);
      expect(Array.from({ length: n }, (_, p) => arena.value(list, p))).toEqual(ref[list].map((x) => x / 2));
    }
  });
});

describe('recall against exact cosine', () => {
  const truths: Set<number>[] = [];
  beforeAll(() => {
    for (let q = 0; q < queries.length / DIM; q++) truths.push(new Set(exactTop(data, row(queries, q), 10)));
  });

  it.each(['tables', 'scan', 'exact'] as const)('%s: recall@10 ≥ 0.95 on a fixed clustered corpus', (strategy) => {
    const index = build(data, strategy);
    let hits = 0;
    for (let q = 0; q < queries.length / DIM; q++) {
      const truth = truths[q];
      const got = index.query(row(queries, q), 10);
      expect(got).toHaveLength(10);
      for (let i = 1; i < got.length; i++) expect(got[i - 1].score).toBeGreaterThanOrEqual(got[i].score);
      hits += got.filter((n) => truth.has(n.id)).length;
    }
    const recall = hits / (10 * (queries.length / DIM));
    if (strategy === 'exact') expect(recall).toBe(1);
    else expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe('incremental updates', () => {
  it('reflects add, edit and delete in results', () => {
    const index = build(data.subarray(0, 1000 * DIM), 'tables');
    const q = row(queries, 3);
    expect(index.query(q, 1)[0].id).not.toBe(5000);
    index.set(5000, q.slice());
    expect(index.query(q, 1)[0]).toEqual({ id: 5000, score: expect.closeTo(1, 5) });
    expect(index.size).toBe(1001);

    index.set(5000, q.map((x) => -x)); // edit: now the opposite direction
    expect(index.query(q, 10).map((n) => n.id)).not.toContain(5000);
    expect(index.query(q.map((x) => -x), 1)[0].id).toBe(5000);
    expect(index.size).toBe(1001);

    const before = index.query(q, 10);
    expect(index.delete(before[0].id)).toBe(true);
    expect(index.delete(before[0].id)).toBe(false);
    const after = index.query(q, 10).map((n) => n.id);
    expect(after).not.toContain(before[0].id);
    expect(after.slice(0, 9)).toEqual(before.slice(1).map((n) => n.id));
    expect(index.size).toBe(1000);
  });

  it('reuses freed slots without mixing up ids', () => {
    const index = build(data.subarray(0, 100 * DIM), 'exact');
    for (let i = 0; i < 50; i++) index.delete(i);
    for (let i = 0; i < 50; i++) index.set(1000 + i, row(data, i));
    for (let i = 0; i < 50; i++) expect(index.related(1000 + i, 1)[0]?.id).not.toBe(1000 + i);
    expect(index.query(row(data, 7), 1)[0].id).toBe(1007);
  });
});

describe('filters, sizes and edge cases', () => {
  it.each(['tables', 'scan', 'exact'] as const)('%s: never returns a filtered id and still returns k items', (strategy) => {
    const index = build(data, strategy);
    const hidden = (id: number) => id % 3 !== 0; // two thirds of the corpus is private
    for (let q = 0; q < 10; q++) {
      const got = index.query(row(queries, q), 10, (id) => !hidden(id));
      expect(got).toHaveLength(10);
      for (const n of got) expect(hidden(n.id)).toBe(false);
    }
    const onlyFive = new Set([3, 999, 1500, 2001, 2998]);
    const got = index.query(row(queries, 0), 10, (id) => onlyFive.has(id));
    expect(got.map((n) => n.id).sort((a, b) => a - b)).toEqual([...onlyFive].sort((a, b) => a - b));
  });

  it('related() excludes the item itself and honours the filter', () => {
    const index = build(data, 'tables');
    const got = index.related(42, 10, (id) => id !== 43);
    expect(got).toHaveLength(10);
    expect(got.map((n) => n.id)).not.toContain(42);
    expect(got.map((n) => n.id)).not.toContain(43);
    expect(index.related(123456, 5)).toEqual([]);
  });

  it('handles k larger than the corpus, the empty index and zero vectors', () => {
    const empty = denseIndex({ dim: DIM });
    expect(empty.query(row(queries, 0), 10)).toEqual([]);
    expect(empty.memoryBytes().perItem).toBe(0);

    const small = build(data.subarray(0, 5 * DIM), 'tables');
    expect(small.query(row(queries, 0), 50)).toHaveLength(5);
    expect(small.query(row(queries, 0), 0)).toEqual([]);
    expect(small.query(new Float32Array(DIM), 3)).toEqual([]);

    small.set(99, new Float32Array(DIM)); // a zero vector is kept but is similar to nothing
    expect(small.has(99)).toBe(true);
    expect(small.code(99)).toBeUndefined();
    expect(small.query(row(queries, 0), 50).map((n) => n.id)).not.toContain(99);
    expect(small.related(99, 3)).toEqual([]);
    expect(small.delete(99)).toBe(true);
  });

  it('rejects vectors of the wrong shape or with non-finite values', () => {
    const index = denseIndex({ dim: DIM });
    expect(() => index.set(1, new Float32Array(DIM - 1))).toThrow(RangeError);
    expect(() => index.set(1, new Float32Array(DIM).fill(NaN))).toThrow(RangeError);
    expect(() => index.set(Number.NaN, new Float32Array(DIM))).toThrow(RangeError);
    expect(() => index.query(new Float32Array(3), 1)).toThrow(RangeError);
    const sparse = sparseIndex({ dims: 1024 });
    const bad = { indices: Uint32Array.of(5, 3), values: Float32Array.of(1, 1) };
    expect(() => sparse.set(1, bad)).toThrow(RangeError);
    expect(() => sparse.set(1, { indices: Uint32Array.of(1024), values: Float32Array.of(1) })).toThrow(RangeError);
  });

  it('answers sparse queries after many edits and deletes exactly as a freshly built index', () => {
    const next = splitmix32(21);
    const vector = () => {
      const idx = new Set<number>();
      while (idx.size < 20) idx.add(next() % 64); // few dimensions: long, shared posting lists
      const indices = Uint32Array.from([...idx].sort((a, b) => a - b));
      return { indices, values: Float32Array.from(indices, () => (next() % 100) / 10 - 5) };
    };
    const churned = sparseIndex({ dims: 64, seed: 4, strategy: 'exact' });
    const final = new Map<number, ReturnType<typeof vector>>();
    for (let step = 0; step < 3000; step++) {
      const id = next() % 60;
      if (next() % 4 === 0) {
        churned.delete(id);
        final.delete(id);
      } else {
        const v = vector();
        churned.set(id, v);
        final.set(id, v);
      }
    }
    const fresh = sparseIndex({ dims: 64, seed: 4, strategy: 'exact' });
    for (const [id, v] of final) fresh.set(id, v);
    for (let q = 0; q < 20; q++) {
      const v = vector();
      const got = churned.query(v, 60);
      expect(got.map((n) => n.id)).toEqual(fresh.query(v, 60).map((n) => n.id));
      got.forEach((n, i) => expect(n.score).toBeCloseTo(fresh.query(v, 60)[i].score, 5));
    }
  });

  it('indexes sparse vectors: collisions, recall and updates', () => {
    const index = sparseIndex({ dims: 1 << 12, seed: 3, strategy: 'tables', tables: 8, bandBits: 8, codeBits: 64, probes: 8 });
    const next = splitmix32(9);
    const vectors = Array.from({ length: 400 }, (_, i) => {
      const topic = i % 20;
      const idx = new Set<number>();
      for (let j = 0; j < 12; j++) idx.add(topic * 100 + (next() % 40));
      for (let j = 0; j < 4; j++) idx.add(next() % 4096);
      const indices = Uint32Array.from([...idx].sort((a, b) => a - b));
      return { indices, values: Float32Array.from(indices, () => 1 + (next() % 3)) };
    });
    vectors.forEach((v, i) => index.set(i, v));
    index.set(1000, vectors[7]);
    expect(index.code(1000)).toEqual(index.code(7));
    const got = index.related(7, 5);
    expect(got[0]).toEqual({ id: 1000, score: expect.closeTo(1, 5) });
    for (const n of got.slice(1)) expect(n.id % 20).toBe(7);
    index.delete(1000);
    expect(index.related(7, 5).map((n) => n.id)).not.toContain(1000);
  });
});
