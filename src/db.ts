import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Options } from 'sequelize';
import type { Config } from './config';

interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
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
  return new Sequelize({
    ...common,
    dialect: 'sqlite',
    storage,
    hooks: {
      afterConnect: async (connection: unknown) => {
        const db = connection as SqliteConnection;
        db.configure('busyTimeout', BUSY_TIMEOUT_MS);
        await new Promise<void>((resolve, reject) =>
          db.exec('PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;', (err) => (err ? reject(err) : resolve())),
        );
      },
    },
  });
}
