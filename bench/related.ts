// npm run bench:related [-- --only=spam,notes100k,100k,1m] [--fresh]
// Related-notes index benchmark: recall@10 against exact cosine, queries/s on one thread, p99
// latency, build time, memory per item and update latency, on the SpamAssassin notes, on 100k
// real-text notes recombined from them, and on 100k and 1M synthetic 256-d vectors with
// hnswlib-node as the peer. Prints a table and writes
// bench/results/related.json. Parameters per data set are below; why: docs/related-notes.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Row } from './related-measure';
import { runNotes100k } from './related-notes100k';
import { runSpam } from './related-spam';
import { runSynthetic, type SyntheticCase } from './related-synthetic';

// Index parameters per size (tuned with bench/related-tune.ts; the reasons are in the doc).
const CASES: Record<string, SyntheticCase> = {
  '100k': {
    n: 100_000,
    queries: 2000,
    baselines: 100,
    lsh: { seed: 1, tables: 16, bandBits: 14, codeBits: 256, probes: 64, candidates: 2000, rerank: 100 },
    hnsw: { m: 16, efConstruction: 200 },
  },
  '1m': {
    n: 1_000_000,
    queries: 1000,
    lsh: { seed: 1, tables: 14, bandBits: 18, codeBits: 256, probes: 64, candidates: 3000, rerank: 200 },
    // hnswlib's README parameters; its graph is cached after the first (long) build.
    hnsw: { m: 16, efConstruction: 200 },
  },
};

const TARGETS = { recall: 0.95, qps100k: 400, qps1m: 150, p99Ms100k: 10, updateMs: 1 };
const SETS = ['spam', 'notes100k', '100k', '1m'];

function parseOnly(): Set<string> {
  const arg = process.argv.find((a) => a.startsWith('--only='));
  return new Set(arg ? arg.slice(7).toLowerCase().split(',') : SETS);
}

function fmt(x: number | undefined, digits: number): string {
  return x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits);
}

function printTable(rows: Row[]): void {
  const head = ['data set', 'method', 'n', 'recall@10', 'q/s cpu', 'q/s wall', 'p99 cpu ms', 'p99 wall ms', 'build s', 'B/item', 'update mean/p99 wall/p99 cpu ms', 'ours/hnsw'];
  const lines = rows.map((r, i) => {
    const peer = r.method.startsWith('hnswlib') ? undefined : rows.slice(i + 1).find((p) => p.dataset === r.dataset && p.method.startsWith('hnswlib'));
    const ratio = peer && r.method.startsWith('LSH tables') ? fmt(r.qpsCpu! / peer.qpsCpu!, 3) : '';
    const update = r.updateMs ? `${fmt(r.updateMs.mean, 3)} / ${fmt(r.updateMs.p99, 3)} / ${fmt(r.updateMs.p99Cpu, 3)}` : '';
    return [r.dataset, r.method, String(r.n), fmt(r.recall, 4), fmt(r.qpsCpu, 0), fmt(r.qps, 0), fmt(r.p99CpuMs, 2), fmt(r.p99Ms, 2), fmt(r.buildS, 1), fmt(r.bytesPerItem, 0), update, ratio];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const out = (cols: string[]) => console.log(cols.map((x, c) => (c <= 1 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  '));
  out(head);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  lines.forEach(out);
}

function verdicts(rows: Row[]): Record<string, { value: number | undefined; target: string; met: boolean }> {
  const main = (dataset: string) => rows.find((r) => r.dataset === dataset && !r.method.startsWith('hnswlib') && r.buildS !== undefined);
  const out: Record<string, { value: number | undefined; target: string; met: boolean }> = {};
  const add = (name: string, value: number | undefined, target: string, met: (v: number) => boolean) => {
    if (value !== undefined) out[name] = { value, target, met: met(value) };
  };
  for (const d of ['SpamAssassin notes', 'notes 100k', 'synthetic 100k', 'synthetic 1M']) add(`recall@10 ${d}`, main(d)?.recall, `≥ ${TARGETS.recall}`, (v) => v >= TARGETS.recall);
  add('q/s (CPU time) at 100k', main('synthetic 100k')?.qpsCpu, `≥ ${TARGETS.qps100k}`, (v) => v >= TARGETS.qps100k);
  add('q/s (CPU time) at 1M', main('synthetic 1M')?.qpsCpu, `≥ ${TARGETS.qps1m}`, (v) => v >= TARGETS.qps1m);
  add('q/s (wall clock) at 100k', main('synthetic 100k')?.qps, `≥ ${TARGETS.qps100k}`, (v) => v >= TARGETS.qps100k);
  add('q/s (wall clock) at 1M', main('synthetic 1M')?.qps, `≥ ${TARGETS.qps1m}`, (v) => v >= TARGETS.qps1m);
  add('p99 ms (CPU time) at 100k', main('synthetic 100k')?.p99CpuMs, `≤ ${TARGETS.p99Ms100k}`, (v) => v <= TARGETS.p99Ms100k);
  add('p99 ms (wall clock) at 100k', main('synthetic 100k')?.p99Ms, `≤ ${TARGETS.p99Ms100k}`, (v) => v <= TARGETS.p99Ms100k);
  add('p99 ms (CPU time) at 100k notes', main('notes 100k')?.p99CpuMs, `≤ ${TARGETS.p99Ms100k}`, (v) => v <= TARGETS.p99Ms100k);
  add('p99 ms (wall clock) at 100k notes', main('notes 100k')?.p99Ms, `≤ ${TARGETS.p99Ms100k}`, (v) => v <= TARGETS.p99Ms100k);
  for (const d of ['SpamAssassin notes', 'notes 100k', 'synthetic 100k', 'synthetic 1M']) {
    add(`index update mean ms (wall clock) ${d}`, main(d)?.updateMs?.mean, `≤ ${TARGETS.updateMs}`, (v) => v <= TARGETS.updateMs);
    add(`index update p99 ms (wall clock) ${d}`, main(d)?.updateMs?.p99, `≤ ${TARGETS.updateMs}`, (v) => v <= TARGETS.updateMs);
    add(`index update p99 ms (CPU time) ${d}`, main(d)?.updateMs?.p99Cpu, `≤ ${TARGETS.updateMs}`, (v) => v <= TARGETS.updateMs);
  }
  const write = main('SpamAssassin notes')?.noteWriteMs;
  add('whole note write p50 ms (wall clock, tokenizing included)', write?.p50, `≤ ${TARGETS.updateMs}`, (v) => v <= TARGETS.updateMs);
  add('whole note write p99 ms (wall clock, tokenizing included)', write?.p99, `≤ ${TARGETS.updateMs}`, (v) => v <= TARGETS.updateMs);
  return out;
}

async function main(): Promise<void> {
  const only = parseOnly();
  const started = new Date();
  const load0 = loadavg();
  const log = (s: string) => console.error(`[${((Date.now() - started.getTime()) / 1000).toFixed(0)} s] ${s}`);
  const rows: Row[] = [];
  if (only.has('spam')) rows.push(...runSpam(log));
  if (only.has('notes100k')) rows.push(...runNotes100k(log));
  const fresh = process.argv.includes('--fresh');
  for (const [name, c] of Object.entries(CASES)) if (only.has(name)) rows.push(...(await runSynthetic({ ...c, fresh }, log)));
  const seconds = (Date.now() - started.getTime()) / 1000;
  printTable(rows);
  const checks = verdicts(rows);
  console.log('');
  for (const [name, v] of Object.entries(checks)) console.log(`${v.met ? 'met    ' : 'NOT met'}  ${name}: ${fmt(v.value, 3)} (target ${v.target})`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavgStart: load0, loadavgEnd: loadavg() };
  console.log(`\n${seconds.toFixed(0)} s; load average at start ${load0.map((x) => x.toFixed(1)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${machine.cpus} CPUs)`);
  const dir = join(__dirname, 'results');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const json = { started: started.toISOString(), seconds, machine, targets: TARGETS, checks, cases: CASES, rows };
  writeFileSync(join(dir, SETS.every((set) => only.has(set)) ? 'related.json' : 'tmp/related-partial.json'), `${JSON.stringify(json, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
