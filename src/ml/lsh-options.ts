// Options of the LSH index (lsh.ts) and what a query returns.

export type Strategy = 'auto' | 'exact' | 'scan' | 'tables' | 'terms';

export interface LshOptions {
  seed?: number;
  /** Hash tables (bands). */
  tables?: number;
  /** Bits per band = log2(buckets per table); ≤ 24. */
  bandBits?: number;
  /** Code length in bits (multiple of 32, ≥ tables × bandBits); the extra bits sharpen the Hamming filter. */
  codeBits?: number;
  /** Most buckets visited per table (1 = home bucket only; at most 256). */
  probes?: number;
  /** Stop probing once a round of probes has found this many candidates (0: always all `probes`). */
  candidates?: number;
  /** Candidates (closest by Hamming distance) re-ranked by exact cosine. */
  rerank?: number;
  strategy?: Strategy;
  /** 'auto' answers exactly up to this many items… */
  exactMax?: number;
  /** …and scans all codes up to this many, then uses the tables. */
  scanMax?: number;
  /**
   * Sparse vectors only: past exactMax, 'auto' gathers candidates from the query's `terms`
   * strongest terms (partial dot products over their posting lists) instead of hashing, and
   * re-ranks the `termRerank` best by exact cosine (0: off, the codes are used). Terms whose
   * lists would take the postings walked past `termPostings` × the number of items are skipped
   * (a multiple of the size, because posting lists grow with the corpus).
   */
  terms?: number;
  termPostings?: number;
  termRerank?: number;
  /** Slots allocated up front (the arenas double when full). */
  capacity?: number;
}

/** Per-query overrides of the index's options. */
export interface QueryOptions {
  strategy?: Strategy;
  probes?: number;
  candidates?: number;
  rerank?: number;
  terms?: number;
  termPostings?: number;
  termRerank?: number;
}

export interface Neighbor {
  id: number;
  score: number;
}

export type Filter = (id: number) => boolean;

// General-purpose defaults for 256-d embeddings at 25k–1M items; exactMax / scanMax come from
// bench/related-thresholds.ts (below ~10k items only exact search keeps recall@10 ≥ 0.95 on
// clustered data; code scans win until ~25k). See docs/related-notes.md.
export const DEFAULTS = {
  seed: 0x5eed,
  tables: 16,
  bandBits: 14,
  codeBits: 256,
  probes: 64,
  candidates: 2000,
  rerank: 200,
  strategy: 'auto' as Strategy,
  exactMax: 10_000,
  scanMax: 25_000,
  terms: 0,
  termPostings: Infinity,
  termRerank: 1000,
  capacity: 1024,
};

export const MAX_PROBES = 256;
