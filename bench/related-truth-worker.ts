// Worker: exact cosine top-k for queries [from, to) against shared data (see related-truth.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { exactTopK } from './lib/vectors';

interface Job {
  data: SharedArrayBuffer;
  queries: SharedArrayBuffer;
  dim: number;
  k: number;
  from: number;
  to: number;
}

const job = workerData as Job;
const ids = exactTopK(new Float32Array(job.data), new Float32Array(job.queries), job.dim, job.k, job.from, job.to);
parentPort!.postMessage(ids, [ids.buffer as ArrayBuffer]);
