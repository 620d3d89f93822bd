import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataTypes, QueryTypes, Sequelize } from 'sequelize';
import type { Config } from '../src/config';
import { createSequelize } from '../src/db';

// The settings every SQLite connection gets (src/db.ts), and the column types
// Sequelize asks of the schema, remembered until the schema changes.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-sqlite-'));
let sequelize: Sequelize;

beforeAll(() => {
  sequelize = createSequelize({ databaseUrl: `sqlite:${path.join(dir, 'db.sqlite')}`, rootDir: dir } as Config);
});
afterAll(async () => {
  await sequelize.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pragma = async (name: string) => (await sequelize.query<Record<string, unknown>>(`PRAGMA ${name}`, { type: QueryTypes.SELECT }))[0];

test('a file database runs in WAL mode with foreign keys and a busy timeout', async () => {
  expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
  expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
  expect(await pragma('busy_timeout')).toEqual({ timeout: 8000 });
});

test('a transaction gets its own connection, set up the same way', async () => {
  const inside = await sequelize.transaction(async (transaction) =>
    sequelize.query<Record<string, unknown>>('PRAGMA busy_timeout', { type: QueryTypes.SELECT, transaction }),
  );
  expect(inside[0]).toEqual({ timeout: 8000 });
});

test('model reads parse columns by their declared type, and see a column added later', async () => {
  await sequelize.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, seen DATETIME)');
  await sequelize.query("INSERT INTO notes (id, seen) VALUES (1, '2024-01-02 03:04:05.000 +00:00')");
  const Note = sequelize.define('Note', { seen: DataTypes.DATE }, { tableName: 'notes', timestamps: false });
  for (let i = 0; i < 2; i++) {
    const [row] = (await Note.findAll()).map((n) => n.get({ plain: true }));
    expect(row.seen).toEqual(new Date('2024-01-02T03:04:05Z'));
  }

  await sequelize.query('ALTER TABLE notes ADD COLUMN done DATETIME');
  await sequelize.query("UPDATE notes SET done = '2025-06-07 08:09:10.000 +00:00'");
  const Later = sequelize.define('Later', { seen: DataTypes.DATE, done: DataTypes.DATE }, { tableName: 'notes', timestamps: false });
  const [row] = (await Later.findAll()).map((n) => n.get({ plain: true }));
  // A Date only if the new column's declared type is known: a stale view of the schema leaves the string.
  expect(row.done).toEqual(new Date('2025-06-07T08:09:10Z'));
});

test('concurrent write transactions all commit, one after another; one opened inside another runs at once', async () => {
  await sequelize.query('CREATE TABLE IF NOT EXISTS tally (n INTEGER)');
  const order: string[] = [];
  const write = (i: number) =>
    sequelize.transaction({ type: 'IMMEDIATE' as never }, async (transaction) => {
      order.push(`begin ${i}`);
      await sequelize.query('INSERT INTO tally (n) VALUES (?)', { replacements: [i], transaction });
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${i}`);
    });
  await Promise.all(Array.from({ length: 8 }, (_, i) => write(i)));
  // Each transaction ends before the next begins.
  expect(order).toEqual(Array.from({ length: 8 }, (_, i) => [`begin ${i}`, `end ${i}`]).flat());
  const nested = await sequelize.transaction(async () => sequelize.transaction(async () => 'inner done'));
  expect(nested).toBe('inner done');
  const [count] = await sequelize.query<{ c: number }>('SELECT COUNT(*) AS c FROM tally', { type: QueryTypes.SELECT });
  expect(count.c).toBe(8);
});
