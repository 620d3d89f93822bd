// Tuning aid for bench:related (not part of the benchmark): recall and CPU q/s of the dense
// index over a grid of build options × query options on the synthetic data, truth cached.
// Usage: tsx bench/related-tune.ts <n> <queries> '<json list of build options>' '<json list of query options>'
import { denseIndex, type LshOptions, type QueryOptions } from '../src/ml/lsh';
import { ClusteredGenerator, VECTOR_DEFAULTS } from './lib/vectors';
import { measureQueries, seconds } from './related-measure';
import { groundTruth } from './related-truth';

async function main(): Promise<void> {
  const [n, q] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 1000)];
  const builds = JSON.parse(process.argv[4] ?? '[{}]') as LshOptions[];
  const grid = JSON.parse(process.argv[5] ?? '[{}]') as QueryOptions[];
  const dim = VECTOR_DEFAULTS.dim;
  const gen = new ClusteredGenerator();
  const data = gen.take(n, true);
  const queries = gen.take(q, true);
  const o = gen.options;
  const key = `c${o.clusters}-l${o.latentDims}-s${o.spread.join('_')}-z${o.noise}-seed${o.seed}-n${n}-q${q}-k10`;
  const truth = await groundTruth(data, queries, dim, 10, key);
  for (const b of builds) {
    const index = denseIndex({ seed: 1, strategy: 'tables', ...b, dim, capacity: n });
    const [, buildS] = seconds(() => {
      for (let i = 0; i < n; i++) index.set(i, data.subarray(i * dim, (i + 1) * dim));
    });
    for (const opts of grid) {
      const s = measureQueries(q, 10, truth, (i) => index.query(queries.subarray(i * dim, (i + 1) * dim), 10, undefined, opts).map((x) => x.id));
      console.log(JSON.stringify(b), JSON.stringify(opts), `build ${buildS.toFixed(1)} s`, `recall ${s.recall.toFixed(4)}`, `cpu q/s ${s.qpsCpu.toFixed(0)}`, `wall q/s ${s.qps.toFixed(0)}`, `p99 cpu ${s.p99CpuMs.toFixed(2)} ms`);
    }
  }
}

void main();
