// tsx bench/related-thresholds.ts — where 'auto' should switch strategy: CPU time per query and
// recall@10 of exact / scan / tables on growing synthetic corpora (256-d, default index options).
// The crossovers it prints are the exactMax / scanMax defaults in src/ml/lsh.ts.
import { denseIndex, type QueryOptions } from '../src/ml/lsh';
import { ClusteredGenerator, VECTOR_DEFAULTS } from './lib/vectors';
import { measureQueries } from './related-measure';

const SIZES = [500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000];
const Q = 300;
const VARIANTS: QueryOptions[] = JSON.parse(
  process.argv[2] ?? '[{"strategy":"exact"},{"strategy":"scan"},{"strategy":"tables","probes":64,"candidates":1500}]',
) as QueryOptions[];

function main(): void {
  const dim = VECTOR_DEFAULTS.dim;
  const gen = new ClusteredGenerator();
  const all = gen.take(SIZES[SIZES.length - 1]);
  const queries = gen.take(Q);
  const q = (i: number) => queries.subarray(i * dim, (i + 1) * dim);
  console.log('n'.padStart(6), ...VARIANTS.map((v) => `${JSON.stringify(v).replace(/[{}"]/g, '')} ms/q (recall)`.padStart(24)));
  for (const n of SIZES) {
    const index = denseIndex({ dim, seed: 1, capacity: n });
    for (let i = 0; i < n; i++) index.set(i, all.subarray(i * dim, (i + 1) * dim));
    const truth = new Int32Array(Q * 10);
    for (let i = 0; i < Q; i++) truth.set(index.query(q(i), 10, undefined, { strategy: 'exact' }).map((x) => x.id), i * 10);
    const cells = VARIANTS.map((opts) => {
      const s = measureQueries(Q, 10, truth, (i) => index.query(q(i), 10, undefined, opts).map((x) => x.id));
      return `${(1000 / s.qpsCpu).toFixed(3)} (${s.recall.toFixed(3)})`.padStart(24);
    });
    console.log(String(n).padStart(6), ...cells);
  }
}

main();
