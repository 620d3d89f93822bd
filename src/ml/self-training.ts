// Self-training (semi-supervised): the model labels the unlabelled texts it is sure about and
// learns from those pseudo-labels too. Off unless asked for; kept only where it measurably helps.
import type { SparseVector } from './features';
import { predictProba, type Examples } from './logistic';
import { fitLogistic, type TrainOptions, type TrainResult } from './train';

export interface SelfTrainingOptions {
  /** A pseudo-label needs p ≥ confidence (unwanted) or p ≤ 1 − confidence (fine). */
  confidence?: number;
  rounds?: number;
  /** Weight of a pseudo-labelled example in the loss (a real label weighs 1). */
  weight?: number;
}

export const SELF_TRAINING_DEFAULTS = { confidence: 0.95, rounds: 2, weight: 0.5 };

export function selfTrain(
  labelled: Examples,
  unlabelled: SparseVector[],
  val: Examples | null,
  train: TrainOptions,
  opts: SelfTrainingOptions = {},
): TrainResult & { pseudoLabels: number } {
  const { confidence, rounds, weight } = { ...SELF_TRAINING_DEFAULTS, ...opts };
  let result = fitLogistic(labelled, val, train);
  let pseudoLabels = 0;
  for (let round = 0; round < rounds && unlabelled.length > 0; round++) {
    const p = predictProba(result.weights, unlabelled);
    const x = [...labelled.x];
    const y = Array.from(labelled.y);
    const w = labelled.weight ? Array.from(labelled.weight) : new Array<number>(x.length).fill(1);
    pseudoLabels = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] < confidence && p[i] > 1 - confidence) continue;
      x.push(unlabelled[i]);
      y.push(p[i] >= confidence ? 1 : 0);
      w.push(weight);
      pseudoLabels++;
    }
    if (pseudoLabels === 0) break;
    result = fitLogistic({ x, y, weight: w }, val, { ...train, init: result.weights });
  }
  return { ...result, pseudoLabels };
}
