// Mini-batch training of logistic regression with early stopping on a validation set.
import { DEFAULT_DIMS } from './features';
import { logitLoss, margin, meanLogLoss, sigmoid, type Examples } from './logistic';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from './optimizers';
import { mulberry32, permutation } from './random';

export interface TrainOptions extends OptimizerOptions {
  dims?: number;
  optimizer?: OptimizerName;
  /** L2 weight decay λ in (λ/2)·‖w‖², added to the gradient of the features in each batch. */
  l2?: number;
  /** Upper bound on epochs; early stopping may end sooner. */
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Stop after this many epochs without a better validation loss (0: never stop early). */
  patience?: number;
  /** Start from these weights (warm start) instead of zeros. */
  init?: Float64Array;
  /** Called after each epoch with the current weights (read-only: the trainer keeps using them). */
  onEpoch?: (report: EpochReport, weights: Float64Array) => void;
}

export interface EpochReport {
  epoch: number;
  /** Mean cross-entropy over the epoch's batches, each taken before its update. */
  trainLoss: number;
  valLoss: number | null;
}

export interface TrainResult {
  /** dims feature weights, then the bias. */
  weights: Float64Array;
  history: EpochReport[];
  /** Epoch whose weights were kept (the best validation loss; the last epoch without validation). */
  bestEpoch: number;
}

export const TRAIN_DEFAULTS = {
  optimizer: 'adam' as OptimizerName,
  l2: 1e-6,
  epochs: 20,
  batchSize: 32,
  seed: 1,
  patience: 2,
};

/** TRAIN_DEFAULTS overridden by the options that are set (an explicit undefined keeps the default). */
export function withDefaults(opts: TrainOptions): typeof TRAIN_DEFAULTS {
  const o = { ...TRAIN_DEFAULTS };
  for (const key of Object.keys(o) as (keyof typeof TRAIN_DEFAULTS)[]) {
    if (opts[key] !== undefined) (o as Record<string, unknown>)[key] = opts[key];
  }
  return o;
}

/** Dense scratch for one batch's gradient: the coordinates touched and their sums. */
class BatchGradient {
  readonly sum: Float64Array;
  readonly seen: Uint8Array;
  readonly idx: Uint32Array;
  readonly g: Float64Array;
  private readonly tmp: Uint32Array;
  private readonly buckets = new Uint32Array(1024);
  n = 0;

  constructor(size: number) {
    this.sum = new Float64Array(size);
    this.seen = new Uint8Array(size);
    this.idx = new Uint32Array(size);
    this.g = new Float64Array(size);
    this.tmp = new Uint32Array(size);
  }

  /** Sorts idx[0, n) ascending (LSD radix sort, 10 bits a pass). */
  sortIndices(): void {
    const { idx, n } = this;
    let src = idx;
    let dst = this.tmp;
    for (let shift = 0; shift < 32 && (src.length - 1) >>> shift > 0; shift += 10) {
      const count = this.buckets.fill(0);
      for (let k = 0; k < n; k++) count[(src[k] >>> shift) & 1023]++;
      for (let b = 0, sum = 0; b < 1024; b++) {
        const c = count[b];
        count[b] = sum;
        sum += c;
      }
      for (let k = 0; k < n; k++) dst[count[(src[k] >>> shift) & 1023]++] = src[k];
      [src, dst] = [dst, src];
    }
    if (src !== idx) idx.set(src.subarray(0, n));
  }

  touch(j: number): void {
    if (this.seen[j] === 0) {
      this.seen[j] = 1;
      this.idx[this.n++] = j;
    }
  }
}

export function fitLogistic(train: Examples, val: Examples | null, opts: TrainOptions = {}): TrainResult {
  const o = withDefaults(opts);
  const dims = opts.init ? opts.init.length - 1 : (opts.dims ?? DEFAULT_DIMS);
  const w = opts.init ? Float64Array.from(opts.init) : new Float64Array(dims + 1);
  const optimizer = createOptimizer(o.optimizer, opts);
  const drifts = o.optimizer === 'momentum' || o.optimizer === 'nesterov';
  const rand = mulberry32(o.seed);
  const batch = new BatchGradient(dims + 1);
  const history: EpochReport[] = [];
  const n = train.x.length;
  const size = Math.max(1, Math.floor(o.batchSize));
  let best = { loss: Infinity, epoch: 0, weights: w };

  for (let epoch = 1; epoch <= o.epochs && n > 0; epoch++) {
    const order = permutation(n, rand);
    let lossSum = 0;
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      if (drifts) {
        // Momentum-type weights move on steps where their feature is absent: bring them current
        // so the gradient is taken at the same point a dense implementation would use.
        for (let b = start; b < end; b++) {
          const x = train.x[order[b]];
          for (let k = 0; k < x.indices.length; k++) batch.touch(x.indices[k]);
        }
        batch.touch(dims);
        batch.sortIndices();
        optimizer.catchUp(w, batch.idx, batch.n);
      }
      lossSum += accumulate(w, train, order, start, end, batch);
      // In ascending order the updates sweep the weight and optimizer arrays front to back, so
      // neighbouring coordinates share cache lines; in arrival order nearly every one misses.
      if (!drifts) batch.sortIndices();
      for (let k = 0; k < batch.n; k++) {
        const j = batch.idx[k];
        batch.g[k] = batch.sum[j] + (j < dims ? o.l2 * w[j] : 0);
        batch.sum[j] = 0;
        batch.seen[j] = 0;
      }
      optimizer.step(w, batch.idx, batch.g, batch.n);
      batch.n = 0;
    }
    optimizer.flush(w);
    const valLoss = val && val.x.length > 0 ? meanLogLoss(w, val) : null;
    const report = { epoch, trainLoss: lossSum / n, valLoss };
    history.push(report);
    opts.onEpoch?.(report, w);
    if (valLoss === null) continue;
    if (valLoss < best.loss) best = { loss: valLoss, epoch, weights: w.slice() };
    else if (o.patience > 0 && epoch - best.epoch >= o.patience) break;
  }
  if (best.weights === w) return { weights: w, history, bestEpoch: history.length };
  return { weights: best.weights, history, bestEpoch: best.epoch };
}

/** Adds the batch's mean data gradient into batch.sum; returns the batch's summed loss. */
function accumulate(w: Float64Array, data: Examples, order: Uint32Array, start: number, end: number, batch: BatchGradient): number {
  const { sum, seen, idx } = batch;
  const dims = w.length - 1;
  let loss = 0;
  const scale = 1 / (end - start);
  for (let b = start; b < end; b++) {
    const i = order[b];
    const x = data.x[i];
    const y = data.y[i];
    const z = margin(x, w);
    loss += logitLoss(z, y);
    const r = (sigmoid(z) - y) * scale * (data.weight ? data.weight[i] : 1);
    const { indices, values } = x;
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k];
      if (seen[j] === 0) {
        seen[j] = 1;
        idx[batch.n++] = j;
      }
      sum[j] += r * values[k];
    }
    if (seen[dims] === 0) {
      seen[dims] = 1;
      idx[batch.n++] = dims;
    }
    sum[dims] += r;
  }
  return loss;
}
