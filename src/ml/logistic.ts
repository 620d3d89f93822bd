// Binary logistic regression on sparse inputs. The weight vector has dims + 1 entries: one per
// hashed feature, then the bias, which is never decayed.
import { dot, type SparseVector } from './features';

export interface Examples {
  x: SparseVector[];
  y: ArrayLike<number>;
  /** Per-example weight in the training loss (1 when absent), e.g. to count pseudo-labels less. */
  weight?: ArrayLike<number>;
}

/** σ(z) without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Cross-entropy of label y ∈ {0, 1} given the logit z: log(1 + e^z) − y·z, computed stably. */
export function logitLoss(z: number, y: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
}

/** The logit w·x + b. */
export function margin(x: SparseVector, w: Float32Array | Float64Array): number {
  return dot(x, w) + w[w.length - 1];
}

/**
 * Mean cross-entropy plus (l2 / 2)·‖w‖² (bias excluded) and its gradient, dense. Used to check
 * gradients and on small problems; training computes the same gradient batch by batch.
 */
export function objective(w: Float64Array, data: Examples, l2: number): { loss: number; grad: Float64Array } {
  const n = data.x.length;
  const dims = w.length - 1;
  const grad = new Float64Array(w.length);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const x = data.x[i];
    const z = margin(x, w);
    loss += logitLoss(z, data.y[i]);
    const r = (sigmoid(z) - data.y[i]) / n;
    for (let k = 0; k < x.indices.length; k++) grad[x.indices[k]] += r * x.values[k];
    grad[dims] += r;
  }
  loss = n > 0 ? loss / n : 0;
  let sq = 0;
  for (let j = 0; j < dims; j++) {
    sq += w[j] * w[j];
    grad[j] += l2 * w[j];
  }
  return { loss: loss + (l2 / 2) * sq, grad };
}

/** Mean cross-entropy (no penalty) of the examples: the validation loss. */
export function meanLogLoss(w: Float32Array | Float64Array, data: Examples): number {
  let loss = 0;
  for (let i = 0; i < data.x.length; i++) loss += logitLoss(margin(data.x[i], w), data.y[i]);
  return data.x.length > 0 ? loss / data.x.length : 0;
}

export function predictProba(w: Float32Array | Float64Array, xs: SparseVector[]): Float64Array {
  const p = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) p[i] = sigmoid(margin(xs[i], w));
  return p;
}
