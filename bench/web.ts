import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../test/support/child-server';
import { FAKE_PASSWORD, machine, postgresLogin, postgresSchema, sizeOf, sqliteDatabase, sqliteTargets, Targets } from './lib/web-data';
import { apiToken, BASE_HEADERS, BenchClient, Load, loginSequence, measure, measureTogether, settle } from './lib/web-load';
import { CaseResult, evaluateTargets, printHeader, printRow, printTargets, SizeResult, updateDocs, WebResults } from './lib/web-report';
import { appDir, build, startApp, startCeiling, Served, useCommit } from './lib/web-server';

// npm run bench:web [-- --quick] [--sizes 1000,10000,100000] [--no-build] [--no-sqlite] [--no-cluster] [--no-contention]
//                      [--ref COMMIT] [--server-env NAME=VALUE ...] [--cases REGEXP] [--seconds N] [--out web] [--docs]
//
// Issue 5's web benchmark: the real server (dist/src/server.js, production
// profile) on SQLite databases of 1k, 10k and 100k fake posts, loaded with
// autocannon on loopback; a bare node:http ceiling; GET / while 20 logins run;
// WEB_CONCURRENCY=1 vs 2 on PostgreSQL + Redis. Results: bench/results/<out>.json.

interface Options {
  quick: boolean;
  sizes: number[];
  build: boolean;
  cluster: boolean;
  contention: boolean;
  out: string;
  docs: boolean;
  /** A commit to measure instead of the working tree. */
  ref?: string;
  /** Extra environment for the server (an experiment: UV_THREADPOOL_SIZE=8, LOG_LEVEL=warn, ...). */
  serverEnv: Record<string, string>;
  /** Only the cases whose name matches (GET / anonymous always runs: the ratios need it). */
  cases?: RegExp;
  seconds: number;
  warmup: number;
}

function parseArgs(argv: string[]): Options {
  const has = (flag: string) => argv.includes(flag);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = has('--quick');
  const sizes = has('--no-sqlite') ? [] : (value('--sizes') ?? '1000,10000,100000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--sizes: post counts of at least 100, e.g. 1000,100000');
  return {
    quick,
    sizes,
    build: !has('--no-build'),
    cluster: !has('--no-cluster'),
    contention: !has('--no-contention'),
    out: value('--out') ?? (quick ? 'web-quick' : 'web'),
    docs: has('--docs'),
    ref: value('--ref'),
    cases: value('--cases') ? new RegExp(value('--cases')!) : undefined,
    serverEnv: Object.fromEntries(
      argv.flatMap((a, i) => (argv[i - 1] === '--server-env' && /^[A-Z_][A-Z0-9_]*=/.test(a) ? [[a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]] : [])),
    ),
    seconds: Number(value('--seconds') ?? (quick ? 3 : 10)),
    warmup: quick ? 1 : 2,
  };
}

const CONNECTIONS = 50;
const LOGINS_AT_ONCE = 20;
const LOGIN_CONNECTIONS = 10;

function cases(t: Targets, cookie: string, token: string): { name: string; load: Load; expect: number }[] {
  const bearer = { authorization: `Bearer ${token}` };
  return [
    { name: 'GET / (anonymous)', load: { path: '/' }, expect: 200 },
    { name: 'GET / (logged in)', load: { path: '/', headers: { cookie } }, expect: 200 },
    { name: 'GET /post/<id>', load: { path: `/post/${t.postId}` }, expect: 200 },
    { name: 'GET /user/<name>', load: { path: `/user/${encodeURIComponent(t.username)}` }, expect: 200 },
    { name: 'GET /api/v1/posts/ (token)', load: { path: '/api/v1/posts/', headers: bearer }, expect: 200 },
    { name: 'GET /?page=<deep>', load: { path: `/?page=${t.deepPage}` }, expect: 200 },
    { name: 'GET /api/v1/posts/?page=<deep>', load: { path: `/api/v1/posts/?page=${t.deepPage}`, headers: bearer }, expect: 200 },
    { name: 'GET /api/v1/posts/?cursor=<deep>', load: { path: `/api/v1/posts/?cursor=${t.deepCursor}`, headers: bearer }, expect: 200 },
    // bcrypt at cost 12 takes a quarter of a second of CPU: 10 logins at a time already queue.
    { name: 'POST /auth/login (+ GET form)', load: { ...loginSequence(t.email, FAKE_PASSWORD), connections: LOGIN_CONNECTIONS }, expect: 0 },
  ];
}

/** One request of each case before loading it: the status is right, and the deep cursor page is the deep numbered page. */
async function check(server: Served, name: string, load: Load, expect: number): Promise<void> {
  if (!expect) return;
  const res = await fetch(server.url + load.path, { headers: { ...BASE_HEADERS, ...load.headers }, redirect: 'manual' });
  if (res.status !== expect) throw new Error(`${name}: ${res.status}, expected ${expect}\n${(await res.text()).slice(0, 500)}`);
}

async function checkDeepPages(server: Served, t: Targets, token: string): Promise<void> {
  const get = async (query: string) => {
    const res = await fetch(`${server.url}/api/v1/posts/?${query}`, { headers: { ...BASE_HEADERS, authorization: `Bearer ${token}` } });
    return ((await res.json()) as { posts: { url: string }[] }).posts.map((p) => p.url).join(',');
  };
  const [byPage, byCursor] = await Promise.all([get(`page=${t.deepPage}`), get(`cursor=${t.deepCursor}`)]);
  if (!byPage || byPage !== byCursor) throw new Error('the deep cursor page differs from the deep numbered page');
}

/** GET / as the app answers it, for the ceiling to answer with the same bytes. */
async function captureIndex(server: Served, file: string): Promise<void> {
  const res = await fetch(`${server.url}/`, { headers: BASE_HEADERS });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['date', 'x-request-id', 'set-cookie', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) headers[k] = v;
  });
  fs.writeFileSync(file, JSON.stringify({ status: res.status, headers, body: await res.text() }));
}

async function benchSize(opts: Options, dir: string, posts: number, results: WebResults): Promise<void> {
  const size = sizeOf(posts);
  console.log(`\n${posts} posts, ${size.comments} comments, ${size.users} users (SQLite)`);
  const database = sqliteDatabase(size, dir);
  const targets = await sqliteTargets(database, size);
  const server = await startApp(dir, { DATABASE_URL: `sqlite:${database}`, ...opts.serverEnv });
  const sizeResult: SizeResult = { ...size, cases: [] };
  results.sizes.push(sizeResult);
  try {
    const cookie = await new BenchClient(server.url).sessionCookie(targets.email, FAKE_PASSWORD, targets.username);
    const token = await apiToken(server.url, targets.email, FAKE_PASSWORD);
    await checkDeepPages(server, targets, token);
    // The first post page starts per-process background work (the related-notes index
    // over every note): let it finish, so the cases measure a server in its steady state.
    const cpuBefore = server.cpuMs();
    const startedAt = Date.now();
    await fetch(`${server.url}/post/${targets.postId}`, { headers: BASE_HEADERS });
    await settle(server, 600);
    sizeResult.background = { seconds: Math.round((Date.now() - startedAt) / 1000), cpuSeconds: Math.round((server.cpuMs() - cpuBefore) / 1000) };
    console.log(`  background work after the first post page: ${sizeResult.background.cpuSeconds} s of CPU over ${sizeResult.background.seconds} s`);
    const first = results.sizes.length === 1;
    if (first) await captureIndex(server, path.join(dir, 'index-response.json'));
    printHeader();
    for (const c of cases(targets, cookie, token).filter((x, i) => i === 0 || !opts.cases || opts.cases.test(x.name))) {
      await check(server, c.name, c.load, c.expect);
      const m = await measure(server, { connections: CONNECTIONS, ...c.load }, opts.seconds, opts.warmup);
      const row: CaseResult = { name: c.name, ...m };
      sizeResult.cases.push(row);
      printRow(row);
      if (m.note) console.log(`    (${m.note})`);
    }
    if (first && opts.contention) results.contention = await contention(opts, server, posts, targets, sizeResult.cases[0].rps);
  } finally {
    await server.stop();
  }
  if (results.sizes.length === 1) {
    const ceiling = await startCeiling(dir, path.join(dir, 'index-response.json'));
    try {
      results.ceiling = await measure(ceiling, { path: '/', connections: CONNECTIONS }, opts.seconds, opts.warmup);
      printRow({ name: 'ceiling: bare node:http, same bytes', ...results.ceiling });
    } finally {
      await ceiling.stop();
    }
  }
}

/**
 * GET / at a steady rate (half what the server manages flat out, so latency is
 * the server's and not a queue of our own making), alone and while 20 logins
 * (bcrypt at the production cost) run at once.
 */
async function contention(opts: Options, server: Served, posts: number, t: Targets, saturatedRps: number): Promise<WebResults['contention']> {
  const rate = Math.max(10, Math.round(saturatedRps / 2));
  const index: Load = { path: '/', connections: CONNECTIONS, overallRate: rate };
  const alone = { name: `GET / at ${rate} req/s, alone`, ...(await measure(server, index, opts.seconds, opts.warmup)) };
  printRow(alone);
  const [withLogins, logins] = await measureTogether(server, [index, { ...loginSequence(t.email, FAKE_PASSWORD), connections: LOGINS_AT_ONCE }], opts.seconds);
  const rows = [
    { name: `GET / at ${rate} req/s, ${LOGINS_AT_ONCE} logins running`, ...withLogins },
    { name: `  the ${LOGINS_AT_ONCE} logins meanwhile (logins/s)`, ...logins },
  ];
  rows.forEach(printRow);
  return { posts, rate, alone, withLogins: rows[0], logins: rows[1], p99Ratio: Number((withLogins.p99 / alone.p99).toFixed(2)) };
}

/** GET / with one process and with two (node:cluster) on PostgreSQL + Redis. */
async function cluster(opts: Options, dir: string, results: WebResults): Promise<void> {
  const size = sizeOf(1000);
  console.log(`\nWEB_CONCURRENCY=1 vs 2 on PostgreSQL + Redis (${size.posts} posts)`);
  const pg = await postgresSchema(size);
  const runs: NonNullable<WebResults['cluster']>['runs'] = [];
  try {
    const who = await postgresLogin(pg.env);
    printHeader();
    for (const workers of [1, 2]) {
      const server = await startApp(dir, {
        ...pg.env,
        REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
        WEB_CONCURRENCY: String(workers),
        ...opts.serverEnv,
      });
      try {
        const cookie = await new BenchClient(server.url).sessionCookie(who.email, FAKE_PASSWORD, who.username);
        const run = { workers, cases: [] as CaseResult[] };
        for (const [name, load] of [
          ['GET / (anonymous)', { path: '/' }],
          ['GET / (logged in)', { path: '/', headers: { cookie } }],
        ] as const) {
          const m = await measure(server, { connections: CONNECTIONS, ...load }, opts.seconds, opts.warmup);
          const row = { name, ...m };
          run.cases.push(row);
          printRow({ ...row, name: `${name}, ${workers} worker${workers > 1 ? 's' : ''} (${server.pids().length} processes)` });
        }
        runs.push(run);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await pg.drop();
  }
  const speedup = Object.fromEntries(runs[0].cases.map((c) => [c.name, Number((runs[1].cases.find((x) => x.name === c.name)!.rps / c.rps).toFixed(2))]));
  results.cluster = { database: 'PostgreSQL 127.0.0.1:5432 + Redis', posts: size.posts, runs, speedup };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-bench-web-'));
  const release = opts.ref ? useCommit(opts.ref, dir) : undefined;
  try {
    if (opts.build || opts.ref) build();
  } catch (err) {
    release?.();
    throw err;
  }
  const results: WebResults = {
    machine: machine(appDir()),
    startedAt: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    settings: { seconds: opts.seconds, warmupSeconds: opts.warmup, connections: CONNECTIONS, database: 'SQLite (WAL)', profile: 'production', serverEnv: opts.serverEnv },
    sizes: [],
  };
  console.log(`bench:web (${results.mode}): ${opts.seconds} s per case, ${CONNECTIONS} connections; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  try {
    for (const posts of opts.sizes) await benchSize(opts, dir, posts, results);
    for (const s of results.sizes) for (const c of s.cases) if (results.ceiling) c.ofCeiling = Number((c.rps / results.ceiling.rps).toFixed(3));
    if (opts.cluster) await cluster(opts, dir, results);
  } finally {
    release?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  results.minutes = Number(((Date.now() - started) / 60_000).toFixed(1));
  results.targets = evaluateTargets(results);
  printTargets(results.targets);
  const out = path.join(ROOT, 'bench/results', `${opts.out}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)} (${results.minutes} min)`);
  if (opts.docs) console.log(updateDocs(path.join(ROOT, 'docs/performance.md'), results) ? 'updated docs/performance.md' : 'docs/performance.md has no generated section to update');
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
