// Timing and recall helpers shared by the related-notes benchmarks. Queries run one after the
// other on the main thread; q/s is measured both on the wall clock and on this process's CPU time
// (the machine is shared: CPU time is what one core gives us when others compete for it).

export interface QueryStats {
  queries: number;
  recall: number;
  qps: number;
  qpsCpu: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of the CPU time per query: the latency on a core of our own. */
  p99CpuMs: number;
}

export interface Row extends Partial<QueryStats> {
  dataset: string;
  method: string;
  n: number;
  buildS?: number;
  bytesPerItem?: number;
  updateMs?: OpStats;
  /** Notes only: a whole note write (tokenize, hash, tf-idf, index update, idf refresh). */
  noteWriteMs?: OpStats;
  note?: string;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs query(i) for every i, timing each; recall@k against truth (k ids per query, -1 = none). */
export function measureQueries(count: number, k: number, truth: Int32Array, query: (i: number) => ArrayLike<number>): QueryStats {
  for (let i = 0; i < Math.min(count, 50); i++) query(i); // warm-up: let the JIT compile the hot path
  let hits = 0;
  let expected = 0;
  const results: ArrayLike<number>[] = new Array(count);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const ops = timeOps(count, (i) => {
    results[i] = query(i);
  });
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  for (let i = 0; i < count; i++) {
    hits += overlap(results[i], truth, i * k, k);
    for (let j = 0; j < k; j++) if (truth[i * k + j] >= 0) expected++;
  }
  return {
    queries: count,
    recall: expected === 0 ? 1 : hits / expected,
    qps: count / wallS,
    qpsCpu: count / cpuS,
    p50Ms: ops.p50,
    p99Ms: ops.p99,
    p99CpuMs: ops.p99Cpu,
  };
}

export interface OpStats {
  mean: number;
  p50: number;
  p99: number;
  meanCpu: number;
  p99Cpu: number;
}

/** Wall-clock and CPU time of each call of op(i), in milliseconds. */
function timeOps(count: number, op: (i: number) => void): OpStats {
  const wall = new Float64Array(count);
  const cpu = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    op(i);
    wall[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    cpu[i] = (c.user + c.system) / 1e3;
  }
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  const out = { mean: mean(wall), meanCpu: mean(cpu), p50: 0, p99: 0, p99Cpu: 0 };
  wall.sort();
  cpu.sort();
  return { ...out, p50: percentile(wall, 50), p99: percentile(wall, 99), p99Cpu: percentile(cpu, 99) };
}

function overlap(got: ArrayLike<number>, truth: Int32Array, off: number, k: number): number {
  let hits = 0;
  for (let j = 0; j < Math.min(k, got.length); j++) {
    for (let t = 0; t < k; t++) {
      if (truth[off + t] === got[j]) {
        hits++;
        break;
      }
    }
  }
  return hits;
}

/** Wall-clock and CPU time of `count` calls of op(i), in milliseconds. */
export function measureOps(count: number, op: (i: number) => void): OpStats {
  return timeOps(count, op);
}

export function seconds<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}

export function rssBytes(): number {
  return process.memoryUsage().rss;
}
