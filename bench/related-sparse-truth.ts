// Exact cosine top-k for sparse (TF-IDF) vectors, written here so that the truth does not depend on
// the index's code: plain compressed posting lists, float64 sums, ties to the smaller id. Large
// corpora cache it in bench/results/tmp/ (git-ignored) under a hash of the vectors themselves, so
// any change to the notes, the tokenizer or the weighting recomputes it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SparseVector } from '../src/ml/features';

const CACHE = join(__dirname, 'results', 'tmp');

export function sparseTruth(docs: readonly SparseVector[], queries: readonly SparseVector[], k: number, dims = 1 << 18): Int32Array {
  const start = new Uint32Array(dims + 1);
  for (const d of docs) for (const i of d.indices) start[i + 1]++;
  for (let i = 0; i < dims; i++) start[i + 1] += start[i];
  const fill = start.slice(0, dims);
  const postId = new Uint32Array(start[dims]);
  const postValue = new Float64Array(start[dims]);
  docs.forEach((d, id) => {
    d.indices.forEach((i, j) => {
      postId[fill[i]] = id;
      postValue[fill[i]++] = d.values[j];
    });
  });
  const out = new Int32Array(queries.length * k).fill(-1);
  const scores = new Float64Array(docs.length);
  queries.forEach((q, qi) => {
    scores.fill(0);
    q.indices.forEach((i, j) => {
      for (let p = start[i]; p < start[i + 1]; p++) scores[postId[p]] += q.values[j] * postValue[p];
    });
    const best = Array.from({ length: k }, () => ({ id: -1, s: -Infinity }));
    scores.forEach((s, id) => {
      if (s <= best[k - 1].s) return; // equal scores keep the earlier (smaller) id
      best.pop();
      const at = best.findIndex((b) => b.s < s);
      best.splice(at < 0 ? best.length : at, 0, { id, s });
    });
    out.set(best.map((b) => b.id), qi * k);
  });
  return out;
}

/** sparseTruth, cached under `name` and a hash of every vector. */
export function cachedSparseTruth(name: string, docs: readonly SparseVector[], queries: readonly SparseVector[], k: number): { truth: Int32Array; cached: boolean } {
  const hash = createHash('sha1');
  for (const v of [...docs, ...queries]) {
    hash.update(new Uint8Array(v.indices.buffer, v.indices.byteOffset, v.indices.byteLength));
    hash.update(new Uint8Array(v.values.buffer, v.values.byteOffset, v.values.byteLength));
  }
  const file = join(CACHE, `truth-${name}-${docs.length}-${queries.length}-k${k}-${hash.digest('hex').slice(0, 16)}.bin`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength === queries.length * k * 4) return { truth: new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), cached: true };
  }
  const truth = sparseTruth(docs, queries, k);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, truth);
  return { truth, cached: false };
}
