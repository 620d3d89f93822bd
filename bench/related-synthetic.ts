// Benchmark (b): n synthetic clustered 256-d vectors (bench/lib/vectors.ts), queries drawn from the
// same distribution, exact cosine top-10 as truth; our LSH index against hnswlib-node on the
// same data in the same run, hnswlib's ef raised until it reaches our recall.
import { denseIndex, type LshOptions, type Strategy } from '../src/ml/lsh';
import { ClusteredGenerator, VECTOR_DEFAULTS } from './lib/vectors';
import { hnswIndex } from './related-hnsw';
import { measureOps, measureQueries, rssBytes, seconds, type QueryStats, type Row } from './related-measure';
import { groundTruth } from './related-truth';

export interface SyntheticCase {
  n: number;
  queries: number;
  lsh: LshOptions;
  hnsw: { m: number; efConstruction: number };
  /** Also time the brute-force scan and the code scan on this many queries (0: skip). */
  baselines?: number;
  /** Rebuild the peer's graph even if a cached one exists. */
  fresh?: boolean;
}

const K = 10;
const DIM = VECTOR_DEFAULTS.dim;
const EF_SWEEP = [10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64, 80, 96, 128, 160, 200, 256, 320, 400, 512];

export async function runSynthetic(c: SyntheticCase, log: (s: string) => void): Promise<Row[]> {
  const dataset = `synthetic ${c.n >= 1e6 ? `${c.n / 1e6}M` : `${c.n / 1e3}k`}`;
  const gen = new ClusteredGenerator();
  const [data, genS] = seconds(() => gen.take(c.n, true));
  const queries = gen.take(c.queries, true);
  const edits = gen.take(1000);
  log(`${dataset}: generated ${c.n} vectors in ${genS.toFixed(1)} s`);
  const o = gen.options;
  const key = `c${o.clusters}-l${o.latentDims}-s${o.spread.join('_')}-z${o.noise}-seed${o.seed}-n${c.n}-q${c.queries}-k${K}`;
  const t0 = Date.now();
  const truth = await groundTruth(data, queries, DIM, K, key);
  log(`${dataset}: ground truth ready (${((Date.now() - t0) / 1000).toFixed(1)} s; cached in bench/results/tmp/)`);
  const rows: Row[] = [];
  const row = (i: number) => queries.subarray(i * DIM, (i + 1) * DIM);

  // Ours.
  const rss0 = rssBytes();
  const index = denseIndex({ ...c.lsh, dim: DIM, capacity: c.n });
  const [, buildS] = seconds(() => {
    for (let i = 0; i < c.n; i++) index.set(i, data.subarray(i * DIM, (i + 1) * DIM));
  });
  const rssPerItem = (rssBytes() - rss0) / c.n;
  log(`${dataset}: LSH index built in ${buildS.toFixed(1)} s`);
  const ids = (r: { id: number }[]) => r.map((x) => x.id);
  const lsh = measureQueries(c.queries, K, truth, (i) => ids(index.query(row(i), K)));
  const updateMs = measureOps(1000, (i) => index.set((i * 7919) % c.n, edits.subarray(i * DIM, (i + 1) * DIM)));
  rows.push({
    dataset, method: `LSH ${index.strategy()} ${describe(index.options)}`, n: c.n, ...lsh, buildS,
    bytesPerItem: index.memoryBytes().perItem, updateMs,
    note: `RSS growth ${Math.round(rssPerItem)} B/item; update = re-set an existing id`,
  });
  if (c.baselines) {
    // After the edits above, truth no longer matches 1000 ids exactly; restore them first.
    for (let i = 0; i < 1000; i++) index.set((i * 7919) % c.n, data.subarray(((i * 7919) % c.n) * DIM, (((i * 7919) % c.n) + 1) * DIM));
    for (const strategy of ['scan', 'exact'] as Strategy[]) {
      const s = measureQueries(c.baselines, K, truth, (i) => ids(index.query(row(i), K, undefined, { strategy })));
      rows.push({ dataset, method: `LSH index, strategy ${strategy}`, n: c.n, ...s });
    }
  }
  log(`${dataset}: LSH recall ${lsh.recall.toFixed(3)}, ${lsh.qpsCpu.toFixed(0)} q/s (CPU)`);

  rows.push(hnswRow(c, key, dataset, data, queries, truth, lsh, log));
  return rows;
}

function hnswRow(c: SyntheticCase, key: string, dataset: string, data: Float32Array, queries: Float32Array, truth: Int32Array, ours: QueryStats, log: (s: string) => void): Row {
  const built = hnswIndex(data, DIM, c.hnsw.m, c.hnsw.efConstruction, key, c.fresh ?? false);
  const h = built.index;
  log(`${dataset}: hnswlib ${built.cached ? `loaded (built ${built.builtAt} in` : 'built in'} ${built.buildS.toFixed(1)} s${built.cached ? ')' : ''}`);
  const qs = Array.from({ length: c.queries }, (_, i) => Array.from(queries.subarray(i * DIM, (i + 1) * DIM)));
  let best: { ef: number; stats: QueryStats } | undefined;
  for (const ef of EF_SWEEP) {
    h.setEf(ef);
    const stats = measureQueries(c.queries, K, truth, (i) => h.searchKnn(qs[i], K).neighbors);
    best = { ef, stats };
    if (stats.recall >= ours.recall) break;
  }
  const { ef, stats } = best!;
  const reached = stats.recall >= ours.recall ? 'smallest ef in the sweep reaching our recall' : `our recall not reached by ef ≤ ${ef}`;
  return {
    dataset, method: `hnswlib M=${c.hnsw.m} efC=${c.hnsw.efConstruction} ef=${ef}`, n: c.n, ...stats,
    buildS: built.buildS, bytesPerItem: built.bytesPerItem,
    note: `${reached}; B/item = RSS growth while building${built.cached ? `; graph built ${built.builtAt} and loaded from bench/results/tmp` : ''}`,
  };
}

function describe(o: Required<LshOptions>): string {
  return `L=${o.tables} b=${o.bandBits} bits=${o.codeBits} cand=${o.candidates} rerank=${o.rerank}`;
}
