import { splitmix32 } from '../src/ml/lsh-hash';
import { sparseIndex, type LshOptions, type Strategy } from '../src/ml/lsh';
import type { SparseVector } from '../src/ml/features';

// Topics of shared dimensions plus noise, so that codes and tables have neighbours to find.
function vectors(count: number, seed: number): SparseVector[] {
  const next = splitmix32(seed);
  return Array.from({ length: count }, (_, i) => {
    const idx = new Set<number>();
    for (let j = 0; j < 12; j++) idx.add((i % 25) * 100 + (next() % 40));
    for (let j = 0; j < 4; j++) idx.add(next() % 4096);
    const indices = Uint32Array.from([...idx].sort((a, b) => a - b));
    return { indices, values: Float32Array.from(indices, () => (next() % 7) - 3 || 1) };
  });
}

const OPTIONS: LshOptions = { seed: 5, tables: 8, bandBits: 8, codeBits: 64, probes: 8, candidates: 0, rerank: 50 };

// The same writes on both: adds, edits to other vectors, deletes, a zero vector, re-adds.
function churn(index: ReturnType<typeof sparseIndex>, vs: SparseVector[]): void {
  vs.forEach((v, i) => index.set(i, v));
  for (let i = 0; i < 100; i++) index.set(i * 3, vs[(i * 7 + 1) % vs.length]);
  for (let i = 0; i < 60; i++) index.delete(i * 5);
  index.set(5, { indices: Uint32Array.of(1), values: Float32Array.of(0) });
  for (let i = 0; i < 20; i++) index.set(1000 + i, vs[i]);
}

describe('lazily built codes', () => {
  const vs = vectors(400, 17);
  const queries = vectors(30, 99);

  it('an index answering exactly builds no codes until a query needs them', () => {
    const lazy = sparseIndex({ ...OPTIONS, dims: 1 << 12 }); // auto → exact at this size
    churn(lazy, vs);
    expect(lazy.strategy()).toBe('exact');
    expect(lazy.pendingCodes).toBe(lazy.size - 1); // every live item but the zero vector
    lazy.query(queries[0], 10);
    expect(lazy.pendingCodes).toBe(lazy.size - 1);
    lazy.query(queries[0], 10, undefined, { strategy: 'scan' });
    expect(lazy.pendingCodes).toBe(0);
    lazy.set(2000, vs[3]); // back to deferring: auto still answers exactly
    expect(lazy.pendingCodes).toBe(1);
  });

  it('gives the same codes and results as codes built on every write', () => {
    const lazy = sparseIndex({ ...OPTIONS, dims: 1 << 12 });
    const eager = sparseIndex({ ...OPTIONS, dims: 1 << 12, strategy: 'tables' });
    churn(lazy, vs);
    churn(eager, vs);
    expect(eager.pendingCodes).toBe(0);
    for (const strategy of ['tables', 'scan', 'exact'] as Strategy[]) {
      for (const q of queries) {
        expect(lazy.query(q, 10, undefined, { strategy })).toEqual(eager.query(q, 10, undefined, { strategy }));
      }
    }
    // Writes after the codes were built, while the index still defers them, and a lookup of a code.
    for (let i = 0; i < 30; i++) {
      lazy.set(i * 11, vs[(i * 13) % vs.length]);
      eager.set(i * 11, vs[(i * 13) % vs.length]);
    }
    lazy.delete(33);
    eager.delete(33);
    expect(lazy.pendingCodes).toBeGreaterThan(0);
    expect(lazy.code(11)).toEqual(eager.code(11));
    expect(lazy.code(5)).toBeUndefined(); // the zero vector has no code
    for (const q of queries) expect(lazy.query(q, 10, undefined, { strategy: 'tables' })).toEqual(eager.query(q, 10, undefined, { strategy: 'tables' }));
    for (let id = 0; id < 400; id += 37) expect(lazy.code(id)).toEqual(eager.code(id));
  });

  it('codes eagerly once the size makes auto need them, pending ones included', () => {
    const index = sparseIndex({ ...OPTIONS, dims: 1 << 12, exactMax: 100, scanMax: 200 });
    vs.slice(0, 100).forEach((v, i) => index.set(i, v));
    expect(index.pendingCodes).toBe(100);
    index.set(100, vs[100]); // 101 items: auto → scan
    expect(index.strategy()).toBe('scan');
    expect(index.pendingCodes).toBe(0);
    expect(index.related(100, 1)[0].score).toBeGreaterThan(0);
  });
});
