// The peer: hnswlib-node (C++ HNSW) on the same vectors. Its single-threaded build of 1M vectors
// takes far longer than the rest of the benchmark, so a built graph is saved in bench/results/tmp/
// (git-ignored) with the build time and memory measured when it was built, and loaded by later
// runs with the same data and parameters (--fresh rebuilds). Every run measures its queries anew.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import { rssBytes, seconds } from './related-measure';

const CACHE = join(__dirname, 'results', 'tmp');

export interface HnswBuild {
  index: HierarchicalNSW;
  buildS: number;
  bytesPerItem: number;
  builtAt: string;
  cached: boolean;
}

export function hnswIndex(data: Float32Array, dim: number, m: number, efConstruction: number, key: string, fresh: boolean): HnswBuild {
  const n = data.length / dim;
  const file = join(CACHE, `hnsw-${key}-M${m}-efc${efConstruction}.bin`);
  const index = new HierarchicalNSW('cosine', dim);
  if (!fresh && existsSync(file) && existsSync(`${file}.json`)) {
    index.readIndexSync(file);
    const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Omit<HnswBuild, 'index' | 'cached'>;
    if (index.getCurrentCount() === n) return { index, ...meta, cached: true };
  }
  const rss0 = rssBytes();
  index.initIndex(n, m, efConstruction, 100);
  const [, buildS] = seconds(() => {
    for (let i = 0; i < n; i++) index.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
  });
  const meta = { buildS, bytesPerItem: (rssBytes() - rss0) / n, builtAt: new Date().toISOString() };
  mkdirSync(CACHE, { recursive: true });
  index.writeIndexSync(file);
  writeFileSync(`${file}.json`, JSON.stringify(meta));
  return { index, ...meta, cached: false };
}
