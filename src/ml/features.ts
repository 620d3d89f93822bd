// Text → sparse feature vector, shared by the moderation model and the related-notes index.
// Tokens: NFKC + lower case, Unicode word segmentation. Features: signed hashing (MurmurHash3,
// x86 32-bit, of the UTF-8 bytes of the feature string, as sklearn's HashingVectorizer does) of
// word n-grams and char_wb n-grams, sublinear tf, L2 normalisation.

import { FeatureCounter } from './feature-counter';

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
  /** Look at the first maxChars characters only (at most MAX_TEXT_CHARS, the default). */
  maxChars?: number;
  /**
   * L2-normalise the word n-grams and the char n-grams each on their own before adding them
   * (then normalise the sum if `normalize`), as stacking two vectorizers does. Otherwise the
   * far more numerous char n-grams outweigh the words. Default false.
   */
  normalizeBlocks?: boolean;
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

// Scratch buffers reused by every call: the UTF-8 bytes of the text and code point / token starts.
const encoder = new TextEncoder();
let bytes = new Uint8Array(1 << 16);
let starts = new Int32Array(1 << 12);

function normalise(text: string, maxChars = MAX_TEXT_CHARS): string {
  let s = typeof text === 'string' ? text : '';
  const cut = Math.min(Math.max(0, Math.floor(maxChars)), MAX_TEXT_CHARS);
  if (s.length > cut) {
    // Do not leave half a surrogate pair at the cut.
    s = s.slice(0, cut > 0 && isHighSurrogate(s.charCodeAt(cut - 1)) ? cut - 1 : cut);
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

/** MurmurHash3 x86 32-bit of bytes[start, end), as an unsigned integer. */
export function murmur3(bytes: Uint8Array, start: number, end: number, seed: number): number {
  return murmurInt(bytes, start, end, seed) >>> 0;
}

// Returns the hash as a signed int32: V8 keeps it in a register, where a uint32 above 2^31
// would become a double and make every later % or comparison a slow floating-point operation.
function murmurInt(data: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return murmurFinish(h, i, end, end - start, data);
}

/** Mixes the tail bytes[i, end) (fewer than 4) and the length into h, then the final avalanche. */
function murmurFinish(h: number, i: number, end: number, length: number, data: Uint8Array = bytes): number {
  let k = 0;
  switch (end - i) {
    case 3:
      k ^= data[i + 2] << 16;
    // falls through
    case 2:
      k ^= data[i + 1] << 8;
    // falls through
    case 1:
      k ^= data[i];
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const accumulators = new Map<number, FeatureCounter>();
function encode(s: string): number {
  if (bytes.length < s.length * 3) bytes = new Uint8Array(s.length * 3);
  return encoder.encodeInto(s, bytes).written;
}

function ensureStarts(n: number): void {
  if (starts.length < n) starts = new Int32Array(n * 2);
}

function addWordNgrams(acc: FeatureCounter, tokens: string[], lo: number, hi: number): void {
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
      acc.add(murmurInt(bytes, starts[i], starts[i + n] - 1, WORD_SEED));
    }
  }
}

function addCharNgrams(acc: FeatureCounter, s: string, lo: number, hi: number): void {
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
    // As sklearn: every n-gram shorter than the padded word, then the whole word once if it is
    // no longer than the largest n.
    const top = Math.min(hi, m - 1);
    for (let o = 0; o + lo <= m && lo <= top; o++) addPrefixHashes(acc, starts, o, lo, Math.min(top, m - o));
    if (m <= hi) acc.add(murmurInt(bytes, p, q + 1, CHAR_SEED));
    p = q;
  }
}

/**
 * Adds the MurmurHash3 of the n-grams starting at code point o for n in [lo, hi]: they share a
 * prefix, so the 4-byte blocks they have in common are mixed once.
 */
function addPrefixHashes(acc: FeatureCounter, cp: Int32Array, o: number, lo: number, hi: number): void {
  const start = cp[o];
  let h = CHAR_SEED | 0;
  let i = start;
  for (let n = lo; n <= hi; n++) {
    const end = cp[o + n];
    for (; i + 4 <= end; i += 4) {
      let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    acc.add(murmurFinish(h, i, end, end - start));
  }
}

function accumulatorFor(dims: number): FeatureCounter {
  if (!Number.isInteger(dims) || dims < 1 || dims > 2 ** 30) {
    throw new RangeError(`dims must be an integer in [1, 2^30], got ${dims}`);
  }
  let acc = accumulators.get(dims);
  if (!acc) {
    acc = new FeatureCounter(dims);
    accumulators.set(dims, acc);
  }
  return acc;
}

/** Signed feature hashing (MurmurHash3 32-bit of the feature string; sign from another bit/seed) of word 1–2-grams and char 3–5-grams (char n-grams over the normalised text with word boundaries padded by spaces, as sklearn's char_wb), sublinear tf (1+log tf), L2-normalised. */
export function hashFeatures(text: string, opts: FeatureOptions = {}): SparseVector {
  const acc = accumulatorFor(opts.dims ?? DEFAULT_DIMS);
  const s = normalise(text, opts.maxChars);
  acc.start(4 * s.length);
  const word = opts.wordNgrams ?? [1, 2];
  const char = opts.charNgrams === undefined ? [3, 5] : opts.charNgrams;
  const sublinear = opts.sublinearTf ?? true;
  const normalize = opts.normalize ?? true;
  const words = word[0] >= 1 && word[1] >= word[0];
  const chars = char !== null && char[0] >= 1 && char[1] >= char[0];
  if (words) addWordNgrams(acc, tokenizeNormalised(s), word[0], word[1]);
  if (!(opts.normalizeBlocks && words && chars)) {
    if (chars) addCharNgrams(acc, s, char[0], char[1]);
    return acc.finish(sublinear, normalize);
  }
  const wordPart = acc.finish(sublinear, true);
  acc.start(4 * s.length);
  addCharNgrams(acc, s, char[0], char[1]);
  return addSparse(wordPart, acc.finish(sublinear, true), normalize);
}

/** a + b (both with increasing indices), optionally L2-normalised. */
function addSparse(a: SparseVector, b: SparseVector, normalize: boolean): SparseVector {
  const indices = new Uint32Array(a.indices.length + b.indices.length);
  const sums = new Float64Array(indices.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.indices.length || j < b.indices.length) {
    const ai = i < a.indices.length ? a.indices[i] : Infinity;
    const bj = j < b.indices.length ? b.indices[j] : Infinity;
    const v = ai <= bj ? a.values[i] : 0;
    const at = Math.min(ai, bj);
    const sum = v + (bj <= ai ? b.values[j++] : 0);
    if (ai <= bj) i++;
    if (sum === 0) continue;
    indices[n] = at;
    sums[n++] = sum;
  }
  let norm = 0;
  for (let k = 0; k < n; k++) norm += sums[k] * sums[k];
  const scale = normalize && norm > 0 ? 1 / Math.sqrt(norm) : 1;
  const values = new Float32Array(n);
  for (let k = 0; k < n; k++) values[k] = sums[k] * scale;
  return { indices: indices.slice(0, n), values };
}

export function dot(a: SparseVector, w: Float32Array | Float64Array): number {
  const { indices, values } = a;
  let sum = 0;
  for (let k = 0; k < indices.length; k++) sum += values[k] * w[indices[k]];
  return sum;
}
