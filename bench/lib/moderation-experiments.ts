// The experiments behind bench/moderation.ts, on pre-computed feature vectors.
import { labelsToReach, meanCurve, simulateActiveLearning, type Strategy } from '../../src/ml/active-learning';
import { predictProba, type Examples } from '../../src/ml/logistic';
import { precisionRecallF1 } from '../../src/ml/metrics';
import { DEFAULT_LR, OPTIMIZER_NAMES, type OptimizerName } from '../../src/ml/optimizers';
import { mulberry32, permutation } from '../../src/ml/random';
import { selfTrain, type SelfTrainingOptions } from '../../src/ml/self-training';
import { fitLogistic, type TrainOptions } from '../../src/ml/train';
import { cpuTimed } from './measure';

export const f1Of = (weights: Float64Array, data: Examples): number =>
  precisionRecallF1(predictProba(weights, data.x), data.y).f1;

export interface OptimizerRow {
  optimizer: OptimizerName;
  lr: number;
  /** Validation loss after epochs 1, 5 and 10. */
  valLoss: Record<'1' | '5' | '10', number>;
  cpuSeconds: number;
}

/** Each optimizer at its default learning rate, 10 epochs, same data, batches and seed. */
export function compareOptimizers(fit: Examples, val: Examples, base: TrainOptions): OptimizerRow[] {
  return OPTIMIZER_NAMES.map((optimizer) => {
    const losses: number[] = [];
    const run = cpuTimed(() =>
      fitLogistic(fit, val, {
        ...base,
        optimizer,
        lr: DEFAULT_LR[optimizer],
        epochs: 10,
        patience: 0,
        onEpoch: (e) => losses.push(e.valLoss ?? NaN),
      }),
    );
    return {
      optimizer,
      lr: DEFAULT_LR[optimizer],
      valLoss: { '1': losses[0], '5': losses[4], '10': losses[9] },
      cpuSeconds: run.cpuSeconds,
    };
  });
}

export const CHECKPOINTS = [20, 40, 60, 100, 200, 500, 1000];

export interface ActiveLearningResult {
  strategy: Strategy;
  /** Mean F1 over the seeds after every round (every 20 labels). */
  labels: number[];
  testF1: number[];
  valF1: number[];
  labelsTo95: { test: number | null; val: number | null };
}

/**
 * Labelling simulated over the fit pool, scored on test and on validation after each round,
 * averaged over the seeds.
 */
export function activeLearning(
  pool: Examples,
  val: Examples,
  test: Examples,
  strategy: Strategy,
  seeds: number[],
  train: (labels: number) => TrainOptions,
  full: { test: number; val: number },
): ActiveLearningResult {
  const testCurves = [];
  const valCurves = [];
  for (const seed of seeds) {
    const valScores: number[] = [];
    const curve = simulateActiveLearning(pool, {
      strategy,
      seed,
      initial: 20,
      batch: 20,
      budget: CHECKPOINTS[CHECKPOINTS.length - 1],
      train,
      warmStart: true,
      evaluate: (w) => {
        valScores.push(f1Of(w, val));
        return f1Of(w, test);
      },
    });
    testCurves.push(curve);
    valCurves.push({ labels: curve.labels, scores: valScores });
  }
  const testMean = meanCurve(testCurves);
  const valMean = meanCurve(valCurves);
  return {
    strategy,
    labels: testMean.labels,
    testF1: testMean.scores,
    valF1: valMean.scores,
    labelsTo95: { test: labelsToReach(testMean, 0.95 * full.test), val: labelsToReach(valMean, 0.95 * full.val) },
  };
}

export interface SelfTrainingRow {
  labels: number;
  off: { testF1: number; valF1: number };
  on: { testF1: number; valF1: number; pseudoLabels: number };
}

/** Random labelled subsets of the pool; (up to unlabelledCap of) the rest is the unlabelled text. */
export function compareSelfTraining(
  pool: Examples,
  val: Examples,
  test: Examples,
  sizes: number[],
  seeds: number[],
  train: (labels: number) => TrainOptions,
  opts: SelfTrainingOptions,
  unlabelledCap: number,
): SelfTrainingRow[] {
  return sizes.map((labels) => {
    const sum = { offTest: 0, offVal: 0, onTest: 0, onVal: 0, pseudo: 0 };
    for (const seed of seeds) {
      const order = permutation(pool.x.length, mulberry32(seed));
      const labelled = { x: [] as Examples['x'], y: [] as number[] };
      const unlabelled: Examples['x'] = [];
      order.forEach((i, k) => {
        if (k < labels) {
          labelled.x.push(pool.x[i]);
          labelled.y.push(pool.y[i]);
        } else if (unlabelled.length < unlabelledCap) unlabelled.push(pool.x[i]);
      });
      const off = fitLogistic(labelled, null, train(labels));
      const on = selfTrain(labelled, unlabelled, null, train(labels), opts);
      sum.offTest += f1Of(off.weights, test);
      sum.offVal += f1Of(off.weights, val);
      sum.onTest += f1Of(on.weights, test);
      sum.onVal += f1Of(on.weights, val);
      sum.pseudo += on.pseudoLabels;
    }
    const n = seeds.length;
    return {
      labels,
      off: { testF1: sum.offTest / n, valF1: sum.offVal / n },
      on: { testF1: sum.onTest / n, valF1: sum.onVal / n, pseudoLabels: Math.round(sum.pseudo / n) },
    };
  });
}
