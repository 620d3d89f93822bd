// Benchmark (a): the SpamAssassin corpus as notes. The train e-mails are the notes (hashed TF-IDF
// of subject + body through NoteIndex), the test e-mails are the queries ("notes like this one").
// Truth is exact cosine computed here independently of the index, over the same TF-IDF vectors.
import type { Strategy } from '../src/ml/lsh';
import { NoteIndex } from '../src/ml/similarity-index';
import { loadEmails, loadSplit, type Email } from './related-data';
import { measureOps, measureQueries, rssBytes, seconds, type OpStats, type Row } from './related-measure';
import { sparseTruth } from './related-sparse-truth';

const K = 10;

const noteOf = (e: Email) => ({ text: `${e.subject}\n${e.body}` });

export function runSpam(log: (s: string) => void): Row[] {
  const emails = loadEmails();
  const split = loadSplit();
  const train = split.train.map((key) => emails.get(key)!);
  const test = split.test.map((key) => emails.get(key)!);
  const dataset = 'SpamAssassin notes';

  const rss0 = rssBytes();
  const index = new NoteIndex();
  const [, buildS] = seconds(() => index.load(train.map((e, i) => [i, noteOf(e)] as const)));
  const rssPerItem = (rssBytes() - rss0) / train.length;
  log(`${dataset}: ${train.length} notes indexed in ${buildS.toFixed(1)} s`);

  const queries = test.map((e) => index.vectorize(noteOf(e)));
  const docs = train.map((_, i) => index.index.vector(i)!);
  const truth = sparseTruth(docs, queries, K);

  const rows: Row[] = [];
  const strategies: Strategy[] = ['auto', 'scan', 'tables'];
  for (const strategy of strategies) {
    const stats = measureQueries(queries.length, K, truth, (i) => index.index.query(queries[i], K, undefined, { strategy }).map((n) => n.id));
    const chosen = strategy === 'auto' ? `auto → ${index.index.strategy()}` : strategy;
    rows.push({ dataset, method: `NoteIndex, strategy ${chosen}`, n: train.length, ...stats });
  }
  const main = rows[0];
  main.buildS = buildS;
  main.bytesPerItem = index.memoryBytes().perItem;
  main.note = `RSS growth ${Math.round(rssPerItem)} B/item; update = index add/edit/delete of a TF-IDF vector; noteWriteMs = the whole note write`;

  // Index updates: add each test e-mail's vector as a new note, edit some to other vectors, delete them.
  const base = train.length;
  const add = measureOps(queries.length, (i) => index.index.set(base + i, queries[i]));
  const edit = measureOps(500, (i) => index.index.set(base + i, queries[queries.length - 1 - i]));
  const del = measureOps(queries.length, (i) => index.index.delete(base + i));
  main.updateMs = worst(add, edit, del);
  log(`${dataset}: index update p99 add ${add.p99.toFixed(2)} / edit ${edit.p99.toFixed(2)} / delete ${del.p99.toFixed(2)} ms (wall), ${add.p99Cpu.toFixed(2)} / ${edit.p99Cpu.toFixed(2)} / ${del.p99Cpu.toFixed(2)} ms (CPU)`);
  // Whole note writes: the same through NoteIndex, which also tokenizes and keeps idf fresh.
  const write = measureOps(test.length, (i) => index.set(base + i, noteOf(test[i])));
  const rewrite = measureOps(500, (i) => index.set(base + i, noteOf(train[i])));
  const remove = measureOps(test.length, (i) => index.delete(base + i));
  main.noteWriteMs = worst(write, rewrite, remove);
  log(`${dataset}: index update p99 ${main.updateMs.p99.toFixed(2)} ms wall / ${main.updateMs.p99Cpu.toFixed(2)} ms CPU, note write p99 ${main.noteWriteMs.p99.toFixed(2)} ms wall / ${main.noteWriteMs.p99Cpu.toFixed(2)} ms CPU`);
  return rows;
}

export function worst(...ops: OpStats[]): OpStats {
  const max = (f: (o: OpStats) => number) => Math.max(...ops.map(f));
  return { mean: max((o) => o.mean), p50: max((o) => o.p50), p99: max((o) => o.p99), meanCpu: max((o) => o.meanCpu), p99Cpu: max((o) => o.p99Cpu) };
}
