// Classification metrics for a positive class labelled 1.

export interface Metrics {
  n: number;
  positives: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  auc: number;
  logLoss: number;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) predicted ? c.tp++ : c.fn++;
    else predicted ? c.fp++ : c.tn++;
  }
  return c;
}

/** Precision, recall and F1 at the threshold; 0 where a ratio is 0/0. */
export function precisionRecallF1(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold = 0.5,
): { precision: number; recall: number; f1: number } {
  const { tp, fp, fn } = confusion(scores, labels, threshold);
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/**
 * ROC-AUC as the Mann–Whitney rank statistic: the probability that a random positive scores
 * above a random negative, ties counting one half (average ranks). NaN without both classes.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean cross-entropy of probabilities, clipped to [eps, 1 − eps]. */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>, eps = 1e-15): number {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(Math.max(probs[i], eps), 1 - eps);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return probs.length > 0 ? sum / probs.length : 0;
}

export function evaluate(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Metrics {
  const c = confusion(probs, labels, threshold);
  return {
    n: probs.length,
    positives: c.tp + c.fn,
    ...precisionRecallF1(probs, labels, threshold),
    accuracy: probs.length > 0 ? (c.tp + c.tn) / probs.length : 0,
    auc: rocAuc(probs, labels),
    logLoss: logLoss(probs, labels),
  };
}
