// Benchmark (a): the SpamAssassin corpus as notes. The train e-mails are the notes (hashed TF-IDF
// of subject + body through NoteIndex), the test e-mails are the queries ("notes like this one").
// Truth is exact cosine computed here independently of the index, over the same TF-IDF vectors.
import type { SparseVector } from '../src/ml/features';
import type { Strategy } from '../src/ml/lsh';
import { NoteIndex } from '../src/ml/similarity-index';
import { loadEmails, loadSplit, type Email } from './related-data';
import { measureOps, measureQueries, rssBytes, seconds, type OpStats, type Row } from './related-measure';

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
  const truth = exactTruth(docs, queries);

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
  main.note = `RSS growth ${Math.round(rssPerItem)} B/item; update = note write (tokenize, hash, tf-idf, index, rolling idf refresh)`;

  // A note write: add each test e-mail as a new note, then edit and delete some.
  const base = train.length;
  const add = measureOps(test.length, (i) => index.set(base + i, noteOf(test[i])));
  const edit = measureOps(500, (i) => index.set(base + i, noteOf(train[i])));
  const del = measureOps(500, (i) => index.delete(base + i));
  main.updateMs = worst(add, edit, del);
  log(`${dataset}: write p99 (CPU) add ${add.p99Cpu.toFixed(2)} / edit ${edit.p99Cpu.toFixed(2)} / delete ${del.p99Cpu.toFixed(2)} ms`);
  return rows;
}

function worst(...ops: OpStats[]): OpStats {
  const max = (f: (o: OpStats) => number) => Math.max(...ops.map(f));
  return { mean: max((o) => o.mean), p50: max((o) => o.p50), p99: max((o) => o.p99), meanCpu: max((o) => o.meanCpu), p99Cpu: max((o) => o.p99Cpu) };
}

/**
 * Exact top-k by cosine (vectors are L2-normalised, so by dot product), ties to the smaller id:
 * plain posting lists in Maps, written here so the truth does not depend on the index's code.
 */
function exactTruth(docs: SparseVector[], queries: SparseVector[]): Int32Array {
  const postings = new Map<number, [number, number][]>();
  docs.forEach((d, id) => {
    d.indices.forEach((i, k) => {
      let list = postings.get(i);
      if (!list) postings.set(i, (list = []));
      list.push([id, d.values[k]]);
    });
  });
  const out = new Int32Array(queries.length * K).fill(-1);
  const scores = new Float64Array(docs.length);
  queries.forEach((q, qi) => {
    scores.fill(0);
    q.indices.forEach((i, k) => {
      for (const [id, v] of postings.get(i) ?? []) scores[id] += q.values[k] * v;
    });
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
    out.set(order.slice(0, K), qi * K);
  });
  return out;
}
