// A small server-rendered SVG line chart: axes with round-number ticks, one polyline per
// series, a legend. No script and no style attribute (the CSP allows neither); colours are
// SVG presentation attributes. Every text is escaped, so the result can be printed raw.

export interface Series {
  name: string;
  /** [x, y]; points with a non-finite y break the line. */
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Always include these in the y range (e.g. 0 and 1 for a score). */
  yInclude?: number[];
  /** Ticks on whole numbers only (counts, epochs, days). */
  integerX?: boolean;
  formatX?: (x: number) => string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const MARGIN = { left: 60, right: 16, top: 34, bottom: 52 };
const LEGEND_ROW = 18;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round-number ticks covering [min, max]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 10_000 || abs < 0.001) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

function extent(values: number[], include: number[] = []): [number, number] {
  const all = [...values, ...include].filter(Number.isFinite);
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    // One value: a unit either side (a day, an epoch, a count), less for small fractions.
    const pad = lo === 0 ? 1 : Math.min(1, Math.abs(lo) * 0.1);
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

export function lineChart(series: Series[], opts: ChartOptions): string {
  const width = opts.width ?? 640;
  const legendRows = Math.ceil(series.length / 4);
  const height = (opts.height ?? 300) + legendRows * LEGEND_ROW;
  const plot = { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom - legendRows * LEGEND_ROW };
  const points = series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const [x0, x1] = extent(points.map((p) => p[0]));
  const [y0, y1] = extent(points.map((p) => p[1]), opts.yInclude);
  const sx = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const sy = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;
  const fmtX = opts.formatX ?? formatNumber;
  const r = (v: number) => v.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(opts.title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1, 5)) {
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${r(sy(t))}" y2="${r(sy(t))}" stroke="#e9ecef"/>`);
    out.push(`<text x="${plot.x - 6}" y="${r(sy(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(formatNumber(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6, opts.integerX)) {
    out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${plot.y + plot.h}" y2="${plot.y + plot.h + 4}" stroke="#495057"/>`);
    out.push(`<text x="${r(sx(t))}" y="${plot.y + plot.h + 17}" text-anchor="middle" font-size="11">${escapeXml(fmtX(t))}</text>`);
  }
  out.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#495057"/>`);
  out.push(`<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h + 36}" text-anchor="middle" font-size="12">${escapeXml(opts.xLabel)}</text>`);
  out.push(
    `<text x="14" y="${plot.y + plot.h / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${plot.y + plot.h / 2})">${escapeXml(opts.yLabel)}</text>`,
  );
  if (points.length === 0) {
    out.push(`<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h / 2}" text-anchor="middle" font-size="13" fill="#6c757d">No data yet</text>`);
  }

  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    for (const segment of segments(s.points)) {
      const coords = segment.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`);
      if (segment.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>`);
      if (segment.length <= 30) for (const c of coords) out.push(`<circle cx="${c.split(',')[0]}" cy="${c.split(',')[1]}" r="2.5" fill="${color}"/>`);
    }
    const lx = plot.x + (i % 4) * (plot.w / 4);
    const ly = height - legendRows * LEGEND_ROW + Math.floor(i / 4) * LEGEND_ROW + 2;
    out.push(`<rect x="${r(lx)}" y="${ly}" width="12" height="4" fill="${color}"/>`);
    out.push(`<text x="${r(lx + 16)}" y="${ly + 6}" font-size="12">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Runs of consecutive finite points. */
function segments(points: [number, number][]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) run.push(p);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}
