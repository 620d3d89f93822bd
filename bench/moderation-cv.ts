// npx tsx bench/moderation-cv.ts [--chars=2048,8192] [--lr=0.3,0.6] [--epochs=3] [--folds=5]
// Model selection by stratified k-fold cross-validation over the 4,836 training documents
// (validation ids included), beside the fixed fit → validation split: out-of-fold log loss,
// ROC-AUC, F1 and errors after each epoch. The test ids are never read. Writes
// bench/results/moderation-cv.json.
import fs from 'node:fs';
import path from 'node:path';
import { hashFeatures } from '../src/ml/features';
import { predictProba, type Examples } from '../src/ml/logistic';
import { evaluate, type Metrics } from '../src/ml/metrics';
import { DEFAULT_FEATURES } from '../src/ml/model';
import { MODERATION_TRAIN_DEFAULTS } from '../src/ml/moderation';
import { mulberry32, permutation } from '../src/ml/random';
import { fitLogistic } from '../src/ml/train';
import { fixed, table } from './lib/measure';
import { loadSpamAssassin } from './lib/spamassassin';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const list = (name: string, fallback: string) => arg(name, fallback).split(',').map(Number);
const CHARS = list('chars', '2048,4096,8192,16384,32768');
const LRS = list('lr', String(MODERATION_TRAIN_DEFAULTS.lr));
const EPOCHS = Number(arg('epochs', '3'));
const FOLDS = Number(arg('folds', '5'));
const FOLD_SEED = 12345;

const data = loadSpamAssassin();
const y = data.train.map((d) => d.label as number);
const valIds = new Set(data.val.map((d) => d.id));
const ids = (keep: (i: number) => boolean) => y.map((_, i) => i).filter(keep);
// Stratified folds: each class dealt round-robin in a seeded order.
const fold = new Int32Array(y.length);
const rand = mulberry32(FOLD_SEED);
for (const cls of [0, 1]) {
  const members = ids((i) => y[i] === cls);
  permutation(members.length, rand).forEach((p, k) => (fold[members[p]] = k % FOLDS));
}

interface Row { chars: number; lr: number; epoch: number; cv: Metrics; val: Metrics }
const rows: Row[] = [];
for (const maxChars of CHARS) {
  const features = { ...DEFAULT_FEATURES, maxChars };
  const x = data.train.map((d) => hashFeatures(d.text, features));
  const pick = (sel: number[]): Examples => ({ x: sel.map((i) => x[i]), y: sel.map((i) => y[i]) });
  for (const lr of LRS) {
    const train = { ...MODERATION_TRAIN_DEFAULTS, lr, dims: features.dims, epochs: EPOCHS, patience: 0 };
    const val = pick(ids((i) => valIds.has(data.train[i].id)));
    const valMetrics: Metrics[] = [];
    fitLogistic(pick(ids((i) => !valIds.has(data.train[i].id))), null, { ...train, onEpoch: (_, w) => valMetrics.push(evaluate(predictProba(w, val.x), val.y)) });
    const oof = Array.from({ length: EPOCHS }, () => new Float64Array(y.length));
    for (let f = 0; f < FOLDS; f++) {
      const held = ids((i) => fold[i] === f);
      const heldX = held.map((i) => x[i]);
      fitLogistic(pick(ids((i) => fold[i] !== f)), null, {
        ...train,
        onEpoch: (r, w) => predictProba(w, heldX).forEach((p, k) => (oof[r.epoch - 1][held[k]] = p)),
      });
    }
    for (let e = 0; e < EPOCHS; e++) rows.push({ chars: maxChars, lr, epoch: e + 1, cv: evaluate(oof[e], y), val: valMetrics[e] });
  }
}
const errors = (m: Metrics) => Math.round((1 - m.accuracy) * m.n);
console.log(`${FOLDS}-fold cross-validation on ${y.length} training documents; validation split: ${data.fit.length} → ${data.val.length}`);
console.log(
  table(
    ['chars', 'lr', 'epoch', 'CV log loss', 'CV AUC', 'CV F1', 'CV errors', 'val log loss', 'val AUC', 'val F1', 'val errors'],
    rows.map((r) => [r.chars, r.lr, r.epoch, fixed(r.cv.logLoss), fixed(r.cv.auc, 5), fixed(r.cv.f1), errors(r.cv), fixed(r.val.logLoss), fixed(r.val.auc, 5), fixed(r.val.f1), errors(r.val)]),
  ),
);
const out = path.join(__dirname, 'results', 'moderation-cv.json');
fs.writeFileSync(out, JSON.stringify({ generatedAt: new Date().toISOString(), folds: FOLDS, foldSeed: FOLD_SEED, train: MODERATION_TRAIN_DEFAULTS, rows }, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
