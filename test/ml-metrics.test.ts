import { confusion, evaluate, logLoss, precisionRecallF1, rocAuc } from '../src/ml/metrics';
import { mulberry32, permutation } from '../src/ml/random';
import { stratifiedSplit } from '../src/ml/split';

describe('metrics', () => {
  const labels = [1, 1, 1, 0, 0, 0, 0, 1];
  const scores = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.4, 0.7];

  it('counts the confusion matrix at a threshold', () => {
    expect(confusion(scores, labels)).toEqual({ tp: 3, fn: 1, fp: 1, tn: 3 });
    expect(confusion(scores, labels, 0.65)).toEqual({ tp: 3, fn: 1, fp: 0, tn: 4 });
  });

  it('computes precision, recall and F1 by hand', () => {
    const m = precisionRecallF1(scores, labels);
    expect(m.precision).toBeCloseTo(3 / 4, 12);
    expect(m.recall).toBeCloseTo(3 / 4, 12);
    expect(m.f1).toBeCloseTo(3 / 4, 12);
    const strict = precisionRecallF1(scores, labels, 0.85);
    expect(strict).toEqual({ precision: 1, recall: 0.25, f1: 0.4 });
    expect(precisionRecallF1([0.1, 0.2], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('gives AUC 1 for a perfect ranking, 0 inverted, ½ for no information', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // 16 pairs; the misordered ones: (0.3 vs 0.6), (0.3 vs 0.4).
    expect(rocAuc(scores, labels)).toBeCloseTo(14 / 16, 12);
  });

  it('gives AUC near ½ for random scores', () => {
    const rand = mulberry32(5);
    const n = 4000;
    const auc = rocAuc(Array.from({ length: n }, () => rand()), Array.from({ length: n }, (_, i) => i % 2));
    expect(Math.abs(auc - 0.5)).toBeLessThan(0.03);
  });

  it('counts a tie across classes as one half', () => {
    expect(rocAuc([0.3, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBeCloseTo(3.5 / 4, 12);
    expect(rocAuc([0.5, 0.7], [1, 1])).toBeNaN();
  });

  it('computes the log loss, clipping certain mistakes', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
  });

  it('summarises everything in evaluate', () => {
    const m = evaluate(scores, labels);
    expect(m).toMatchObject({ n: 8, positives: 4, accuracy: 0.75 });
    expect(m.auc).toBeCloseTo(0.875, 12);
  });
});

describe('stratifiedSplit', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 3 ? 1 : 0)); // 30% positive

  it('keeps the class proportions on both sides', () => {
    const { train, val } = stratifiedSplit(labels, 0.2, 42);
    expect(val.length).toBe(200);
    expect(train.length).toBe(800);
    expect(val.filter((i) => labels[i] === 1).length).toBe(60);
    expect(train.filter((i) => labels[i] === 1).length).toBe(240);
    expect(new Set([...train, ...val]).size).toBe(1000);
  });

  it('is deterministic for a seed and different across seeds', () => {
    expect(stratifiedSplit(labels, 0.2, 42)).toEqual(stratifiedSplit(labels, 0.2, 42));
    expect(stratifiedSplit(labels, 0.2, 43).val).not.toEqual(stratifiedSplit(labels, 0.2, 42).val);
  });

  it('puts a rare class on both sides and handles degenerate inputs', () => {
    const rare = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const { train, val } = stratifiedSplit(rare, 0.1, 1);
    expect(val.some((i) => rare[i] === 1)).toBe(true);
    expect(train.some((i) => rare[i] === 1)).toBe(true);
    expect(stratifiedSplit([], 0.2, 1)).toEqual({ train: [], val: [] });
    expect(stratifiedSplit([1, 0], 0, 1)).toEqual({ train: [0, 1], val: [] });
    expect(() => stratifiedSplit([1], 1, 1)).toThrow(RangeError);
  });
});

describe('seeded randomness', () => {
  it('repeats for a seed and shuffles into a permutation', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const p = permutation(50, mulberry32(1));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
