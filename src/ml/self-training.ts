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
  /**
   * At most this many pseudo-labels per real label, in the labelled class proportions (most
   * confident first): unbalanced pseudo-labels drown the rarer class.
   */
  perLabel?: number;
}

export const SELF_TRAINING_DEFAULTS = { confidence: 0.99, rounds: 2, weight: 0.5, perLabel: 2 };

export function selfTrain(
  labelled: Examples,
  unlabelled: SparseVector[],
  val: Examples | null,
  train: TrainOptions,
  opts: SelfTrainingOptions = {},
): TrainResult & { pseudoLabels: number } {
  const { confidence, rounds, weight, perLabel } = { ...SELF_TRAINING_DEFAULTS, ...opts };
  let result = fitLogistic(labelled, val, train);
  const n = labelled.x.length;
  const prior = Array.from(labelled.y).filter((y) => y === 1).length / Math.max(1, n);
  let pseudoLabels = 0;
  for (let round = 0; round < rounds && unlabelled.length > 0; round++) {
    const p = predictProba(result.weights, unlabelled);
    const confident: number[][] = [[], []];
    for (let i = 0; i < p.length; i++) {
      if (p[i] >= confidence) confident[1].push(i);
      else if (p[i] <= 1 - confidence) confident[0].push(i);
    }
    confident[1].sort((a, b) => p[b] - p[a]);
    confident[0].sort((a, b) => p[a] - p[b]);
    // As many as the scarcer class allows while keeping the labelled class proportions.
    const total = Math.min(
      n * perLabel,
      prior > 0 ? confident[1].length / prior : Infinity,
      prior < 1 ? confident[0].length / (1 - prior) : Infinity,
    );
    const take = [Math.floor(total * (1 - prior)), Math.floor(total * prior)];
    const x = [...labelled.x];
    const y = Array.from(labelled.y);
    const w = labelled.weight ? Array.from(labelled.weight) : new Array<number>(n).fill(1);
    for (const label of [0, 1]) {
      for (const i of confident[label].slice(0, take[label])) {
        x.push(unlabelled[i]);
        y.push(label);
        w.push(weight);
      }
    }
    pseudoLabels = take[0] + take[1];
    if (pseudoLabels === 0) break;
    // From scratch: warm-starting repeats epochs over the real labels and overfits them.
    result = fitLogistic({ x, y, weight: w }, val, train);
  }
  return { ...result, pseudoLabels };
}
