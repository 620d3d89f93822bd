// Seeded, stratified train / validation split.
import { mulberry32, shuffle } from './random';

export interface Split {
  train: number[];
  val: number[];
}

/**
 * Puts round(fraction · n_c) of each class c into validation (at least one when the class has two
 * or more examples, so both sides see it), the rest into training. Same seed, same split.
 * Returned positions are in increasing order.
 */
export function stratifiedSplit(labels: ArrayLike<number>, valFraction: number, seed: number): Split {
  if (!(valFraction >= 0 && valFraction < 1)) throw new RangeError(`valFraction must be in [0, 1), got ${valFraction}`);
  const rand = mulberry32(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]) ?? [];
    members.push(i);
    byClass.set(labels[i], members);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = shuffle(byClass.get(label)!, rand);
    let take = Math.round(valFraction * members.length);
    if (valFraction > 0 && members.length >= 2) take = Math.min(Math.max(take, 1), members.length - 1);
    val.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  const asc = (a: number, b: number): number => a - b;
  return { train: train.sort(asc), val: val.sort(asc) };
}
