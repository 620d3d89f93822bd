import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Options } from 'sequelize';
import type { Config } from './config';

type Callback = (this: unknown, err: Error | null, rows?: unknown) => void;

interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
  all(sql: string, ...rest: unknown[]): unknown;
  run(sql: string, ...rest: unknown[]): unknown;
}

const BUSY_TIMEOUT_MS = 8000;

/** `sqlite:relative/or/absolute/path` or `sqlite::memory:` → a storage path for Sequelize. */
export function sqliteStorage(url: string, rootDir: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:' || rest === '') return ':memory:';
  return path.isAbsolute(rest) ? rest : path.join(rootDir, rest);
}

export function isSqlite(databaseUrl: string): boolean {
  return databaseUrl.startsWith('sqlite:');
}

/**
 * SQLite: a file created on first use, WAL journal (readers never block the
 * writer), foreign keys on, and a busy timeout so concurrent writers wait
 * instead of failing with SQLITE_BUSY. Sequelize opens one connection per
 * transaction on SQLite, so every connection gets the same settings.
 */
export function createSequelize(config: Config, logging: Options['logging'] = false): Sequelize {
  const common: Options = { logging, benchmark: Boolean(logging), define: { underscored: true, timestamps: false } };
  if (!isSqlite(config.databaseUrl)) {
    const schema = config.databaseSchema;
    return new Sequelize(config.databaseUrl, {
      ...common,
      pool: { max: 10 },
      ...(schema ? { searchPath: schema, dialectOptions: { prependSearchPath: true } } : {}),
    });
  }
  const storage = sqliteStorage(config.databaseUrl, config.rootDir);
  if (storage !== ':memory:') fs.mkdirSync(path.dirname(storage), { recursive: true });
  const sequelize = new Sequelize({ ...common, dialect: 'sqlite', storage });
  configureConnections(sequelize);
  serializeTransactions(sequelize);
  return sequelize;
}

/**
 * On SQLite, Sequelize gives each transaction its own connection, and a connection
 * waiting for the write lock (busy timeout) blocks one of libuv's four threads. Six
 * concurrent writes were enough for the waiters to hold every thread while the
 * lock holder waited for one to run its next statement: 8-second stalls. So this
 * process runs its transactions one after another (they are short); the busy
 * timeout is left for other processes (the CLI). A transaction opened inside
 * another one's callback runs at once instead of queueing behind itself.
 */
function serializeTransactions(sequelize: Sequelize): void {
  const transaction = sequelize.transaction.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  const insideOne = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  sequelize.transaction = ((...args: unknown[]) => {
    const managed = args.some((a) => typeof a === 'function');
    if (!managed || insideOne.getStore()) return transaction(...args);
    const run = tail.then(() => insideOne.run(true, () => transaction(...args)));
    tail = run.catch(() => undefined);
    return run;
  }) as typeof sequelize.transaction;
}

/**
 * Sequelize's SQLite dialect never runs the afterConnect hook (its connection
 * manager opens databases itself), so each new connection is set up here, on
 * its way out of getConnection, before its first query runs.
 */
function configureConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: object): Promise<SqliteConnection> };
  const getConnection = manager.getConnection.bind(manager);
  const ready = new WeakMap<SqliteConnection, Promise<void>>();
  const columns = new Map<string, unknown>();
  manager.getConnection = async (options?: object) => {
    const db = await getConnection(options);
    let setUp = ready.get(db);
    if (!setUp) {
      setUp = setUpConnection(db, columns);
      ready.set(db, setUp);
    }
    await setUp;
    return db;
  };
}

// Sequelize asks `PRAGMA table_info` of every table a model query reads, on every
// query, to parse the result by declared column type: a second statement and a
// threadpool round trip per table. The answer only changes with the schema, so it
// is remembered until this process changes a table. (Migrations run before the
// server starts; a server is restarted after migrating.)
const TABLE_INFO = /^PRAGMA table_info\(`[^`]+`\)$/;
const SCHEMA_CHANGE = /\b(CREATE|ALTER|DROP)\s+(TEMP\w*\s+)?TABLE\b/i;

async function setUpConnection(db: SqliteConnection, columns: Map<string, unknown>): Promise<void> {
  db.configure('busyTimeout', BUSY_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => db.exec('PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;', (err) => (err ? reject(err) : resolve())));
  const forgetOnSchemaChange = (method: 'all' | 'run' | 'exec') => {
    const original = db[method].bind(db) as (sql: string, ...rest: unknown[]) => unknown;
    return (sql: string, ...rest: unknown[]) => {
      if (typeof sql === 'string' && SCHEMA_CHANGE.test(sql)) columns.clear();
      return original(sql, ...rest);
    };
  };
  const all = forgetOnSchemaChange('all');
  db.run = forgetOnSchemaChange('run');
  db.exec = forgetOnSchemaChange('exec');
  db.all = (sql: string, ...rest: unknown[]) => {
    const cb = rest[0];
    if (rest.length !== 1 || typeof cb !== 'function' || !TABLE_INFO.test(sql)) return all(sql, ...rest);
    const done = cb as Callback;
    const known = columns.get(sql);
    if (known) {
      process.nextTick(() => done.call(db, null, known));
      return db;
    }
    return all(sql, function (this: unknown, err: Error | null, rows?: unknown) {
      if (!err && Array.isArray(rows)) columns.set(sql, Object.freeze(rows));
      done.call(this, err, rows);
    });
  };
}
