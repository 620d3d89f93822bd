// Text → sparse feature vector, shared by the moderation model and the related-notes index.
// Tokens: NFKC + lower case, Unicode word segmentation. Features: signed hashing (MurmurHash3,
// x86 32-bit, of the UTF-8 bytes of the feature string, as sklearn's HashingVectorizer does) of
// word n-grams and char_wb n-grams, sublinear tf, L2 normalisation.

export const DEFAULT_DIMS = 1 << 18;

/**
 * Longest input (UTF-16 code units) looked at. Longer texts are cut, so one huge comment costs a
 * bounded amount of time; the first 32k characters are plenty to tell what a text is about.
 */
export const MAX_TEXT_CHARS = 32_768;

/** Sparse vector: strictly increasing indices, matching values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

export interface FeatureOptions {
  dims?: number;
  wordNgrams?: [number, number];
  charNgrams?: [number, number] | null;
  sublinearTf?: boolean;
  normalize?: boolean;
}

// Different seeds keep the word "the" and the character trigram "the" apart.
const WORD_SEED = 0x3c6ef372;
const CHAR_SEED = 0x9e3779b9;

// Intl.Segmenter costs microseconds per segment, far too slow for bulk text, so it is used only
// for runs of scripts written without spaces; everything else is matched by a regex following
// the same UAX #29 rules for the common cases (don't, e.g, example.com, 3.14, 1,000, foo_bar).
const WORD_RUN =
  /[\p{L}\p{N}\p{M}\p{Pc}]+(?:(?:(?<=\p{L})['’.:·](?=\p{L})|(?<=\p{N})[.,;'’](?=\p{N}))[\p{L}\p{N}\p{M}\p{Pc}]+)*/gu;
const NEEDS_DICTIONARY =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

function normalise(text: string): string {
  let s = typeof text === 'string' ? text : '';
  if (s.length > MAX_TEXT_CHARS) {
    // Do not leave half a surrogate pair at the cut.
    const end = MAX_TEXT_CHARS - (isHighSurrogate(s.charCodeAt(MAX_TEXT_CHARS - 1)) ? 1 : 0);
    s = s.slice(0, end);
  }
  return s.normalize('NFKC').toLowerCase();
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function tokenizeNormalised(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(WORD_RUN)) {
    const run = m[0];
    if (!NEEDS_DICTIONARY.test(run)) {
      out.push(run);
      continue;
    }
    for (const seg of segmenter.segment(run)) if (seg.isWordLike) out.push(seg.segment);
  }
  return out;
}

/** Unicode-aware word tokens: NFKC, lower-cased, Intl.Segmenter word segmentation (so CJK works), word-like segments only. */
export function tokenize(text: string): string[] {
  return tokenizeNormalised(normalise(text));
}

/** MurmurHash3 x86 32-bit of bytes[start, end). */
export function murmur3(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  let i = start;
  const blocksEnd = start + ((end - start) & ~3);
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (end - i) {
    case 3:
      k ^= bytes[i + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[i + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[i];
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Dense scratch space per dimensionality, reused across calls (features are built one at a time). */
class Accumulator {
  readonly values: Float64Array;
  readonly seen: Uint8Array;
  touched = new Uint32Array(1024);
  count = 0;

  constructor(readonly dims: number) {
    this.values = new Float64Array(dims);
    this.seen = new Uint8Array(dims);
  }

  add(hash: number): void {
    const i = hash % this.dims;
    if (this.seen[i] === 0) {
      this.seen[i] = 1;
      if (this.count === this.touched.length) {
        const grown = new Uint32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.count++] = i;
    }
    // Bit 31 is not used by the index (dims ≤ 2^31), so it gives an independent sign.
    this.values[i] += hash >>> 31 ? -1 : 1;
  }

  finish(sublinear: boolean, normalize: boolean): SparseVector {
    const idx = this.touched.subarray(0, this.count).sort();
    let nnz = 0;
    let norm = 0;
    for (let k = 0; k < idx.length; k++) {
      const v = this.values[idx[k]];
      if (v !== 0) nnz++;
    }
    const indices = new Uint32Array(nnz);
    const values = new Float32Array(nnz);
    let j = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      let v = this.values[i];
      this.values[i] = 0;
      this.seen[i] = 0;
      if (v === 0) continue;
      if (sublinear) v = v > 0 ? 1 + Math.log(v) : -1 - Math.log(-v);
      indices[j] = i;
      values[j++] = v;
      norm += v * v;
    }
    this.count = 0;
    if (normalize && norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < nnz; k++) values[k] *= inv;
    }
    return { indices, values };
  }
}

const accumulators = new Map<number, Accumulator>();
const encoder = new TextEncoder();
let bytes = new Uint8Array(1 << 16);
let starts = new Int32Array(1 << 12);

function encode(s: string): number {
  if (bytes.length < s.length * 3) bytes = new Uint8Array(s.length * 3);
  return encoder.encodeInto(s, bytes).written;
}

function ensureStarts(n: number): void {
  if (starts.length < n) starts = new Int32Array(n * 2);
}

function addWordNgrams(acc: Accumulator, tokens: string[], lo: number, hi: number): void {
  if (tokens.length === 0) return;
  const len = encode(tokens.join(' '));
  ensureStarts(tokens.length + 1);
  // Tokens hold no spaces, so byte 0x20 separates them; starts[t] is token t's first byte.
  let t = 0;
  starts[t++] = 0;
  for (let b = 0; b < len; b++) if (bytes[b] === 0x20) starts[t++] = b + 1;
  starts[t] = len + 1;
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      acc.add(murmur3(bytes, starts[i], starts[i + n] - 1, WORD_SEED));
    }
  }
}

function addCharNgrams(acc: Accumulator, s: string, lo: number, hi: number): void {
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return;
  const len = encode(' ' + words.join(' ') + ' ');
  ensureStarts(len + 1);
  // Each word is padded by the spaces on both sides (sklearn's char_wb); n-grams are taken over
  // code points, so starts[] lists the first byte of every code point of the padded word.
  let p = 0;
  while (p < len - 1) {
    let q = p + 1;
    while (bytes[q] !== 0x20) q++;
    let m = 0;
    for (let b = p; b <= q; b++) if ((bytes[b] & 0xc0) !== 0x80) starts[m++] = b;
    starts[m] = q + 1;
    for (let n = lo; n <= hi; n++) {
      if (m <= n) {
        acc.add(murmur3(bytes, p, q + 1, CHAR_SEED));
        break;
      }
      for (let o = 0; o + n <= m; o++) acc.add(murmur3(bytes, starts[o], starts[o + n], CHAR_SEED));
    }
    p = q;
  }
}

function accumulatorFor(dims: number): Accumulator {
  if (!Number.isInteger(dims) || dims < 1 || dims > 2 ** 31) {
    throw new RangeError(`dims must be an integer in [1, 2^31], got ${dims}`);
  }
  let acc = accumulators.get(dims);
  if (!acc) {
    acc = new Accumulator(dims);
    accumulators.set(dims, acc);
  }
  return acc;
}

/** Signed feature hashing (MurmurHash3 32-bit of the feature string; sign from another bit/seed) of word 1–2-grams and char 3–5-grams (char n-grams over the normalised text with word boundaries padded by spaces, as sklearn's char_wb), sublinear tf (1+log tf), L2-normalised. */
export function hashFeatures(text: string, opts: FeatureOptions = {}): SparseVector {
  const acc = accumulatorFor(opts.dims ?? DEFAULT_DIMS);
  const s = normalise(text);
  const word = opts.wordNgrams ?? [1, 2];
  const char = opts.charNgrams === undefined ? [3, 5] : opts.charNgrams;
  if (word[0] >= 1 && word[1] >= word[0]) addWordNgrams(acc, tokenizeNormalised(s), word[0], word[1]);
  if (char && char[0] >= 1 && char[1] >= char[0]) addCharNgrams(acc, s, char[0], char[1]);
  return acc.finish(opts.sublinearTf ?? true, opts.normalize ?? true);
}

export function dot(a: SparseVector, w: Float32Array | Float64Array): number {
  const { indices, values } = a;
  let sum = 0;
  for (let k = 0; k < indices.length; k++) sum += values[k] * w[indices[k]];
  return sum;
}
