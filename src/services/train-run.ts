// What the training jobs compute, synchronous and free of I/O: run inside the training
// worker (train-worker.ts) so requests keep being served, or directly by the CLI.
import { hashFeatures, type SparseVector } from '../ml/features';
import { predictProba } from '../ml/logistic';
import { evaluate, logLoss } from '../ml/metrics';
import { DEFAULT_FEATURES, type SerializedModel } from '../ml/model';
import { ACTIVE_LEARNING_TRAIN, MODERATION_TRAIN_DEFAULTS, trainModerationModel, type LabelledText } from '../ml/moderation';
import { SELF_TRAINING_DEFAULTS } from '../ml/self-training';
import { DEFAULT_LR, OPTIMIZER_NAMES } from '../ml/optimizers';
import { mulberry32, permutation } from '../ml/random';
import { stratifiedSplit } from '../ml/split';
import { fitLogistic, withDefaults, type TrainOptions } from '../ml/train';
import type { ModelCurves } from '../models/moderation';

export type Progress = (stage: string, fraction: number) => void;

export interface TrainRequest {
  examples: LabelledText[];
  /** Texts to score with the new model (the comments whose stored score it replaces). */
  rescore: string[];
  seed?: number;
  /** Where examples came from besides the site's labels, recorded in the model's hyperparameters. */
  source?: { corpus: string; corpusLabels: number };
  /** Unlabelled comments to self-train on (set with MODERATION_SELF_TRAINING); absent: supervised only. */
  unlabelled?: string[];
}

export interface TrainOutcome {
  model: SerializedModel;
  curves: ModelCurves;
  scores: Float64Array;
}

// The shares of the training labels the learning curve is drawn at.
const CURVE_SHARES = [0.1, 0.2, 0.35, 0.5, 0.75, 1];

/**
 * Moderators' label sets are small: below 400 labels, the small-batch, more-epoch settings
 * tuned for labels arriving a few at a time; above, the defaults tuned on the full corpus.
 */
export function trainingOptions(labels: number): TrainOptions {
  return labels < 400 ? ACTIVE_LEARNING_TRAIN(labels) : {};
}

export function runTraining(req: TrainRequest, progress: Progress = () => {}): TrainOutcome {
  const seed = req.seed ?? 1;
  const train = trainingOptions(req.examples.length);
  const maxEpochs = withDefaults({ ...MODERATION_TRAIN_DEFAULTS, ...train }).epochs;
  progress('training', 0);
  const { model, history } = trainModerationModel(req.examples, {
    seed,
    selfTraining: req.unlabelled ? SELF_TRAINING_DEFAULTS : false,
    unlabelled: req.unlabelled,
    train: { ...train, onEpoch: (r) => progress('training', (0.5 * r.epoch) / maxEpochs) },
  });
  const learning = learningCurve(req.examples, train, seed, (f) => progress('learning curve', 0.5 + 0.35 * f));
  const scores = new Float64Array(req.rescore.length);
  for (let i = 0; i < req.rescore.length; i++) {
    scores[i] = model.score(req.rescore[i]);
    if (i % 2000 === 0) progress('scoring comments', 0.85 + (0.15 * i) / req.rescore.length);
  }
  const json = model.toJSON();
  if (req.source) json.hyperparameters = { ...json.hyperparameters, ...req.source };
  return { model: json, curves: { history, learning }, scores };
}

/**
 * Validation F1 and loss after training on growing shares of the training labels, with the
 * same seeded validation split the stored model's metrics come from.
 */
export function learningCurve(examples: LabelledText[], train: TrainOptions, seed: number, step: (fraction: number) => void = () => {}): ModelCurves['learning'] {
  const curve: ModelCurves['learning'] = { labels: [], f1: [], valLoss: [] };
  if (examples.length < 10) return curve;
  const x = examples.map((e) => hashFeatures(e.text, DEFAULT_FEATURES));
  const y = examples.map((e) => e.label);
  const split = stratifiedSplit(y, 0.1, seed);
  const order = Array.from(permutation(split.train.length, mulberry32(seed)), (k) => split.train[k]);
  const val = { x: split.val.map((i) => x[i]), y: split.val.map((i) => y[i]) };
  const sizes = [...new Set(CURVE_SHARES.map((s) => Math.max(2, Math.round(s * order.length))))];
  const opts = { ...MODERATION_TRAIN_DEFAULTS, ...train, dims: DEFAULT_FEATURES.dims, seed };
  sizes.forEach((size, k) => {
    const ids = order.slice(0, size);
    const { weights } = fitLogistic({ x: ids.map((i) => x[i]), y: ids.map((i) => y[i]) }, val, opts);
    const p = predictProba(weights, val.x);
    curve.labels.push(size);
    curve.f1.push(evaluate(p, val.y).f1);
    curve.valLoss.push(logLoss(p, val.y));
    step((k + 1) / sizes.length);
  });
  return curve;
}

export interface OptimizerComparison {
  dataset: string;
  examples: number;
  validation: number;
  epochs: number;
  seed: number;
  /** One entry per optimizer, at its library-default learning rate. */
  series: { optimizer: string; lr: number; trainLoss: number[]; valLoss: number[] }[];
}

/** Validation loss per epoch for each of the seven optimizers on the same split and batches. */
export function compareOptimizers(
  examples: LabelledText[],
  opts: { dataset: string; epochs: number; seed: number },
  progress: Progress = () => {},
): OptimizerComparison {
  const x: SparseVector[] = examples.map((e) => hashFeatures(e.text, DEFAULT_FEATURES));
  const y = examples.map((e) => e.label);
  const split = stratifiedSplit(y, 0.2, opts.seed);
  const fit = { x: split.train.map((i) => x[i]), y: split.train.map((i) => y[i]) };
  const val = { x: split.val.map((i) => x[i]), y: split.val.map((i) => y[i]) };
  const series = OPTIMIZER_NAMES.map((optimizer, k) => {
    const { history } = fitLogistic(fit, val, {
      optimizer,
      dims: DEFAULT_FEATURES.dims,
      epochs: opts.epochs,
      patience: 0,
      batchSize: 32,
      l2: MODERATION_TRAIN_DEFAULTS.l2,
      seed: opts.seed,
      onEpoch: (r) => progress(optimizer, (k + r.epoch / opts.epochs) / OPTIMIZER_NAMES.length),
    });
    return {
      optimizer,
      lr: DEFAULT_LR[optimizer],
      trainLoss: history.map((h) => h.trainLoss),
      valLoss: history.map((h) => h.valLoss ?? NaN),
    };
  });
  return { dataset: opts.dataset, examples: examples.length, validation: val.y.length, epochs: opts.epochs, seed: opts.seed, series };
}
