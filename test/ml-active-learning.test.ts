import {
  labelsToReach,
  meanCurve,
  selectRandom,
  selectUncertain,
  simulateActiveLearning,
  uncertainty,
  uncertaintyOrder,
  type SimulationOptions,
} from '../src/ml/active-learning';
import type { SparseVector } from '../src/ml/features';
import { predictProba } from '../src/ml/logistic';
import { mulberry32 } from '../src/ml/random';
import type { TrainOptions } from '../src/ml/train';

// Two overlapping classes over 40 sparse features: class 1 favours features 0–19.
function synthetic(n: number, seed: number) {
  const rand = mulberry32(seed);
  const x: SparseVector[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rand() < 0.3 ? 1 : 0;
    const idx = new Set<number>();
    while (idx.size < 5) idx.add(rand() < 0.75 ? label * 20 + Math.floor(rand() * 20) : Math.floor(rand() * 40));
    const sorted = [...idx].sort((a, b) => a - b);
    x.push({ indices: Uint32Array.from(sorted), values: new Float32Array(sorted.length).fill(1 / Math.sqrt(5)) });
    y.push(label);
  }
  return { x, y };
}

describe('choosing what to label', () => {
  const scores = [0.9, 0.5, 0.1, 0.45, 0.7];

  it('ranks by closeness to ½, ties in pool order', () => {
    expect(uncertainty(0.5)).toBe(1);
    expect(uncertainty(0)).toBe(0);
    expect(uncertainty(1)).toBe(0);
    expect(uncertaintyOrder(scores)).toEqual([1, 3, 4, 0, 2]);
    expect(selectUncertain([10, 11, 12, 13, 14], scores, 2)).toEqual([11, 13]);
    expect(selectUncertain([10, 11, 12, 13, 14], scores, 0)).toEqual([]);
    expect(() => selectUncertain([10], scores, 1)).toThrow(RangeError);
  });

  it('samples at random without replacement, repeatably', () => {
    const pool = Array.from({ length: 100 }, (_, i) => i + 1000);
    const a = selectRandom(pool, 10, mulberry32(3));
    expect(a).toEqual(selectRandom(pool, 10, mulberry32(3)));
    expect(new Set(a).size).toBe(10);
    expect(a.every((i) => pool.includes(i))).toBe(true);
    expect(selectRandom(pool, 500, mulberry32(3)).length).toBe(100);
  });
});

describe('simulateActiveLearning', () => {
  const pool = synthetic(600, 1);
  const test = synthetic(300, 2);
  const accuracy = (w: Float64Array) =>
    predictProba(w, test.x).reduce((s, p, i) => s + ((p >= 0.5 ? 1 : 0) === test.y[i] ? 1 : 0), 0) / test.x.length;
  const train: TrainOptions = { dims: 40, optimizer: 'adagrad', lr: 0.5, epochs: 5, batchSize: 8 };
  const base: Omit<SimulationOptions, 'strategy'> = {
    seed: 4,
    initial: 20,
    batch: 20,
    budget: 120,
    train,
    warmStart: true,
    evaluate: accuracy,
  };

  it('records a point per round up to the budget, repeatably', () => {
    const a = simulateActiveLearning(pool, { ...base, strategy: 'uncertainty' });
    expect(a.labels).toEqual([20, 40, 60, 80, 100, 120]);
    expect(a).toEqual(simulateActiveLearning(pool, { ...base, strategy: 'uncertainty' }));
    expect(a.scores[a.scores.length - 1]).toBeGreaterThan(0.85);
  });

  it('learns with either strategy and stops when the pool runs out', () => {
    const random = simulateActiveLearning(pool, { ...base, strategy: 'random' });
    expect(random.scores[random.scores.length - 1]).toBeGreaterThan(0.85);
    const small = { x: pool.x.slice(0, 50), y: pool.y.slice(0, 50) };
    const all = simulateActiveLearning(small, { ...base, strategy: 'uncertainty', train: () => train });
    expect(all.labels).toEqual([20, 40, 50]);
  });

  it('averages curves and finds where they reach a target', () => {
    const mean = meanCurve([
      { labels: [20, 40, 60], scores: [0.5, 0.7, 0.9] },
      { labels: [20, 40, 60], scores: [0.7, 0.9, 0.9] },
    ]);
    expect(mean.labels).toEqual([20, 40, 60]);
    expect(mean.scores.map((s) => +s.toFixed(12))).toEqual([0.6, 0.8, 0.9]);
    expect(labelsToReach(mean, 0.8)).toBe(40);
    expect(labelsToReach(mean, 0.95)).toBeNull();
    expect(meanCurve([])).toEqual({ labels: [], scores: [] });
  });
});
