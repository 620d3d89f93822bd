import { createOptimizer, DEFAULT_LR, OPTIMIZER_NAMES, type OptimizerName } from '../src/ml/optimizers';

// One coordinate, w0 = 1, gradients 0.5 then -0.25; expected weights worked out by hand from
// each method's update rule (see the comments in src/ml/optimizers.ts).
const HAND: Record<OptimizerName, { lr: number; w1: number; w2: number }> = {
  sgd: { lr: 0.1, w1: 0.95, w2: 0.975 }, // w − ηg
  momentum: { lr: 0.1, w1: 0.95, w2: 0.93 }, // v = 0.05, then 0.045 − 0.025
  nesterov: { lr: 0.1, w1: 0.905, w2: 0.912 }, // w − (γv + ηg)
  adagrad: { lr: 0.1, w1: 0.9, w2: 0.9447213596 }, // 0.9 + 0.025/√0.3125
  rmsprop: { lr: 0.01, w1: 0.90000002, w2: 0.9449013374 }, // E = 0.0025, then 0.0031
  adadelta: { lr: 1, w1: 0.9968377856, w2: 0.9989228726 }, // Δ = √(1e−6)/√(0.025 + 1e−6)·0.5, …
  adam: { lr: 0.1, w1: 0.900000002, w2: 0.8733662987 }, // m̂ = 0.5, v̂ = 0.25; m̂ = 0.02/0.19, …
};

describe.each(OPTIMIZER_NAMES)('%s', (name) => {
  it('takes the hand-computed first and second steps', () => {
    const { lr, w1, w2 } = HAND[name];
    const opt = createOptimizer(name, { lr });
    const w = Float64Array.of(1, 7);
    opt.step(w, Uint32Array.of(0), Float64Array.of(0.5), 1);
    expect(w[0]).toBeCloseTo(w1, 9);
    opt.step(w, Uint32Array.of(0), Float64Array.of(-0.25), 1);
    expect(w[0]).toBeCloseTo(w2, 9);
    opt.flush(w);
    expect(w[1]).toBe(7);
    expect(opt.t).toBe(2);
  });

  it('converges on a convex quadratic', () => {
    // f(w) = ½ Σ h_j (w_j − c_j)², minimum at c.
    const h = [1, 3, 0.5];
    const c = [1, -2, 0.5];
    const lr = { sgd: 0.1, momentum: 0.05, nesterov: 0.05, adagrad: 0.5, rmsprop: 0.01, adadelta: 1, adam: 0.02 }[name];
    const opt = createOptimizer(name, { lr });
    const w = new Float64Array(3);
    const idx = Uint32Array.of(0, 1, 2);
    const g = new Float64Array(3);
    for (let step = 0; step < 3000; step++) {
      for (let j = 0; j < 3; j++) g[j] = h[j] * (w[j] - c[j]);
      opt.step(w, idx, g, 3);
    }
    for (let j = 0; j < 3; j++) expect(Math.abs(w[j] - c[j])).toBeLessThan(0.02);
  });

  it('has a positive default learning rate and rejects a bad one', () => {
    expect(DEFAULT_LR[name]).toBeGreaterThan(0);
    expect(() => createOptimizer(name, { lr: -1 })).toThrow(RangeError);
    expect(() => createOptimizer(name, { lr: NaN })).toThrow(RangeError);
  });
});

describe('lazy sparse updates', () => {
  // Gradients for 3 coordinates over 6 steps; a 0 means the feature is absent from that batch.
  const grads = [
    [0.5, 0.2, 0],
    [0, -0.3, 0],
    [0, 0.1, 0.4],
    [0, 0, 0],
    [0.3, 0, 0],
    [0, 0.2, -0.1],
  ];

  function run(name: OptimizerName, sparse: boolean): Float64Array {
    const opt = createOptimizer(name, { lr: DEFAULT_LR[name] * 10 });
    const w = Float64Array.of(0.1, -0.2, 0.3);
    for (const row of grads) {
      const idx = [0, 1, 2].filter((j) => !sparse || row[j] !== 0);
      opt.catchUp(w, Uint32Array.from(idx), idx.length);
      opt.step(w, Uint32Array.from(idx), Float64Array.from(idx, (j) => row[j]), idx.length);
    }
    opt.flush(w);
    return w;
  }

  it.each(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta'] as const)(
    '%s: skipping absent coordinates gives exactly the dense result',
    (name) => {
      const dense = run(name, false);
      const lazy = run(name, true);
      for (let j = 0; j < 3; j++) expect(lazy[j]).toBeCloseTo(dense[j], 12);
      expect(dense[0]).not.toBeCloseTo(0.1, 3);
    },
  );

  it('adam: lazy updates stay close to dense ones', () => {
    const dense = run('adam', false);
    const lazy = run('adam', true);
    for (let j = 0; j < 3; j++) expect(Math.abs(lazy[j] - dense[j])).toBeLessThan(0.05);
  });
});
