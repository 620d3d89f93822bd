import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { encodeCursor } from '../../src/api/pagination';
import { ROOT } from '../../test/support/child-server';
import { appDir } from './web-server';

// Benchmark databases, filled by the app's own `fake` command (Flasky's
// app/fake.py): one user per ten posts, three comments per post, a fixed Faker
// seed. Each SQLite database is generated once into bench/.cache and copied for
// every run (a run writes sessions and last_seen). PostgreSQL gets a fresh schema.

export const CACHE_DIR = path.join(ROOT, 'bench/.cache');
const SEED = '5';
/** Bump when the generated data changes shape, so stale caches are not reused. */
const DATA_VERSION = 1;
export const FAKE_PASSWORD = 'password';
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Size {
  posts: number;
  users: number;
  comments: number;
}
export const sizeOf = (posts: number): Size => ({ posts, users: Math.max(100, posts / 10), comments: posts * 3 });

/**
 * The environment the generator runs with: the testing profile seeds only the
 * roles (no starter library, whose long KaTeX notes would fill the first page
 * of every size alike), with the production bcrypt cost for the fake users.
 */
function generatorEnv(database: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    NODE_ENV: 'testing',
    BCRYPT_ROUNDS: '12',
    LOG_LEVEL: 'warn',
    ...database,
  };
}

function fake(size: Size, database: Record<string, string>): void {
  const started = Date.now();
  const args = [path.join(appDir(), 'dist/src/cli/index.js'), 'fake', '--users', String(size.users), '--posts', String(size.posts), '--comments', String(size.comments), '--seed', SEED];
  execFileSync(process.execPath, args, { cwd: ROOT, env: generatorEnv(database), stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`  generated ${size.posts} posts, ${size.comments} comments, ${size.users} users in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** A working copy of the cached SQLite database for `size` (generated first if missing). */
export function sqliteDatabase(size: Size, workDir: string): string {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const cached = path.join(CACHE_DIR, `web-${size.posts}-v${DATA_VERSION}.sqlite`);
  if (!fs.existsSync(cached)) {
    console.log(`  no cached database for ${size.posts} posts: generating ${path.relative(ROOT, cached)}`);
    const partial = `${cached}.partial`;
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) fs.rmSync(f, { force: true });
    fake(size, { DATABASE_URL: `sqlite:${partial}` });
    fs.renameSync(partial, cached);
  }
  const copy = path.join(workDir, `web-${size.posts}.sqlite`);
  fs.copyFileSync(cached, copy);
  return copy;
}

/** A fresh PostgreSQL schema filled for `size`; returns it and how to drop it. */
export async function postgresSchema(size: Size): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const schema = `bench_web_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Sequelize(PG_URL, { logging: false });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
  const drop = async () => {
    const again = new Sequelize(PG_URL, { logging: false });
    await again.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await again.close();
  };
  try {
    fake(size, env);
  } catch (err) {
    await drop();
    throw err;
  }
  return { env, drop };
}

/** What the cases request: a typical post, author, login, and the deep page. */
export interface Targets {
  postId: number;
  username: string;
  email: string;
  /** A page near the end of the index (90% deep). */
  deepPage: number;
  /** The API cursor that starts the same page. */
  deepCursor: string;
}

type Row = Record<string, unknown>;

function sqliteAll(file: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all(sql, params, (err2, rows) => db.close(() => (err2 ? reject(err2) : resolve(rows as Row[]))));
    });
  });
}

export async function sqliteTargets(file: string, size: Size, perPage = 20): Promise<Targets> {
  // A post with the usual three comments, from the middle of the table.
  const [post] = await sqliteAll(
    file,
    `SELECT p.id FROM posts p JOIN comments c ON c.post_id = p.id WHERE p.id >= (SELECT MAX(id) / 2 FROM posts)
     GROUP BY p.id HAVING COUNT(*) = 3 ORDER BY p.id LIMIT 1`,
  );
  // A writer with the usual number of posts (ten), who has a password.
  const typical = Math.round(size.posts / size.users);
  const [user] = await sqliteAll(
    file,
    `SELECT u.username, u.email, COUNT(p.id) AS n FROM users u JOIN posts p ON p.author_id = u.id
     WHERE u.password_hash IS NOT NULL AND u.confirmed GROUP BY u.id ORDER BY ABS(COUNT(p.id) - ?), u.id LIMIT 1`,
    [typical],
  );
  const deepPage = Math.max(2, Math.floor(Math.ceil(size.posts / perPage) * 0.9));
  const [last] = await sqliteAll(file, 'SELECT id, timestamp FROM posts ORDER BY timestamp DESC, id DESC LIMIT 1 OFFSET ?', [(deepPage - 1) * perPage - 1]);
  if (!post || !user || !last) throw new Error(`database ${file} lacks the rows the benchmark needs`);
  return {
    postId: Number(post.id),
    username: String(user.username),
    email: String(user.email),
    deepPage,
    deepCursor: encodeCursor({ timestamp: new Date(String(last.timestamp)), id: Number(last.id) }),
  };
}

/** The machine and the commit measured, for the record. */
export function machine(checkout: string): Record<string, unknown> {
  const cpus = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpus)?.[1] ?? 'unknown';
  const cores = (cpus.match(/^processor\s*:/gm) ?? []).length;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: checkout, encoding: 'utf8' }).trim();
    if (checkout === ROOT && execFileSync('git', ['status', '--porcelain', '--', 'src', 'views', 'migrations', 'seeders'], { cwd: ROOT, encoding: 'utf8' }).trim()) {
      commit += ' + uncommitted changes';
    }
  } catch {
    // not a checkout
  }
  return { cpu: model, cores, node: process.version, commit };
}

/** A fake writer to log in as, on PostgreSQL. */
export async function postgresLogin(env: Record<string, string>): Promise<{ email: string; username: string }> {
  const db = new Sequelize(PG_URL, { logging: false });
  const schema = env.DATABASE_SCHEMA;
  try {
    const rows = await db.query<{ email: string; username: string }>(
      `SELECT u.email, u.username FROM ${schema}.users u JOIN ${schema}.posts p ON p.author_id = u.id
       WHERE u.password_hash IS NOT NULL AND u.confirmed GROUP BY u.id ORDER BY u.id LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    if (!rows[0]) throw new Error('no user to log in as');
    return { email: String(rows[0].email), username: String(rows[0].username) };
  } finally {
    await db.close();
  }
}
