import { formatNumber, lineChart, niceTicks } from '../src/web/svg-chart';

// The SVG line chart of /moderate/model: printed raw into the page, so every text must be escaped.

test('titles, labels and series names are escaped', () => {
  const svg = lineChart([{ name: '<script>alert(1)</script>', points: [[1, 1], [2, 3]] }], { title: 'a & "b"', xLabel: "x'<", yLabel: 'y>' });
  expect(svg).not.toContain('<script>');
  expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  expect(svg).toContain('<title>a &#38; &#34;b&#34;</title>');
  expect(svg).toContain('x&#39;&#60;');
  expect(svg).not.toContain('style=');
});

test('one polyline per series with two or more points; gaps break the line; no data says so', () => {
  const svg = lineChart(
    [
      { name: 'a', points: [[1, 1], [2, NaN], [3, 2], [4, 3]] },
      { name: 'b', points: [[1, 2]] },
    ],
    { title: 't', xLabel: 'x', yLabel: 'y' },
  );
  expect(svg.match(/<polyline /g)).toHaveLength(1);
  expect(svg.match(/<circle /g)).toHaveLength(4);
  expect(lineChart([], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('No data yet');
});

test('a single day keeps a scale of days', () => {
  const day = 20_000;
  const svg = lineChart([{ name: 'n', points: [[day, 5]] }], { title: 't', xLabel: 'x', yLabel: 'y', integerX: true, formatX: (x) => String(x) });
  const ticks = [...svg.matchAll(/text-anchor="middle" font-size="11">(\d+)</g)].map((m) => Number(m[1]));
  expect(Math.min(...ticks)).toBeGreaterThanOrEqual(day - 1);
  expect(Math.max(...ticks)).toBeLessThanOrEqual(day + 1);
});

test('round ticks and compact numbers', () => {
  expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(niceTicks(0, 7, 6, true)).toEqual([0, 2, 4, 6]);
  expect(niceTicks(0, 3, 6, true)).toEqual([0, 1, 2, 3]);
  expect(niceTicks(3, 3)).toEqual([3]);
  expect(formatNumber(0.123456)).toBe('0.123');
  expect(formatNumber(123456)).toBe('1.2e+5');
});
