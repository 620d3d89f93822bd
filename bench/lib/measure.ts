// Timing and reporting helpers for the benchmarks.

/** CPU seconds (user + system) spent by this process while running fn: a single-threaded
 * computation's cost on one core, unlike wall time it does not count waiting for other
 * processes on a busy machine (the GC's helper threads are included, so it errs high). */
export function cpuTimed<T>(fn: () => T): { value: T; cpuSeconds: number; wallSeconds: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, cpuSeconds: (c.user + c.system) / 1e6, wallSeconds };
}

export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * Latency of fn over the inputs in milliseconds: p50, p99 and max, after a warm-up pass. 'wall'
 * is what a caller waits; 'cpu' leaves out time the process was not running (on a machine
 * shared with other work, preemption otherwise decides the tail).
 */
export function latency<T>(inputs: T[], fn: (input: T) => unknown, clock: 'wall' | 'cpu' = 'wall'): { p50: number; p99: number; max: number } {
  for (const input of inputs.slice(0, 200)) fn(input);
  const times = new Float64Array(inputs.length);
  inputs.forEach((input, i) => {
    if (clock === 'cpu') {
      const c0 = process.cpuUsage();
      fn(input);
      const c = process.cpuUsage(c0);
      times[i] = (c.user + c.system) / 1000;
    } else {
      const t0 = performance.now();
      fn(input);
      times[i] = performance.now() - t0;
    }
  });
  times.sort();
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[times.length - 1] };
}

/** A plain-text table with columns padded to their widest cell. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function fixed(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}
