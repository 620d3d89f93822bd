import fs from 'node:fs';
import type { Measured } from './web-load';

// The run's record (bench/results/web*.json), the printed tables, the targets of
// issue 5 checked against the figures, and the generated part of docs/performance.md.

export interface CaseResult extends Measured {
  name: string;
  /** Throughput as a fraction of the bare node:http ceiling. */
  ofCeiling?: number;
}
export interface SizeResult {
  posts: number;
  users: number;
  comments: number;
  /** Work the server did by itself after the first post page (the related-notes index), before the cases. */
  background?: { seconds: number; cpuSeconds: number };
  cases: CaseResult[];
}
export interface WebResults {
  machine: Record<string, unknown>;
  startedAt: string;
  minutes?: number;
  mode: 'full' | 'quick';
  settings: { seconds: number; warmupSeconds: number; connections: number; database: string; profile: string; serverEnv?: Record<string, string> };
  ceiling?: Measured;
  sizes: SizeResult[];
  contention?: { posts: number; rate: number; alone: CaseResult; withLogins: CaseResult; logins: CaseResult; p99Ratio: number };
  cluster?: { database: string; posts: number; runs: { workers: number; cases: CaseResult[] }[]; speedup: Record<string, number> };
  targets?: Target[];
}
export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function printHeader(): void {
  console.log(`  ${pad('case', 40)}${lpad('req/s', 9)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('errors', 8)}${lpad('CPU ms', 9)}${lpad('×ceil', 7)}${lpad('load', 6)}`);
}

export function printRow(c: CaseResult): void {
  console.log(
    `  ${pad(c.name, 40)}${lpad(fmt(c.rps), 9)}${lpad(fmt(c.p50, 2), 9)}${lpad(fmt(c.p99, 2), 9)}${lpad(String(c.errors), 8)}${lpad(fmt(c.cpuMs, 2), 9)}${lpad(fmt(c.ofCeiling, 2), 7)}${lpad(fmt(c.load1), 6)}`,
  );
}

const caseAt = (r: WebResults, posts: number, name: string) => r.sizes.find((s) => s.posts === posts)?.cases.find((c) => c.name === name);

/** Issue 5's targets, each met, missed (with the figure), or not measured in this run. */
export function evaluateTargets(r: WebResults): Target[] {
  const out: Target[] = [];
  const small = r.sizes[0]?.posts;
  const large = r.sizes[r.sizes.length - 1]?.posts;
  const limits: [string, number][] = [
    ['GET / (anonymous)', 2.5],
    ['GET /post/<id>', 1],
    ['GET /api/v1/posts/ (token)', 1.5],
  ];
  for (const [name, limit] of limits) {
    const c = small === 1000 ? caseAt(r, 1000, name) : undefined;
    out.push({ target: `CPU per request at 1k posts: ${name} ≤ ${limit} ms`, measured: c ? `${fmt(c.cpuMs, 2)} ms` : 'not measured', met: c ? c.cpuMs <= limit : null });
  }
  if (small !== undefined && large !== undefined && large > small) {
    for (const c of r.sizes[0].cases) {
      const big = caseAt(r, large, c.name);
      if (!big) continue;
      const ratio = big.cpuMs / c.cpuMs;
      out.push({
        target: `${c.name}: CPU at ${large / 1000}k posts ≤ 1.5 × at ${small / 1000}k`,
        measured: `${fmt(c.cpuMs, 2)} → ${fmt(big.cpuMs, 2)} ms (${fmt(ratio, 2)}×)`,
        met: ratio <= 1.5,
      });
    }
  }
  const index = small === 1000 ? caseAt(r, 1000, 'GET / (anonymous)') : undefined;
  out.push({
    target: 'GET / throughput at 1k posts ≥ 0.2 × bare node:http',
    measured: index?.ofCeiling !== undefined ? `${fmt(index.ofCeiling, 3)} × (${fmt(index.rps)} vs ${fmt(r.ceiling?.rps)} req/s)` : 'not measured',
    met: index?.ofCeiling !== undefined ? index.ofCeiling >= 0.2 : null,
  });
  const all = [...r.sizes.flatMap((s) => s.cases), ...(r.cluster?.runs.flatMap((x) => x.cases) ?? [])];
  if (r.contention) all.push(r.contention.alone, r.contention.withLogins, r.contention.logins);
  const errors = all.reduce((sum, c) => sum + c.errors, 0);
  out.push({ target: 'Zero errors in every case', measured: `${errors} errors in ${all.length} runs`, met: errors === 0 });
  const ct = r.contention;
  out.push({
    target: 'While 20 logins run, GET / p99 < 3 × its p99 without them',
    measured: ct ? `${fmt(ct.alone.p99)} → ${fmt(ct.withLogins.p99)} ms (${fmt(ct.p99Ratio, 2)}×)` : 'not measured',
    met: ct ? ct.p99Ratio < 3 : null,
  });
  const speedup = r.cluster?.speedup['GET / (anonymous)'];
  out.push({
    target: 'WEB_CONCURRENCY=2 ≥ 1.6 × single-process throughput on GET /',
    measured: speedup !== undefined ? `${fmt(speedup, 2)}×` : 'not measured',
    met: speedup !== undefined ? speedup >= 1.6 : null,
  });
  return out;
}

export function printTargets(targets: Target[]): void {
  console.log('\nTargets (issue 5):');
  for (const t of targets) console.log(`  ${t.met === null ? '–  ' : t.met ? 'met ' : 'MISS'} ${t.target}: ${t.measured}`);
}

const mdRow = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The tables of docs/performance.md, generated from one run. */
export function markdown(r: WebResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Run of ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC (${r.mode}, ${r.settings.seconds} s per case after ${r.settings.warmupSeconds} s of warm-up, ${r.settings.connections} connections, ` +
      `${r.settings.profile} profile, ${r.settings.database}), commit ${m.commit}, ${m.cores} × ${m.cpu}, Node ${m.node}.`,
    '',
  );
  if (r.ceiling) lines.push(`Ceiling (bare node:http, same bytes as GET /): ${fmt(r.ceiling.rps)} req/s, p99 ${fmt(r.ceiling.p99, 2)} ms, ${fmt(r.ceiling.cpuMs, 3)} ms CPU per request.`, '');
  const names = r.sizes[0]?.cases.map((c) => c.name) ?? [];
  lines.push(mdRow(['case', ...r.sizes.map((s) => `${s.posts / 1000}k posts: req/s · p50/p99 ms · CPU ms · ×ceiling`)]));
  lines.push(mdRow(['---', ...r.sizes.map(() => '---')]));
  for (const name of names) {
    const cells = r.sizes.map((s) => {
      const c = s.cases.find((x) => x.name === name);
      return c
        ? `${fmt(c.rps)} · ${fmt(c.p50)}/${fmt(c.p99)} · **${fmt(c.cpuMs, 2)}** · ${fmt(c.ofCeiling, 2)}${c.errors ? ` · ${c.errors} errors` : ''}${c.note ? ' (saturated†)' : ''}`
        : '–';
    });
    lines.push(mdRow([name.replace(/</g, '&lt;'), ...cells]));
  }
  const background = r.sizes.filter((s) => s.background).map((s) => `${s.posts / 1000}k: ${s.background!.cpuSeconds} s of CPU over ${s.background!.seconds} s`);
  if (background.length) lines.push('', `Background work after the first post page (the related-notes index), waited out before the cases: ${background.join(', ')}.`);
  const saturated = r.sizes.flatMap((s) => s.cases.filter((c) => c.note).map((c) => `${c.name.replace(/</g, '&lt;')} at ${s.posts / 1000}k: ${c.note}`));
  if (saturated.length) lines.push('', `† ${saturated.join('; ')}.`);
  if (r.contention) {
    const ct = r.contention;
    lines.push(
      '',
      `Logins against reads (${ct.posts / 1000}k posts, GET / offered at ${ct.rate} req/s): alone ${fmt(ct.alone.rps)} req/s served, p99 ${fmt(ct.alone.p99)} ms; ` +
        `with 20 logins running ${fmt(ct.withLogins.rps)} req/s served, p99 ${fmt(ct.withLogins.p99)} ms (${fmt(ct.p99Ratio, 2)}×), ` +
        `while the logins did ${fmt(ct.logins.rps)} logins/s (p99 ${fmt(ct.logins.p99)} ms).`,
    );
  }
  if (r.cluster) {
    lines.push('', `Processes (${r.cluster.database}, ${r.cluster.posts / 1000}k posts):`, '');
    lines.push(mdRow(['case', ...r.cluster.runs.map((x) => `WEB_CONCURRENCY=${x.workers}: req/s · p99 ms · CPU ms`), 'speed-up']));
    lines.push(mdRow(['---', ...r.cluster.runs.map(() => '---'), '---']));
    for (const c of r.cluster.runs[0]?.cases ?? []) {
      const cells = r.cluster.runs.map((x) => {
        const y = x.cases.find((z) => z.name === c.name);
        return y ? `${fmt(y.rps)} · ${fmt(y.p99)} · ${fmt(y.cpuMs, 2)}${y.errors ? ` · ${y.errors} errors` : ''}` : '–';
      });
      lines.push(mdRow([c.name, ...cells, `${fmt(r.cluster.speedup[c.name], 2)}×`]));
    }
  }
  if (r.targets) {
    lines.push('', mdRow(['target', 'measured', '']), mdRow(['---', '---', '---']));
    for (const t of r.targets) lines.push(mdRow([t.target.replace(/</g, '&lt;'), t.measured, t.met === null ? '–' : t.met ? 'met' : '**missed**']));
  }
  return lines.join('\n');
}

const START = '<!-- bench:web:start (generated by `npm run bench:web -- --docs`) -->';
const END = '<!-- bench:web:end -->';

/** Replaces the generated section of the document (between the markers) with this run's tables. */
export function updateDocs(file: string, r: WebResults): boolean {
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return false;
  fs.writeFileSync(file, `${text.slice(0, from + START.length)}\n${markdown(r)}\n${text.slice(to)}`);
  return true;
}
