import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Config } from '../config';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** moment.js's fromNow(), on the server: "3 minutes ago". */
export function fromNow(date: Date | string, now = Date.now()): string {
  const seconds = Math.round((new Date(date).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'a few seconds ago';
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? UNITS[UNITS.length - 1];
  return relative.format(Math.round(seconds / size), unit);
}

export function createViews(config: Config): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(config.rootDir, 'views'), { noCache: config.profile === 'development' }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('fromNow', (d: Date | string) => fromNow(d));
  env.addFilter('isoDate', (d: Date | string) => new Date(d).toISOString());
  env.addFilter('longDate', (d: Date | string) =>
    new Date(d).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  );
  return env;
}
