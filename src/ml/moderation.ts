// Labelled comments in, a ModerationModel out: the one call the web, API and CLI layers need.
import { hashFeatures, type FeatureOptions } from './features';
import { predictProba } from './logistic';
import { evaluate } from './metrics';
import { DEFAULT_FEATURES, ModerationModel, type ResolvedFeatureOptions } from './model';
import { selfTrain, type SelfTrainingOptions } from './self-training';
import { stratifiedSplit } from './split';
import { fitLogistic, TRAIN_DEFAULTS, withDefaults, type EpochReport, type TrainOptions } from './train';

export interface LabelledText {
  text: string;
  /** 1 = unwanted, 0 = fine. */
  label: number;
}

export interface ModerationTrainOptions {
  features?: FeatureOptions;
  train?: TrainOptions;
  /** Share of the labels held out (stratified) for early stopping and the reported metrics. */
  valFraction?: number;
  seed?: number;
  threshold?: number;
  version?: number;
  trainedAt?: Date;
  /**
   * After early stopping has chosen the number of epochs, train again on all labels (training
   * and validation) for that many epochs. Default true; the reported metrics stay those of the
   * validation run. Not done with self-training.
   */
  refit?: boolean;
  /** Learn also from confident predictions on these texts (semi-supervised); off by default. */
  selfTraining?: SelfTrainingOptions | false;
  unlabelled?: string[];
}

/**
 * Chosen on the SpamAssassin training documents (see docs/moderation-model.md): the learning
 * rate by 5-fold cross-validation log loss (0.45 of 0.3 / 0.45 / 0.6), the rest on the
 * validation split.
 */
export const MODERATION_TRAIN_DEFAULTS: TrainOptions = {
  ...TRAIN_DEFAULTS,
  optimizer: 'adagrad',
  lr: 0.45,
  l2: 1e-6,
  batchSize: 16,
  epochs: 6,
  patience: 1,
};

/**
 * Retraining while labels come in, a few at a time (warm-started from the previous model):
 * small batches so a handful of labels still makes several steps, fewer epochs as labels grow.
 * L2 is stronger than for the full-data model: on validation, uncertainty sampling learned as
 * fast with 1e-4 as with 1e-6 (and worse with 1e-3); see docs/moderation-model.md.
 */
export function ACTIVE_LEARNING_TRAIN(labels: number, l2 = 1e-4): TrainOptions {
  return { optimizer: 'adagrad', lr: 0.3, l2, batchSize: 8, epochs: labels < 100 ? 8 : labels < 400 ? 4 : 2 };
}

export interface ModerationTrainResult {
  model: ModerationModel;
  history: EpochReport[];
  bestEpoch: number;
}

export function trainModerationModel(examples: LabelledText[], opts: ModerationTrainOptions = {}): ModerationTrainResult {
  for (const e of examples) {
    if (typeof e.text !== 'string' || (e.label !== 0 && e.label !== 1)) {
      throw new TypeError('each example needs a string text and a label of 0 or 1');
    }
  }
  if (examples.length === 0) throw new RangeError('no labelled examples to train on');
  const features: ResolvedFeatureOptions = { ...DEFAULT_FEATURES, ...opts.features };
  const seed = opts.seed ?? 1;
  // Another optimizer does not inherit the default optimizer's learning rate.
  const otherOptimizer = opts.train?.optimizer !== undefined && opts.train.optimizer !== MODERATION_TRAIN_DEFAULTS.optimizer;
  const defaults = otherOptimizer ? { ...MODERATION_TRAIN_DEFAULTS, lr: undefined } : MODERATION_TRAIN_DEFAULTS;
  const train = { ...defaults, ...opts.train, dims: features.dims, seed };
  const x = examples.map((e) => hashFeatures(e.text, features));
  const y = examples.map((e) => e.label);
  const split = stratifiedSplit(y, examples.length >= 10 ? (opts.valFraction ?? 0.1) : 0, seed);
  const pick = (ids: number[]) => ({ x: ids.map((i) => x[i]), y: ids.map((i) => y[i]) });
  const fit = pick(split.train);
  const val = split.val.length > 0 ? pick(split.val) : null;
  const unlabelled = opts.selfTraining ? (opts.unlabelled ?? []).map((t) => hashFeatures(t, features)) : [];
  const result = selfTrain(fit, unlabelled, val, train, opts.selfTraining || { rounds: 0 });
  const metrics = val ? evaluate(predictProba(result.weights, val.x), val.y) : null;
  // Validation chose the number of epochs; the final model then learns from every label.
  const refit = (opts.refit ?? true) && val !== null && !opts.selfTraining && result.bestEpoch > 0;
  const weights = refit ? fitLogistic({ x, y }, null, { ...train, epochs: result.bestEpoch, patience: 0 }).weights : result.weights;
  const positive = y.filter((v) => v === 1).length;
  const resolved = withDefaults(train);
  const model = new ModerationModel(Float32Array.from(weights), features, {
    version: opts.version ?? 1,
    trainedAt: (opts.trainedAt ?? new Date()).toISOString(),
    threshold: opts.threshold ?? 0.5,
    hyperparameters: {
      optimizer: resolved.optimizer,
      lr: train.lr ?? null,
      l2: resolved.l2,
      batchSize: resolved.batchSize,
      maxEpochs: resolved.epochs,
      epochs: result.bestEpoch,
      patience: resolved.patience,
      seed,
      valFraction: split.val.length / examples.length,
      refit,
      selfTraining: Boolean(opts.selfTraining),
      pseudoLabels: result.pseudoLabels,
    },
    metrics: metrics ? jsonMetrics(metrics) : {},
    labels: { total: examples.length, positive, negative: examples.length - positive },
  });
  return { model, history: result.history, bestEpoch: result.bestEpoch };
}

function jsonMetrics(m: object): Record<string, number | null> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isFinite(v) ? (v as number) : null]));
}
