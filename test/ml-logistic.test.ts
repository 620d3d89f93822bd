import type { SparseVector } from '../src/ml/features';
import { logitLoss, margin, meanLogLoss, objective, predictProba, sigmoid } from '../src/ml/logistic';
import { mulberry32 } from '../src/ml/random';

function randomData(n: number, dims: number, seed: number) {
  const rand = mulberry32(seed);
  const x: SparseVector[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const idx = [...new Set(Array.from({ length: 3 }, () => Math.floor(rand() * dims)))].sort((a, b) => a - b);
    x.push({ indices: Uint32Array.from(idx), values: Float32Array.from(idx, () => rand() * 2 - 1) });
    y.push(rand() < 0.5 ? 1 : 0);
  }
  return { x, y };
}

describe('logistic regression maths', () => {
  it('computes the sigmoid without overflow', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(-800)).not.toBeNaN();
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
  });

  it('computes the cross-entropy from the logit stably', () => {
    expect(logitLoss(0, 1)).toBeCloseTo(Math.log(2), 15);
    expect(logitLoss(1000, 1)).toBe(0);
    expect(logitLoss(-1000, 1)).toBeCloseTo(1000, 9);
    expect(logitLoss(1000, 0)).toBeCloseTo(1000, 9);
    expect(logitLoss(3, 0)).toBeCloseTo(-Math.log(1 - sigmoid(3)), 12);
  });

  it('adds the bias, stored after the feature weights', () => {
    const x = { indices: Uint32Array.of(0, 2), values: Float32Array.of(1, 0.5) };
    expect(margin(x, Float64Array.of(2, 100, -4, 0.25))).toBe(0.25);
    expect(predictProba(Float64Array.of(0, 0, 0, 0), [x])[0]).toBe(0.5);
  });

  it('has the gradient that finite differences measure, with L2 and bias', () => {
    const dims = 8;
    const data = randomData(20, dims, 7);
    const rand = mulberry32(3);
    const w = Float64Array.from({ length: dims + 1 }, () => rand() * 2 - 1);
    const l2 = 0.1;
    const { loss, grad } = objective(w, data, l2);
    const h = 1e-6;
    for (let j = 0; j <= dims; j++) {
      const plus = w.slice();
      const minus = w.slice();
      plus[j] += h;
      minus[j] -= h;
      const numeric = (objective(plus, data, l2).loss - objective(minus, data, l2).loss) / (2 * h);
      expect(grad[j]).toBeCloseTo(numeric, 7);
    }
    // The penalty leaves the bias alone and the data term is the mean log loss.
    const penalty = (l2 / 2) * w.subarray(0, dims).reduce((s, v) => s + v * v, 0);
    expect(loss).toBeCloseTo(meanLogLoss(w, data) + penalty, 12);
  });

  it('is zero-safe on empty data', () => {
    expect(objective(new Float64Array(3), { x: [], y: [] }, 0).loss).toBe(0);
    expect(meanLogLoss(new Float64Array(3), { x: [], y: [] })).toBe(0);
  });
});
