// Hashed TF-IDF for notes, on top of the shared tokenizer and feature hashing (features.ts).
// A note's term frequencies are word 1–2-grams of its title, tags and text (title and tags
// count twice: they say what the note is about), sublinear (1 + log tf), hashed into 2^18 dims.
// Document frequencies are kept per hashed dimension and updated on every add/remove, so the
// idf always describes the current corpus; how stored vectors keep up with it is the caller's
// policy (see NoteIndex in similarity-index.ts).
import { DEFAULT_DIMS, hashFeatures, type FeatureOptions, type SparseVector } from './features';

export interface NoteText {
  title?: string | null;
  tags?: readonly string[] | null;
  text: string;
}

export const NOTE_FEATURES: FeatureOptions = {
  dims: DEFAULT_DIMS,
  wordNgrams: [1, 2],
  charNgrams: null,
  sublinearTf: true,
  normalize: false,
};

const TITLE_WEIGHT = 2;
const TAGS_WEIGHT = 2;

/** Raw (unweighted, unnormalised) hashed term frequencies of a note. */
export function noteTermFrequencies(note: NoteText, features: FeatureOptions = NOTE_FEATURES): SparseVector {
  const parts: [SparseVector, number][] = [[hashFeatures(note.text ?? '', features), 1]];
  if (note.title) parts.push([hashFeatures(note.title, features), TITLE_WEIGHT]);
  if (note.tags && note.tags.length > 0) parts.push([hashFeatures(note.tags.join('\n'), features), TAGS_WEIGHT]);
  return parts.length === 1 ? parts[0][0] : sumSparse(parts);
}

/** Σ weight·vector over sparse vectors, merged in index order; exact zeros are dropped. */
export function sumSparse(parts: readonly [SparseVector, number][]): SparseVector {
  const merged = new Map<number, number>();
  for (const [v, w] of parts) {
    for (let k = 0; k < v.indices.length; k++) {
      merged.set(v.indices[k], (merged.get(v.indices[k]) ?? 0) + w * v.values[k]);
    }
  }
  const indices = Uint32Array.from([...merged.keys()].filter((i) => merged.get(i) !== 0)).sort();
  const values = Float32Array.from(indices, (i) => merged.get(i)!);
  return { indices, values };
}

export class TfidfModel {
  readonly dims: number;
  private readonly df: Uint32Array;
  private docs = 0;

  constructor(dims: number = NOTE_FEATURES.dims ?? DEFAULT_DIMS) {
    this.dims = dims;
    this.df = new Uint32Array(dims);
  }

  get documents(): number {
    return this.docs;
  }

  addDocument(tf: SparseVector): void {
    for (let k = 0; k < tf.indices.length; k++) this.df[tf.indices[k]]++;
    this.docs++;
  }

  /** Must be given the same vector the document was added with. */
  removeDocument(tf: SparseVector): void {
    for (let k = 0; k < tf.indices.length; k++) if (this.df[tf.indices[k]] > 0) this.df[tf.indices[k]]--;
    if (this.docs > 0) this.docs--;
  }

  /** Smooth idf, as sklearn's: ln((1 + N) / (1 + df)) + 1, so unseen terms weigh most and none weighs 0. */
  idf(i: number): number {
    return Math.log((1 + this.docs) / (1 + this.df[i])) + 1;
  }

  /**
   * tf·idf, L2-normalised (the zero vector stays zero). With maxTerms, only that many terms of
   * largest weight are kept (ties to the lower index), which bounds the cost of very long notes.
   */
  weigh(tf: SparseVector, maxTerms = Infinity): SparseVector {
    let values: Float32Array = new Float32Array(tf.values.length);
    for (let k = 0; k < values.length; k++) values[k] = tf.values[k] * this.idf(tf.indices[k]);
    let indices: Uint32Array = tf.indices;
    if (values.length > maxTerms) [indices, values] = strongest(indices, values, maxTerms);
    let norm = 0;
    for (let k = 0; k < values.length; k++) norm += values[k] * values[k];
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] *= inv;
    }
    return { indices, values };
  }

  memoryBytes(): number {
    return this.df.byteLength;
  }
}

/** The m entries of largest |value|, still in index order. */
function strongest(indices: Uint32Array, values: Float32Array, m: number): [Uint32Array, Float32Array] {
  const threshold = Float32Array.from(values, Math.abs).sort()[values.length - m];
  let above = 0;
  for (const v of values) if (Math.abs(v) > threshold) above++;
  let ties = m - above;
  const outIndices = new Uint32Array(m);
  const outValues = new Float32Array(m);
  let j = 0;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (a > threshold || (a === threshold && ties-- > 0)) {
      outIndices[j] = indices[k];
      outValues[j++] = values[k];
    }
  }
  return [outIndices, outValues];
}
