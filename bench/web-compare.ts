import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../test/support/child-server';
import { FAKE_PASSWORD, sizeOf, sqliteDatabase } from './lib/web-data';
import { BASE_HEADERS, BenchClient } from './lib/web-load';
import { Served, spawnProcess } from './lib/web-server';

// npx tsx bench/web-compare.ts [REF [OTHER]]   (REF default HEAD; OTHER default: the working tree)
//
// Performance work must not change a page: this serves the same database with
// the sources of REF (a temporary git worktree, compiled) and of the working
// tree (or of OTHER), requests the same pages from both as visitors of every
// kind, and prints any page whose HTML differs (CSRF tokens aside).

const ref = process.argv[2] ?? 'HEAD';
const other = process.argv[3];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-compare-'));
const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Classes (public, private), class notes, a member, an administrator and disabled comments on top of the fake data. */
function enrich(file: string): void {
  const now = new Date().toISOString().replace('T', ' ').replace('Z', ' +00:00');
  const sql = `
    INSERT INTO classes (id, name, slug, description, visibility, teacher_id, created_at, updated_at) VALUES
      (901, 'Open Seminar', 'open-seminar', 'All welcome', 'public', 1, '${now}', '${now}'),
      (902, 'Secret Reading Group', 'secret-reading-group', 'Members only', 'private', 2, '${now}', '${now}');
    INSERT INTO registrations (student_id, class_id, role, timestamp) VALUES (3, 902, 'student', '${now}'), (4, 901, 'assistant', '${now}');
    UPDATE posts SET class_id = 901 WHERE id % 7 = 0;
    UPDATE posts SET class_id = 902 WHERE id % 11 = 0;
    UPDATE comments SET disabled = 1 WHERE id % 5 = 0;
    UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'Administrator') WHERE id = 5;
    UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'Moderator') WHERE id = 6;`;
  execFileSync('sqlite3', [file, sql]);
}

function rows(file: string, sql: string): string[][] {
  return execFileSync('sqlite3', ['-separator', '\t', file, sql], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
}

async function serve(name: string, script: string, nodeArgs: string[], database: string): Promise<Served> {
  return spawnProcess({
    script,
    nodeArgs,
    dir,
    name,
    ready: '/readyz',
    env: {
      NODE_ENV: 'production',
      SECRET_KEY: 'compare-secret-key-0123456789abcdef',
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MAIL_OUTBOX: path.join(dir, 'outbox'),
      DATABASE_URL: `sqlite:${database}`,
    },
  });
}

// CSRF tokens differ by design; "last seen a few seconds ago" is each server's own login.
const normalize = (html: string) =>
  html
    .replace(/(name="csrf_token" value=")[^"]+/g, '$1…')
    .replace(/<time datetime="[^"]+" title="[^"]+">a few seconds ago<\/time>/g, '<time>a few seconds ago</time>');

/** A compiled checkout of `commit` in a temporary git worktree. */
function checkout(commit: string, name: string): string {
  const worktree = path.join(dir, name);
  execFileSync('git', ['worktree', 'add', '--detach', worktree, commit], { cwd: ROOT, stdio: 'ignore' });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(worktree, 'node_modules'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: worktree, stdio: 'ignore' });
  } catch {
    // type errors still emit JS
  }
  return worktree;
}

async function relatedReady(server: Served, page: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const html = await (await fetch(server.url + page, { headers: BASE_HEADERS })).text();
    if (html.includes('related-heading')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${server.url}: no related notes on ${page} after a minute`);
}

async function main(): Promise<void> {
  const worktrees = [checkout(ref, 'ref'), ...(other ? [checkout(other, 'other')] : [])];
  const base = sqliteDatabase(sizeOf(1000), dir);
  enrich(base);
  const copies = ['ref', 'tree'].map((n) => {
    const f = path.join(dir, `${n}.sqlite`);
    fs.copyFileSync(base, f);
    return f;
  });
  const servers = [
    await serve('ref', path.join(worktrees[0], 'dist/src/server.js'), [], copies[0]),
    other
      ? await serve('other', path.join(worktrees[1], 'dist/src/server.js'), [], copies[1])
      : await serve('tree', path.join(ROOT, 'src/server.ts'), ['--import', loader], copies[1]),
  ];
  let differ = 0;
  let compared = 0;
  try {
    const user = (id: number) => rows(base, `SELECT username, email FROM users WHERE id = ${id}`)[0];
    const popular = rows(base, 'SELECT post_id FROM comments GROUP BY post_id ORDER BY COUNT(*) DESC, post_id LIMIT 1')[0][0];
    const [classNote] = rows(base, 'SELECT id FROM posts WHERE class_id = 902 LIMIT 1')[0];
    // Post pages show related notes only once the per-process index is built (in the
    // background, from the first post page on): wait for it on both, or which pages
    // show them depends on how fast each server answered the pages before.
    await Promise.all(servers.map((s) => relatedReady(s, `/post/${popular}`)));
    const paths = [
      '/', '/?page=2', '/?page=45', '/?page=50', '/?page=999', '/?page=-1', '/?page=junk',
      `/post/${popular}`, `/post/${popular}?page=-1`, `/post/${popular}?page=2`, `/post/${classNote}`, '/post/1', '/post/99999',
      `/user/${encodeURIComponent(user(1)[0])}`, `/user/${encodeURIComponent(user(3)[0])}?page=2`, `/user/${encodeURIComponent(user(2)[0])}`,
      '/class/open-seminar', '/class/open-seminar?page=2', '/class/secret-reading-group', '/classes',
      `/followers/${encodeURIComponent(user(1)[0])}`, '/moderate', '/moderate?page=3',
    ];
    const visitors: [string, number | null, Record<string, string>][] = [
      ['anonymous', null, {}],
      ['member of the private class', 3, {}],
      ['member, followed posts', 3, { show_followed: '1' }],
      ['assistant', 4, {}],
      ['administrator', 5, {}],
      ['moderator', 6, {}],
    ];
    for (const [who, id, extra] of visitors) {
      const clients = servers.map((s) => new BenchClient(s.url));
      if (id !== null) for (const c of clients) await c.logIn(user(id)[1], FAKE_PASSWORD);
      const cookieOf = (c: BenchClient) => {
        const jar = (c as unknown as { cookies: Map<string, string> }).cookies;
        for (const [k, v] of Object.entries(extra)) jar.set(k, v);
      };
      clients.forEach(cookieOf);
      for (const p of paths) {
        const [a, b] = await Promise.all(clients.map(async (c) => {
          const res = await c.request(p, { headers: BASE_HEADERS });
          return `${res.status}\n${res.headers.get('location') ?? ''}\n${normalize(await res.text())}`;
        }));
        compared++;
        if (a !== b) {
          differ++;
          const la = a.split('\n');
          const lb = b.split('\n');
          const at = la.findIndex((line, i) => line !== lb[i]);
          console.log(`DIFFERS ${who} ${p} (line ${at + 1}):\n  ${ref}: ${la[at]?.trim().slice(0, 300)}\n  ${other ?? 'tree'}: ${lb[at]?.trim().slice(0, 300)}`);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const w of worktrees) execFileSync('git', ['worktree', 'remove', '--force', w], { cwd: ROOT, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${compared} pages compared, ${differ} differ`);
  process.exit(differ ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
