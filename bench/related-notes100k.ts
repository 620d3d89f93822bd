// Benchmark (c): 100,000 real-text notes (bench/lib/note-corpus.ts: paragraphs of the train
// e-mails recombined, seeded) indexed by NoteIndex as a site would; the queries are 1,000 notes
// recombined the same way from the test e-mails. Truth: exact cosine over the same TF-IDF vectors,
// computed independently (related-sparse-truth.ts) and cached in bench/results/tmp/.
import { NoteIndex } from '../src/ml/similarity-index';
import { RECOMBINE_DEFAULTS, recombinedNotes } from './lib/note-corpus';
import { loadEmails, loadSplit } from './related-data';
import { measureOps, measureQueries, rssBytes, seconds, type Row } from './related-measure';
import { worst } from './related-spam';
import { cachedSparseTruth } from './related-sparse-truth';

const K = 10;
const N = 100_000;
const QUERIES = 1000;
/** Queries also answered by exact scoring, the baseline row (it costs ~20 ms each). */
const EXACT_QUERIES = 200;

export function runNotes100k(log: (s: string) => void): Row[] {
  const emails = loadEmails();
  const split = loadSplit();
  const dataset = 'notes 100k';
  const [notes, genS] = seconds(() => recombinedNotes(split.train.map((key) => emails.get(key)!), N));
  const queryNotes = recombinedNotes(split.test.map((key) => emails.get(key)!), QUERIES, { seed: RECOMBINE_DEFAULTS.seed + 1 });
  log(`${dataset}: ${N} notes recombined from ${split.train.length} e-mails in ${genS.toFixed(1)} s`);

  const rss0 = rssBytes();
  const index = new NoteIndex();
  const [, buildS] = seconds(() => index.load(notes.map((note, i) => [i, note] as const)));
  const rssPerItem = (rssBytes() - rss0) / N;
  log(`${dataset}: indexed in ${buildS.toFixed(1)} s (tokenizing included)`);
  const queries = queryNotes.map((note) => index.vectorize(note));
  const [{ truth, cached }, truthS] = seconds(() => cachedSparseTruth('notes100k', Array.from({ length: N }, (_, i) => index.index.vector(i)!), queries, K));
  log(`${dataset}: exact truth ${cached ? 'loaded from bench/results/tmp/' : `computed in ${truthS.toFixed(1)} s (cached in bench/results/tmp/)`}`);

  const auto = measureQueries(QUERIES, K, truth, (i) => index.index.query(queries[i], K).map((n) => n.id));
  const o = index.index.options;
  const main: Row = {
    dataset, method: `NoteIndex, auto → ${index.index.strategy()} (T=${o.terms}, C=${o.termRerank})`, n: N, ...auto, buildS,
    bytesPerItem: index.memoryBytes().perItem,
    note: `RSS growth ${Math.round(rssPerItem)} B/item; build includes tokenizing; update = index add/edit/delete of a TF-IDF vector; noteWriteMs = the whole note write`,
  };
  const exact = measureQueries(EXACT_QUERIES, K, truth, (i) => index.index.query(queries[i], K, undefined, { strategy: 'exact' }).map((n) => n.id));
  const rows: Row[] = [main, { dataset, method: 'NoteIndex, strategy exact', n: N, ...exact }];
  log(`${dataset}: recall ${auto.recall.toFixed(3)}, p99 ${auto.p99CpuMs.toFixed(2)} ms CPU (exact: ${exact.p99CpuMs.toFixed(2)} ms)`);

  const base = N;
  const add = measureOps(QUERIES, (i) => index.index.set(base + i, queries[i]));
  const edit = measureOps(500, (i) => index.index.set(base + i, queries[QUERIES - 1 - i]));
  const del = measureOps(QUERIES, (i) => index.index.delete(base + i));
  main.updateMs = worst(add, edit, del);
  const write = measureOps(QUERIES, (i) => index.set(base + i, queryNotes[i]));
  const rewrite = measureOps(500, (i) => index.set(base + i, notes[i]));
  const remove = measureOps(QUERIES, (i) => index.delete(base + i));
  main.noteWriteMs = worst(write, rewrite, remove);
  log(`${dataset}: index update p99 ${main.updateMs.p99.toFixed(2)} ms wall / ${main.updateMs.p99Cpu.toFixed(2)} ms CPU, note write p99 ${main.noteWriteMs.p99.toFixed(2)} ms wall / ${main.noteWriteMs.p99Cpu.toFixed(2)} ms CPU`);
  return rows;
}
