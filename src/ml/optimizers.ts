// First-order optimizers for sparse gradients. A step receives the gradient of the coordinates
// present in the mini-batch only (idx[0..n), g[0..n)); the trainer has already added the L2
// weight decay λ·w to those coordinates (decay is applied where a feature occurs, as sparse
// trainers do, and never to the bias). A coordinate absent from a batch has zero gradient there.
//
// Lazy updates: each coordinate remembers the step it was last brought up to date, and the
// effect of the zero-gradient steps it missed is applied in closed form when it next appears:
// - SGD, Adagrad: nothing happens at g = 0, so lazy = dense exactly.
// - RMSprop, Adadelta: running averages decay by ρ^k, the weight does not move: exact.
// - Momentum, Nesterov: the velocity keeps moving the weight, geometrically: exact. The trainer
//   calls catchUp() on a batch's coordinates before the forward pass, so the gradient is taken
//   at the same weights as a dense implementation would.
// - Adam: the moments decay by β1^k, β2^k exactly, but the drift of the weight driven by the
//   stale first moment over the skipped steps is not applied ("lazy Adam"); an approximation.
// Call flush() before reading the weights as a whole.

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adadelta' | 'adam';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = [
  'sgd',
  'momentum',
  'nesterov',
  'adagrad',
  'rmsprop',
  'adadelta',
  'adam',
];

/** Library defaults: PyTorch's where it has one, Keras's 0.01 for the SGD family. */
export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.01,
  adadelta: 1.0,
  adam: 0.001,
};

export interface OptimizerOptions {
  lr?: number;
  /** Momentum / Nesterov velocity decay. */
  gamma?: number;
  /** RMSprop / Adadelta running-average decay. */
  rho?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  readonly lr: number;
  /** Steps taken so far. */
  readonly t: number;
  /** Bring coordinates up to the current step before their weights are read. */
  catchUp(w: Float64Array, idx: Uint32Array, n: number): void;
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void;
  /** Bring every coordinate up to the current step. */
  flush(w: Float64Array): void;
}

/** base^k, from a table for the small k that nearly all catch-ups need. */
class Powers {
  private readonly table = new Float64Array(4096);
  constructor(readonly base: number) {
    let p = 1;
    for (let k = 0; k < this.table.length; k++, p *= base) this.table[k] = p;
  }
  of(k: number): number {
    return k < 4096 ? this.table[k] : Math.pow(this.base, k);
  }
}

// Each optimizer writes its own step loop: one shared loop calling per-class hooks would be a
// polymorphic call per coordinate, several times slower once several optimizers have run.
abstract class Lazy implements Optimizer {
  abstract readonly name: OptimizerName;
  t = 0;
  /** Step each coordinate is up to date with. */
  protected last = new Int32Array(0);
  protected a = new Float64Array(0);
  protected b = new Float64Array(0);

  constructor(readonly lr: number) {}

  protected ensure(size: number): void {
    if (this.last.length === size) return;
    this.last = new Int32Array(size);
    this.a = new Float64Array(size);
    this.b = new Float64Array(size);
  }

  /** Applies k ≥ 1 missed zero-gradient steps to coordinate j. */
  protected skip(_w: Float64Array, _j: number, _k: number): void {}

  catchUp(w: Float64Array, idx: Uint32Array, n: number): void {
    this.ensure(w.length);
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const k = this.t - this.last[j];
      if (k > 0) this.skip(w, j, k);
      this.last[j] = this.t;
    }
  }

  flush(w: Float64Array): void {
    this.ensure(w.length);
    for (let j = 0; j < w.length; j++) {
      const k = this.t - this.last[j];
      if (k > 0) this.skip(w, j, k);
      this.last[j] = this.t;
    }
  }

  abstract step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void;
}

export class Sgd extends Lazy {
  readonly name = 'sgd';
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.ensure(w.length);
    const t = ++this.t;
    for (let i = 0; i < n; i++) {
      w[idx[i]] -= this.lr * g[i];
      this.last[idx[i]] = t;
    }
  }
}

/** v ← γv + ηg; w ← w − v. */
export class Momentum extends Lazy {
  readonly name = 'momentum';
  private readonly pow: Powers;
  constructor(lr: number, readonly gamma = 0.9) {
    super(lr);
    this.pow = new Powers(gamma);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.catchUp(w, idx, n);
    const t = ++this.t;
    const { a, last, gamma, lr } = this;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const v = (a[j] = gamma * a[j] + lr * g[i]);
      w[j] -= v;
      last[j] = t;
    }
  }
  protected skip(w: Float64Array, j: number, k: number): void {
    const gk = this.pow.of(k);
    w[j] -= (this.a[j] * this.gamma * (1 - gk)) / (1 - this.gamma);
    this.a[j] *= gk;
  }
}

/**
 * Nesterov in the form that takes the gradient at the stored weights (Sutskever et al. 2013,
 * as PyTorch and Keras do): v ← γv + ηg; w ← w − (γv + ηg). The stored w is the look-ahead point.
 */
export class Nesterov extends Lazy {
  readonly name = 'nesterov';
  private readonly pow: Powers;
  constructor(lr: number, readonly gamma = 0.9) {
    super(lr);
    this.pow = new Powers(gamma);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.catchUp(w, idx, n);
    const t = ++this.t;
    const { a, last, gamma, lr } = this;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const v = (a[j] = gamma * a[j] + lr * g[i]);
      w[j] -= gamma * v + lr * g[i];
      last[j] = t;
    }
  }
  protected skip(w: Float64Array, j: number, k: number): void {
    const gk = this.pow.of(k);
    w[j] -= (this.a[j] * this.gamma * this.gamma * (1 - gk)) / (1 - this.gamma);
    this.a[j] *= gk;
  }
}

/** G ← G + g²; w ← w − ηg / (√G + ε). */
export class Adagrad extends Lazy {
  readonly name = 'adagrad';
  constructor(lr: number, readonly eps = 1e-10) {
    super(lr);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.ensure(w.length);
    const t = ++this.t;
    const { a, last, lr, eps } = this;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const s = (a[j] += g[i] * g[i]);
      w[j] -= (lr * g[i]) / (Math.sqrt(s) + eps);
      last[j] = t;
    }
  }
}

/** E ← ρE + (1−ρ)g²; w ← w − ηg / (√E + ε). */
export class RmsProp extends Lazy {
  readonly name = 'rmsprop';
  private readonly pow: Powers;
  constructor(lr: number, readonly rho = 0.99, readonly eps = 1e-8) {
    super(lr);
    this.pow = new Powers(rho);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.ensure(w.length);
    const t = ++this.t;
    const { a, last, lr, eps, rho } = this;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const e = (a[j] = rho * a[j] * this.pow.of(t - 1 - last[j]) + (1 - rho) * g[i] * g[i]);
      w[j] -= (lr * g[i]) / (Math.sqrt(e) + eps);
      last[j] = t;
    }
  }
  protected skip(_w: Float64Array, j: number, k: number): void {
    this.a[j] *= this.pow.of(k);
  }
}

/** Eg ← ρEg + (1−ρ)g²; Δ = √(Ex + ε)/√(Eg + ε)·g; Ex ← ρEx + (1−ρ)Δ²; w ← w − ηΔ. */
export class Adadelta extends Lazy {
  readonly name = 'adadelta';
  private readonly pow: Powers;
  constructor(lr: number, readonly rho = 0.9, readonly eps = 1e-6) {
    super(lr);
    this.pow = new Powers(rho);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.ensure(w.length);
    const t = ++this.t;
    const { a, b, last, lr, eps, rho } = this;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const ck = this.pow.of(t - 1 - last[j]);
      const ex = b[j] * ck;
      const eg = (a[j] = rho * a[j] * ck + (1 - rho) * g[i] * g[i]);
      const delta = (Math.sqrt(ex + eps) / Math.sqrt(eg + eps)) * g[i];
      b[j] = rho * ex + (1 - rho) * delta * delta;
      w[j] -= lr * delta;
      last[j] = t;
    }
  }
  protected skip(_w: Float64Array, j: number, k: number): void {
    const rk = this.pow.of(k);
    this.a[j] *= rk;
    this.b[j] *= rk;
  }
}

/** m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; w ← w − η·m̂/(√v̂ + ε) with bias-corrected m̂, v̂. */
export class Adam extends Lazy {
  readonly name = 'adam';
  private readonly pow1: Powers;
  private readonly pow2: Powers;
  constructor(
    lr: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    super(lr);
    this.pow1 = new Powers(beta1);
    this.pow2 = new Powers(beta2);
  }
  step(w: Float64Array, idx: Uint32Array, g: Float64Array, n: number): void {
    this.ensure(w.length);
    const t = ++this.t;
    const { a, b, last, beta1, beta2, eps } = this;
    const c1 = 1 - Math.pow(beta1, t);
    const sqrtC2 = Math.sqrt(1 - Math.pow(beta2, t));
    const stepSize = this.lr / c1;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      const k = t - 1 - last[j];
      const gi = g[i];
      const m = (a[j] = beta1 * a[j] * this.pow1.of(k) + (1 - beta1) * gi);
      const v = (b[j] = beta2 * b[j] * this.pow2.of(k) + (1 - beta2) * gi * gi);
      w[j] -= (stepSize * m) / (Math.sqrt(v) / sqrtC2 + eps);
      last[j] = t;
    }
  }
  protected skip(_w: Float64Array, j: number, k: number): void {
    this.a[j] *= this.pow1.of(k);
    this.b[j] *= this.pow2.of(k);
  }
}

export function createOptimizer(name: OptimizerName, opts: OptimizerOptions = {}): Optimizer {
  const lr = opts.lr ?? DEFAULT_LR[name];
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`learning rate must be positive, got ${lr}`);
  switch (name) {
    case 'sgd':
      return new Sgd(lr);
    case 'momentum':
      return new Momentum(lr, opts.gamma);
    case 'nesterov':
      return new Nesterov(lr, opts.gamma);
    case 'adagrad':
      return new Adagrad(lr, opts.eps);
    case 'rmsprop':
      return new RmsProp(lr, opts.rho, opts.eps);
    case 'adadelta':
      return new Adadelta(lr, opts.rho, opts.eps);
    case 'adam':
      return new Adam(lr, opts.beta1, opts.beta2, opts.eps);
    default:
      throw new RangeError(`unknown optimizer ${String(name)}`);
  }
}
