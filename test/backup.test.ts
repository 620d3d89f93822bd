import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { backupSqlite } from '../src/cli/backup';
import { Post } from '../src/models';
import { createTestApp, makeUser, TestApp } from './helpers';

// `npm run db:backup -- FILE`: a consistent copy while the app keeps writing.

let t: TestApp;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-backup-'));
const source = path.join(dir, 'live.sqlite');

beforeAll(async () => {
  t = await createTestApp({ DATABASE_URL: `sqlite:${source}` });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a backup taken during writes is a consistent, complete database', async () => {
  const author = await makeUser();
  for (let i = 0; i < 50; i++) await Post.create({ body: `before ${i}`, authorId: author.id });
  const before = await Post.count();

  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) await Post.create({ body: `during ${n++}`, authorId: author.id });
    return n;
  })();
  const target = path.join(dir, 'copy', 'backup.sqlite');
  await backupSqlite(source, target);
  writing = false;
  const written = await writer;
  expect(written).toBeGreaterThan(0);

  const copy = new Sequelize({ dialect: 'sqlite', storage: target, logging: false });
  try {
    const [check] = await copy.query<{ integrity_check: string }>('PRAGMA integrity_check', { type: QueryTypes.SELECT });
    expect(check.integrity_check).toBe('ok');
    const [{ n }] = await copy.query<{ n: number }>('SELECT COUNT(*) AS n FROM posts', { type: QueryTypes.SELECT });
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(before + written);
    const [{ users }] = await copy.query<{ users: number }>('SELECT COUNT(*) AS users FROM users', { type: QueryTypes.SELECT });
    expect(users).toBeGreaterThan(0);
  } finally {
    await copy.close();
  }
});

test('a missing source database is a clear error', async () => {
  await expect(backupSqlite(path.join(dir, 'nope.sqlite'), path.join(dir, 'x.sqlite'))).rejects.toThrow('No database at');
});
