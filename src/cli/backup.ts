import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';

// All pages in one step: under WAL the copy reads one snapshot while writers carry on
// (small steps would restart whenever the app writes in between).
const PAGES_PER_STEP = -1;

// node-sqlite3 has Database#backup but its type definitions omit it.
interface Backup {
  step(pages: number, cb: (err: Error | null) => void): void;
  finish(cb: (err: Error | null) => void): void;
  readonly completed: boolean;
  readonly failed: boolean;
}
type WithBackup = sqlite3.Database & { backup(dest: string, cb: (err: Error | null) => void): Backup };

/** A consistent, point-in-time copy of a live SQLite database through SQLite's online backup API. */
export async function backupSqlite(sourcePath: string, destPath: string): Promise<void> {
  if (!fs.existsSync(sourcePath)) throw new Error(`No database at ${sourcePath}`);
  fs.mkdirSync(path.dirname(path.resolve(destPath)), { recursive: true });
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(sourcePath, sqlite3.OPEN_READWRITE, (err) => (err ? reject(err) : resolve(handle)));
  });
  db.configure('busyTimeout', 8000);
  try {
    await new Promise<void>((resolve, reject) => {
      const backup = (db as WithBackup).backup(destPath, (err: Error | null) => {
        if (err) return reject(err);
        const step = () =>
          backup.step(PAGES_PER_STEP, (stepErr: Error | null) => {
            if (stepErr) return reject(stepErr);
            if (backup.completed) return backup.finish((finishErr: Error | null) => (finishErr ? reject(finishErr) : resolve()));
            if (backup.failed) return reject(new Error('backup failed'));
            setImmediate(step);
          });
        step();
      });
    });
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
