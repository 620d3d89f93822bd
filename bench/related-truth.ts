// Exact cosine top-k ground truth by brute force, split over worker threads (all cores: it is not
// what is being measured), cached in bench/results/tmp/ (git-ignored) under a key naming the
// generator options, sizes and seed, so re-runs skip it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const CACHE = join(__dirname, 'results', 'tmp');
// Workers do not inherit tsx's loader reliably, so each one registers it before loading the TS file.
const WORKER_BOOT = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(join(__dirname, 'related-truth-worker.ts'))});`;

export async function groundTruth(data: Float32Array, queries: Float32Array, dim: number, k: number, key: string): Promise<Int32Array> {
  const file = join(CACHE, `truth-${key}.bin`);
  const q = queries.length / dim;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength === q * k * 4) return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }
  if (!(data.buffer instanceof SharedArrayBuffer) || !(queries.buffer instanceof SharedArrayBuffer)) {
    throw new Error('ground truth needs vectors in SharedArrayBuffers');
  }
  const workers = Math.max(1, Math.min(availableParallelism(), q));
  const per = Math.ceil(q / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const job = { data: data.buffer, queries: queries.buffer, dim, k, from: w * per, to: Math.min(q, (w + 1) * per) };
      return new Promise<Int32Array>((resolve, reject) => {
        const worker = new Worker(WORKER_BOOT, { eval: true, workerData: job });
        worker.once('message', (ids: Int32Array) => resolve(ids));
        worker.once('error', reject);
      });
    }),
  );
  const out = new Int32Array(q * k);
  parts.forEach((ids, w) => out.set(ids, w * per * k));
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, out);
  return out;
}
