// tsx bench/related-notes-tune.ts [sizes] [grid] — choosing the term-pruned strategy's parameters on
// validation data only (the figures in docs/related-notes.md): notes recombined from the fit e-mails (train minus validation ids),
// queries recombined from the validation e-mails. For each corpus size: CPU ms per query and
// recall@10 of exact scoring and of term-pruned candidates over a grid of query options.
// Sizes: a comma list (default 12500,25000,50000,100000); grid: JSON list of query options.
import { sparseIndex, type QueryOptions } from '../src/ml/lsh';
import { NOTE_LSH } from '../src/ml/similarity-index';
import { NOTE_FEATURES, TfidfModel, noteTermFrequencies } from '../src/ml/tfidf';
import { recombinedNotes } from './lib/note-corpus';
import { loadEmails } from './related-data';
import { measureQueries } from './related-measure';
import { sparseTruth } from './related-sparse-truth';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const sizes = (process.argv[2] ?? '12500,25000,50000,100000').split(',').map(Number);
const grid = JSON.parse(
  process.argv[3] ??
    JSON.stringify([{ strategy: 'exact' }, ...[0.5, 1, 2, 4].flatMap((termPostings) => [100, 300].map((termRerank) => ({ strategy: 'terms', terms: 2048, termPostings, termRerank })))]),
) as QueryOptions[];
const Q = 400;

function main(): void {
  const split = JSON.parse(readFileSync(resolve(__dirname, '../../shared/ml/spamassassin-split.json'), 'utf8')) as { train: string[]; val: string[] };
  const emails = loadEmails();
  const val = new Set(split.val);
  const fit = split.train.filter((id) => !val.has(id)).map((id) => emails.get(id)!);
  const notes = recombinedNotes(fit, Math.max(...sizes));
  const queryNotes = recombinedNotes(split.val.map((id) => emails.get(id)!), Q, { seed: 7 });
  const t0 = Date.now();
  const tfs = notes.map((n) => noteTermFrequencies(n));
  const qtfs = queryNotes.map((n) => noteTermFrequencies(n));
  console.error(`term frequencies of ${tfs.length} notes in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log('n'.padStart(7), 'mean terms', ...grid.map((g) => JSON.stringify(g).replace(/[{}"]|strategy:/g, '')));
  for (const n of sizes) {
    const model = new TfidfModel(NOTE_FEATURES.dims);
    for (let i = 0; i < n; i++) model.addDocument(tfs[i]);
    const index = sparseIndex({ ...NOTE_LSH, dims: NOTE_FEATURES.dims!, capacity: n });
    const docs = tfs.slice(0, n).map((tf) => model.weigh(tf, 2048));
    docs.forEach((d, i) => index.set(i, d));
    const queries = qtfs.map((tf) => model.weigh(tf, 2048));
    const truth = sparseTruth(docs, queries, 10);
    const meanTerms = docs.reduce((s, d) => s + d.indices.length, 0) / n;
    const cells = grid.map((opts) => {
      const s = measureQueries(Q, 10, truth, (i) => index.query(queries[i], 10, undefined, opts).map((x) => x.id));
      return `${(1000 / s.qpsCpu).toFixed(2)} ms p99 ${s.p99CpuMs.toFixed(1)} (${s.recall.toFixed(3)})`;
    });
    console.log(String(n).padStart(7), meanTerms.toFixed(0).padStart(10), ...cells);
  }
}

main();
