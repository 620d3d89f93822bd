import { hashFeatures } from '../src/ml/features';
import { meanLogLoss, predictProba } from '../src/ml/logistic';
import { ModerationModel } from '../src/ml/model';
import { trainModerationModel, type LabelledText } from '../src/ml/moderation';
import { OPTIMIZER_NAMES } from '../src/ml/optimizers';
import { mulberry32 } from '../src/ml/random';
import { selfTrain } from '../src/ml/self-training';
import { fitLogistic } from '../src/ml/train';

const DIMS = 1 << 12;
const SPAM = ['free', 'win', 'money', 'click', 'offer', 'cheap', 'casino', 'prize', '免费', '赚钱', 'pills'];
const HAM = ['thanks', 'great', 'post', 'learning', 'gradient', 'model', 'question', 'paper', '机器学习', '谢谢', 'proof'];
const FILLER = ['the', 'a', 'this', 'is', 'and', 'of', 'to', 'it', 'for', 'you'];

function corpus(n: number, seed: number): LabelledText[] {
  const rand = mulberry32(seed);
  const pick = (words: string[]) => words[Math.floor(rand() * words.length)];
  return Array.from({ length: n }, (_, i) => {
    const label = i % 3 === 0 ? 1 : 0;
    const words = Array.from({ length: 4 + Math.floor(rand() * 8) }, () => (rand() < 0.4 ? pick(label ? SPAM : HAM) : pick(FILLER)));
    return { text: words.join(' '), label };
  });
}

const toExamples = (docs: LabelledText[]) => ({
  x: docs.map((d) => hashFeatures(d.text, { dims: DIMS })),
  y: docs.map((d) => d.label),
});

describe('fitLogistic', () => {
  const train = toExamples(corpus(150, 1));
  const val = toExamples(corpus(60, 2));

  it('is deterministic for a seed', () => {
    const a = fitLogistic(train, val, { dims: DIMS, epochs: 3, seed: 5 });
    const b = fitLogistic(train, val, { dims: DIMS, epochs: 3, seed: 5 });
    const c = fitLogistic(train, val, { dims: DIMS, epochs: 3, seed: 6 });
    expect(a.weights).toEqual(b.weights);
    expect(a.weights).not.toEqual(c.weights);
  });

  it.each(OPTIMIZER_NAMES)('learns the toy problem with %s', (optimizer) => {
    const lr = { sgd: 2, momentum: 0.2, nesterov: 0.2, adagrad: 0.5, rmsprop: 0.02, adadelta: 1, adam: 0.05 }[optimizer];
    // Adadelta's first steps are tiny (√ε / RMS[g]): it needs more epochs to get going.
    const epochs = optimizer === 'adadelta' ? 60 : 15;
    const r = fitLogistic(train, null, { dims: DIMS, optimizer, lr, epochs, l2: 0 });
    expect(r.history[r.history.length - 1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(meanLogLoss(r.weights, val)).toBeLessThan(0.25);
  });

  it('stops early and keeps the epoch with the best validation loss', () => {
    // Few, noisy labels and a large step: the validation loss soon rises.
    const noisy = { x: train.x.slice(0, 30), y: train.y.slice(0, 30).map((y, i) => (i % 4 === 0 ? 1 - y : y)) };
    const r = fitLogistic(noisy, val, { dims: DIMS, optimizer: 'adagrad', lr: 2, l2: 0, epochs: 50, patience: 3 });
    expect(r.history.length).toBeLessThan(50);
    expect(r.history.length - r.bestEpoch).toBe(3);
    const best = Math.min(...r.history.map((h) => h.valLoss!));
    expect(meanLogLoss(r.weights, val)).toBeCloseTo(best, 12);
  });

  it('warm-starts from given weights and honours example weights', () => {
    const init = new Float64Array(DIMS + 1).fill(0.01);
    expect(fitLogistic(train, null, { init, epochs: 0 }).weights).toEqual(init);
    const one = { x: [train.x[0]], y: [1] };
    const zeroWeight = fitLogistic({ ...one, weight: [0] }, null, { dims: DIMS, epochs: 3 });
    expect(zeroWeight.weights.every((w) => w === 0)).toBe(true);
  });
});

describe('trainModerationModel', () => {
  const docs = corpus(300, 3);
  const { model, bestEpoch } = trainModerationModel(docs, {
    features: { dims: DIMS },
    train: { optimizer: 'adagrad', lr: 0.5, epochs: 10 },
    version: 7,
    trainedAt: new Date('2024-06-01T00:00:00Z'),
  });

  it('separates unwanted from fine comments, in any script', () => {
    expect(model.score('click to win free money, cheap prize')).toBeGreaterThan(0.8);
    expect(model.score('thanks, great post about gradient learning')).toBeLessThan(0.2);
    expect(model.predict('免费 赚钱 免费').label).toBe(1);
    expect(model.predict('谢谢 机器学习').label).toBe(0);
  });

  it('records metrics, labels and hyper-parameters', () => {
    expect(bestEpoch).toBeGreaterThan(0);
    expect(model.info.labels).toEqual({ total: 300, positive: 100, negative: 200 });
    expect(model.info.metrics.f1).toBeGreaterThan(0.9);
    expect(model.info.metrics.auc).toBeGreaterThan(0.95);
    expect(model.info.hyperparameters).toMatchObject({ optimizer: 'adagrad', lr: 0.5, selfTraining: false, refit: true });
    expect(model.info).toMatchObject({ version: 7, trainedAt: '2024-06-01T00:00:00.000Z', threshold: 0.5 });
  });

  it('serialises to JSON and loads back with identical scores', () => {
    const json = JSON.parse(JSON.stringify(model));
    const loaded = ModerationModel.fromJSON(json);
    for (const d of docs.slice(0, 50)) expect(loaded.score(d.text)).toBe(model.score(d.text));
    expect(loaded.weights).toEqual(model.weights);
    expect(loaded.info).toEqual(model.info);
    expect(JSON.stringify(json).length).toBeLessThan(200_000);
  });

  it('loads models saved before block normalisation existed as trained without it', () => {
    const json = model.toJSON();
    const { normalizeBlocks: _, ...older } = json.features;
    expect(ModerationModel.fromJSON({ ...json, features: older }).features.normalizeBlocks).toBe(false);
  });

  it('stores mostly-zero weights sparsely and others densely, both exactly', () => {
    const features = { ...model.features, dims: 64 };
    const sparse = new Float32Array(65);
    sparse[3] = 0.1;
    sparse[64] = -2.5;
    const dense = Float32Array.from({ length: 65 }, (_, i) => Math.sin(i) / 3);
    for (const weights of [sparse, dense]) {
      const json = JSON.parse(JSON.stringify(new ModerationModel(weights, features, model.info)));
      expect('dense' in json.weights).toBe(weights === dense);
      expect(ModerationModel.fromJSON(json).weights).toEqual(weights);
    }
  });

  it('refuses malformed model data', () => {
    const features = { ...model.features, dims: 64 };
    const weights = new Float32Array(65);
    weights[60] = 1;
    const sparse = new ModerationModel(weights, features, model.info).toJSON();
    const dense = model.toJSON();
    expect(() => ModerationModel.fromJSON(null)).toThrow();
    expect(() => ModerationModel.fromJSON({ ...dense, format: 'other' })).toThrow();
    expect(() => ModerationModel.fromJSON({ ...sparse, weights: { ...sparse.weights, nnz: 2 } })).toThrow(RangeError);
    expect(() => ModerationModel.fromJSON({ ...sparse, features: { ...features, dims: 8 } })).toThrow(RangeError);
    expect(() => ModerationModel.fromJSON({ ...dense, features: { ...dense.features, dims: 8 } })).toThrow(RangeError);
    expect(() => ModerationModel.fromJSON({ ...dense, weights: {} })).toThrow();
  });

  it('scores empty and huge text, and rejects bad training input', () => {
    const bias = model.weights[DIMS];
    expect(model.score('')).toBeCloseTo(1 / (1 + Math.exp(-bias)), 12);
    expect(Number.isFinite(model.score('free money '.repeat(100_000)))).toBe(true);
    expect(() => trainModerationModel([])).toThrow(RangeError);
    expect(() => trainModerationModel([{ text: 'x', label: 2 }])).toThrow(TypeError);
    expect(() => trainModerationModel([{ text: 5 as unknown as string, label: 1 }])).toThrow(TypeError);
  });
});

describe('self-training', () => {
  it('adds confident pseudo-labels from unlabelled text', () => {
    const labelled = toExamples(corpus(30, 4));
    const unlabelled = toExamples(corpus(200, 5));
    const train = { dims: DIMS, optimizer: 'adagrad' as const, lr: 0.5, epochs: 10 };
    const on = selfTrain(labelled, unlabelled.x, null, train, { confidence: 0.9, rounds: 2 });
    const off = selfTrain(labelled, unlabelled.x, null, train, { rounds: 0 });
    expect(off.pseudoLabels).toBe(0);
    expect(on.pseudoLabels).toBeGreaterThan(20);
    const accuracy = (w: Float64Array) =>
      predictProba(w, unlabelled.x).reduce((s, p, i) => s + ((p >= 0.5 ? 1 : 0) === unlabelled.y[i] ? 1 : 0), 0) / 200;
    expect(accuracy(on.weights)).toBeGreaterThan(0.85);
  });
});
