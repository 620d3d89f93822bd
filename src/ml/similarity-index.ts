// Related notes and search: each note is a hashed TF-IDF vector (tfidf.ts) in an LSH index
// (lsh.ts). This is the whole core the web/API layer calls: set() when a note is written or
// edited, delete() when it is removed, load() to rebuild at start, related() and search() to ask.
//
// Stale idf: a note's vector is weighted with the idf of the moment it is written. The idf moves
// as the corpus grows, so every write also re-weights up to `refreshPerWrite` of the notes
// weighted longest ago, if the number of notes has changed by more than `staleness` (5%) since
// (a rolling refresh: bounded work per write, none while the corpus size is stable). Queries are
// always weighted with the current idf; load() counts all frequencies first, so a rebuilt index
// is exact. A note vector keeps its 2,048 strongest terms (long e-mails have up to ~6k), which
// bounds the cost of a write and of a query for very long notes.
import type { SparseVector } from './features';
import { sparseIndex, type Filter, type LshIndex, type LshOptions, type Neighbor } from './lsh';
import { NOTE_FEATURES, TfidfModel, noteTermFrequencies, type NoteText } from './tfidf';

export type { Filter, Neighbor, NoteText };

export interface NoteIndexOptions {
  lsh?: LshOptions;
  refreshPerWrite?: number;
  staleness?: number;
  /** Terms kept per note vector, those of largest tf·idf (bounds the cost of very long notes). */
  maxTerms?: number;
}

// Notes are never answered by their LSH codes: on text, where related notes have cosines of
// 0.1–0.5, SimHash separates neighbours poorly (recall@10 0.53 scanning 64-bit codes on
// SpamAssassin, 0.10 from the tables). Up to exactMax notes a query is scored exactly, term at a
// time over the posting lists; past it exact scoring grows to 7–18 ms of CPU at 100k notes (it
// touches every posting of every query term), so candidates come from the query's strongest terms
// whose lists fit in 2 postings per note, and the best 100 by partial score are re-ranked exactly:
// recall@10 0.983–0.985 at 25k–100k notes, 2× faster on average and 3–3.6× at p99, chosen on
// validation notes (bench/related-notes-tune.ts, docs/related-notes.md). The 64-bit codes stay
// available to forced strategies and are built only when one asks for them (lsh-codes.ts), so a
// write costs its postings and no SimHash.
export const NOTE_LSH: LshOptions = {
  seed: 0x6e6f7465,
  tables: 4,
  bandBits: 16,
  codeBits: 64,
  probes: 64,
  candidates: 5000,
  rerank: 1000,
  exactMax: 25_000,
  scanMax: 25_000,
  terms: 2048, // every term a note keeps: the postings budget decides
  termPostings: 2,
  termRerank: 100,
};

export class NoteIndex {
  readonly tfidf: TfidfModel;
  readonly index: LshIndex<SparseVector>;
  private readonly tfs = new Map<number, SparseVector>();
  // Id → number of notes when its vector was weighted, in the order of weighting (oldest first).
  private readonly weighted = new Map<number, number>();
  private readonly refreshPerWrite: number;
  private readonly staleness: number;
  private readonly maxTerms: number;

  constructor(options: NoteIndexOptions = {}) {
    const dims = NOTE_FEATURES.dims!;
    this.tfidf = new TfidfModel(dims);
    this.index = sparseIndex({ ...NOTE_LSH, ...options.lsh, dims });
    this.refreshPerWrite = options.refreshPerWrite ?? 2;
    this.staleness = options.staleness ?? 0.05;
    this.maxTerms = options.maxTerms ?? 2048;
  }

  get size(): number {
    return this.tfs.size;
  }

  has(id: number): boolean {
    return this.tfs.has(id);
  }

  /** Adds or replaces a note. */
  set(id: number, note: NoteText): void {
    const tf = noteTermFrequencies(note);
    const old = this.tfs.get(id);
    if (old) this.tfidf.removeDocument(old);
    this.tfidf.addDocument(tf);
    this.tfs.set(id, tf);
    this.reweigh(id, tf);
    this.refresh(id);
  }

  delete(id: number): boolean {
    if (!this.forget(id)) return false;
    this.refresh(id);
    return true;
  }

  /** Replaces the contents with these notes: frequencies first, then every vector with the final idf. */
  load(notes: Iterable<readonly [number, NoteText]>): void {
    for (const id of [...this.tfs.keys()]) this.forget(id);
    for (const [id, note] of notes) {
      const tf = noteTermFrequencies(note);
      const old = this.tfs.get(id);
      if (old) this.tfidf.removeDocument(old);
      this.tfidf.addDocument(tf);
      this.tfs.set(id, tf);
    }
    this.weighted.clear();
    for (const [id, tf] of this.tfs) this.reweigh(id, tf);
  }

  /** The k notes most similar to note id (never itself), among those the filter lets through. */
  related(id: number, k: number, filter?: Filter): Neighbor[] {
    return this.index.related(id, k, filter);
  }

  /** The k notes closest to a free-text query; an empty or junk query (no words) finds nothing. */
  search(text: string, k: number, filter?: Filter): Neighbor[] {
    const tf = noteTermFrequencies({ text: typeof text === 'string' ? text : '' });
    if (tf.indices.length === 0) return [];
    return this.index.query(this.tfidf.weigh(tf, this.maxTerms), k, filter);
  }

  /** The current TF-IDF vector of a piece of text (for callers that keep their own vectors). */
  vectorize(note: NoteText): SparseVector {
    return this.tfidf.weigh(noteTermFrequencies(note), this.maxTerms);
  }

  memoryBytes(): { total: number; perItem: number } {
    let total = this.index.memoryBytes().total + this.tfidf.memoryBytes() + this.size * 80;
    for (const tf of this.tfs.values()) total += tf.indices.byteLength + tf.values.byteLength + 96;
    return { total, perItem: this.size > 0 ? total / this.size : 0 };
  }

  private reweigh(id: number, tf: SparseVector): void {
    this.index.set(id, this.tfidf.weigh(tf, this.maxTerms));
    this.weighted.delete(id);
    this.weighted.set(id, this.tfidf.documents);
  }

  private forget(id: number): boolean {
    const old = this.tfs.get(id);
    if (!old) return false;
    this.tfidf.removeDocument(old);
    this.tfs.delete(id);
    this.weighted.delete(id);
    this.index.delete(id);
    return true;
  }

  private refresh(except: number): void {
    const now = this.tfidf.documents;
    const stalest: number[] = [];
    for (const [id, then] of this.weighted) {
      if (stalest.length >= this.refreshPerWrite || Math.abs(now - then) <= this.staleness * Math.max(now, then)) break;
      if (id !== except) stalest.push(id);
    }
    for (const id of stalest) this.reweigh(id, this.tfs.get(id)!);
  }

  /** Number of notes whose vectors were weighted when the corpus size differed by more than `staleness`. */
  staleCount(): number {
    const now = this.tfidf.documents;
    let stale = 0;
    for (const then of this.weighted.values()) if (Math.abs(now - then) > this.staleness * Math.max(now, then)) stale++;
    return stale;
  }
}
