import { DEFAULT_DIMS, MAX_TEXT_CHARS, dot, hashFeatures, murmur3, tokenize } from '../src/ml/features';

const utf8 = new TextEncoder();
const hashOf = (s: string, seed: number): number => {
  const b = utf8.encode(s);
  return murmur3(b, 0, b.length, seed);
};

// The slow, obvious version of hashFeatures (strings and a Map), to check the fast one against.
function reference(text: string, dims: number): Map<number, number> {
  const s = text.normalize('NFKC').toLowerCase();
  const feats: [string, number][] = [];
  const tokens = tokenize(text);
  for (let n = 1; n <= 2; n++) {
    for (let i = 0; i + n <= tokens.length; i++) feats.push([tokens.slice(i, i + n).join(' '), 0x3c6ef372]);
  }
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const w = [...` ${word} `];
    for (let n = 3; n <= 5; n++) {
      if (w.length <= n) {
        feats.push([w.join(''), 0x9e3779b9]);
        break;
      }
      for (let o = 0; o + n <= w.length; o++) feats.push([w.slice(o, o + n).join(''), 0x9e3779b9]);
    }
  }
  const counts = new Map<number, number>();
  for (const [f, seed] of feats) {
    const h = hashOf(f, seed);
    const i = h % dims;
    counts.set(i, (counts.get(i) ?? 0) + (h >>> 31 ? -1 : 1));
  }
  const out = new Map<number, number>();
  let norm = 0;
  for (const [i, c] of counts) {
    if (c === 0) continue;
    const v = Math.sign(c) * (1 + Math.log(Math.abs(c)));
    out.set(i, v);
    norm += v * v;
  }
  for (const [i, v] of out) out.set(i, v / Math.sqrt(norm));
  return out;
}

describe('murmur3', () => {
  it('matches the published MurmurHash3 x86_32 test vectors', () => {
    expect(hashOf('', 0)).toBe(0);
    expect(hashOf('', 1)).toBe(0x514e28b7);
    expect(hashOf('hello', 0)).toBe(0x248bfa47);
    expect(hashOf('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });
});

describe('tokenize', () => {
  it('segments Chinese text into several words', () => {
    const tokens = tokenize('我喜欢机器学习');
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(tokens.join('')).toBe('我喜欢机器学习');
  });

  it('handles mixed scripts, case and compatibility forms', () => {
    expect(tokenize('I love 机器学习 and ＭＬ!')).toEqual(['i', 'love', '机器', '学习', 'and', 'ml']);
    expect(tokenize('Привет, мир')).toEqual(['привет', 'мир']);
    expect(tokenize('東京は日本の首都です')).toContain('東京');
  });

  it('agrees with Intl.Segmenter on ordinary text', () => {
    const seg = new Intl.Segmenter('und', { granularity: 'word' });
    const text = "Don't panic: e.g. example.com costs $3.14 (1,000 units) for foo_bar & naïve co-ops!";
    const expected = [...seg.segment(text.normalize('NFKC').toLowerCase())].filter((x) => x.isWordLike).map((x) => x.segment);
    expect(tokenize(text)).toEqual(expected);
  });

  it('returns no tokens for empty, blank or symbol-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('  \n\t ')).toEqual([]);
    expect(tokenize('!!! ??? 🎉')).toEqual([]);
  });
});

describe('hashFeatures', () => {
  const texts = [
    'Win a FREE prize now!!! Click http://example.com/win',
    'Re: the meeting moved to 3pm, see you there',
    '我喜欢机器学习 and deep learning 🤖',
    'a b c aa',
    'repeat repeat repeat repeat',
  ];

  it('equals a straightforward reference implementation', () => {
    for (const text of texts) {
      for (const dims of [DEFAULT_DIMS, 1000]) {
        const v = hashFeatures(text, { dims });
        const ref = reference(text, dims);
        expect([...v.indices]).toEqual([...ref.keys()].sort((a, b) => a - b));
        v.indices.forEach((i, k) => expect(v.values[k]).toBeCloseTo(ref.get(i)!, 6));
      }
    }
  });

  it('is deterministic, sorted, unit length', () => {
    const a = hashFeatures(texts[0]);
    const b = hashFeatures(texts[0]);
    expect(a).toEqual(b);
    for (let k = 1; k < a.indices.length; k++) expect(a.indices[k]).toBeGreaterThan(a.indices[k - 1]);
    const norm = Math.hypot(...a.values);
    expect(norm).toBeCloseTo(1, 5);
  });

  it('gives features both signs in about equal numbers', () => {
    let pos = 0;
    let neg = 0;
    for (let i = 0; i < 200; i++) {
      const v = hashFeatures(`comment number ${i} about topic ${i * 7} and more words`);
      for (const x of v.values) (x > 0 ? pos++ : neg++);
    }
    expect(pos / (pos + neg)).toBeGreaterThan(0.45);
    expect(pos / (pos + neg)).toBeLessThan(0.55);
  });

  it('respects the options', () => {
    const words = hashFeatures('hello world', { charNgrams: null, sublinearTf: false, normalize: false });
    expect(words.indices.length).toBe(3);
    expect([...words.values].every((x) => Math.abs(x) === 1)).toBe(true);
    const small = hashFeatures(texts[0], { dims: 16 });
    expect(Math.max(...small.indices)).toBeLessThan(16);
    expect(() => hashFeatures('x', { dims: 0 })).toThrow(RangeError);
    const long = 'moderation of comments '.repeat(20);
    expect(hashFeatures(long, { maxChars: 30 })).toEqual(hashFeatures(long.slice(0, 30)));
    expect(hashFeatures(long, { maxChars: 0 }).indices.length).toBe(0);
  });

  it('can normalise the word and char n-grams separately before adding them', () => {
    const text = texts[0];
    const words = hashFeatures(text, { charNgrams: null });
    const chars = hashFeatures(text, { wordNgrams: [0, 0] });
    const sum = new Map<number, number>();
    for (const v of [words, chars]) v.indices.forEach((i, k) => sum.set(i, (sum.get(i) ?? 0) + v.values[k]));
    const norm = Math.hypot(...sum.values());
    const both = hashFeatures(text, { normalizeBlocks: true });
    expect([...both.indices]).toEqual([...sum.keys()].sort((a, b) => a - b));
    both.indices.forEach((i, k) => expect(both.values[k]).toBeCloseTo(sum.get(i)! / norm, 6));
    // The words weigh half of the squared norm, however many char n-grams there are.
    const wordShare = both.indices.reduce((s, i, k) => s + (words.indices.includes(i) ? both.values[k] ** 2 : 0), 0);
    expect(wordShare).toBeGreaterThan(0.4);
    expect(hashFeatures('', { normalizeBlocks: true }).indices.length).toBe(0);
  });

  it('gives an empty vector for empty text and for non-string input', () => {
    expect(hashFeatures('').indices.length).toBe(0);
    expect(hashFeatures('   ').values.length).toBe(0);
    expect(hashFeatures(undefined as unknown as string).indices.length).toBe(0);
  });

  it('bounds the time spent on huge text', () => {
    const huge = 'spam eggs 机器学习 '.repeat(400_000); // 6.4M characters
    const cut = hashFeatures(huge.slice(0, MAX_TEXT_CHARS));
    const t0 = performance.now();
    const v = hashFeatures(huge);
    // Reading all 6.4M characters would take hundreds of times longer than this bound.
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(v).toEqual(cut);
  });

  it('dot multiplies against dense weights', () => {
    const v = { indices: Uint32Array.of(1, 3), values: Float32Array.of(0.5, -2) };
    expect(dot(v, Float64Array.of(9, 2, 9, 4))).toBe(-7);
    expect(dot({ indices: new Uint32Array(0), values: new Float32Array(0) }, new Float32Array(4))).toBe(0);
  });
});
