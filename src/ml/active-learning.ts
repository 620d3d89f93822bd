// Which comments to ask moderators about next, and a simulation of labelling by it.
import { predictProba, type Examples } from './logistic';
import { mulberry32, permutation, shuffle } from './random';
import { fitLogistic, type TrainOptions } from './train';

export type Strategy = 'uncertainty' | 'random';

/** 1 on the decision boundary (p = ½), 0 when the model is certain (p = 0 or 1). */
export function uncertainty(p: number): number {
  return 1 - 2 * Math.abs(p - 0.5);
}

/** Positions of the scores, most uncertain first; ties keep their order. */
export function uncertaintyOrder(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => uncertainty(scores[b]) - uncertainty(scores[a]) || a - b);
}

/** The k pool items whose scores (aligned with pool) are most uncertain. */
export function selectUncertain(pool: readonly number[], scores: ArrayLike<number>, k: number): number[] {
  if (scores.length !== pool.length) throw new RangeError('one score per pool item expected');
  return uncertaintyOrder(scores)
    .slice(0, Math.max(0, k))
    .map((i) => pool[i]);
}

/** k pool items drawn uniformly without replacement. */
export function selectRandom(pool: readonly number[], k: number, rand: () => number): number[] {
  return shuffle([...pool], rand).slice(0, Math.max(0, k));
}

export interface SimulationOptions {
  strategy: Strategy;
  seed: number;
  /** Labels drawn at random before the first model. */
  initial: number;
  /** Labels asked for per round. */
  batch: number;
  budget: number;
  /** Training for each round; a function may adapt it to the number of labels. */
  train: TrainOptions | ((labels: number) => TrainOptions);
  /** Start each round from the previous round's weights. */
  warmStart?: boolean;
  /** Quality of the weights after a round (e.g. F1 on held-out data). */
  evaluate: (weights: Float64Array) => number;
}

export interface LearningCurve {
  labels: number[];
  scores: number[];
}

/**
 * Replays labelling over a fully labelled pool, revealing labels only when the strategy asks:
 * `initial` random labels, then rounds of `batch` chosen labels, retraining after each, until
 * `budget` labels. Records evaluate() after every round.
 */
export function simulateActiveLearning(pool: Examples, opts: SimulationOptions): LearningCurve {
  const rand = mulberry32(opts.seed);
  const order = Array.from(permutation(pool.x.length, rand));
  const labelled = order.slice(0, opts.initial);
  let unlabelled = order.slice(opts.initial);
  const curve: LearningCurve = { labels: [], scores: [] };
  let weights: Float64Array | undefined;
  for (;;) {
    const set = { x: labelled.map((i) => pool.x[i]), y: labelled.map((i) => pool.y[i]) };
    const train = typeof opts.train === 'function' ? opts.train(labelled.length) : opts.train;
    weights = fitLogistic(set, null, { ...train, init: opts.warmStart ? weights : undefined }).weights;
    curve.labels.push(labelled.length);
    curve.scores.push(opts.evaluate(weights));
    const k = Math.min(opts.batch, opts.budget - labelled.length, unlabelled.length);
    if (k <= 0) return curve;
    let chosen: number[];
    if (opts.strategy === 'uncertainty') {
      const scores = predictProba(weights, unlabelled.map((i) => pool.x[i]));
      chosen = selectUncertain(unlabelled, scores, k);
    } else {
      chosen = unlabelled.slice(0, k); // unlabelled is already in random order
    }
    const taken = new Set(chosen);
    labelled.push(...chosen);
    unlabelled = unlabelled.filter((i) => !taken.has(i));
  }
}

/** The first label count at which the curve reaches target, or null if it never does. */
export function labelsToReach(curve: LearningCurve, target: number): number | null {
  const i = curve.scores.findIndex((s) => s >= target);
  return i < 0 ? null : curve.labels[i];
}

/** Point-wise mean of curves recorded at the same label counts. */
export function meanCurve(curves: LearningCurve[]): LearningCurve {
  if (curves.length === 0) return { labels: [], scores: [] };
  const labels = curves[0].labels;
  const scores = labels.map((_, r) => curves.reduce((s, c) => s + c.scores[r], 0) / curves.length);
  return { labels: [...labels], scores };
}
