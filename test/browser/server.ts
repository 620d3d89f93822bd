import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverCommand, startChildServer } from '../support/child-server';

/** The password of the demo accounts the development seeders create (seeders/0003-demo-users.ts). */
export const DEMO_PASSWORD = 'browser-demo-password';
export const DEMO_USERS = {
  admin: 'admin@example.com',
  moderator: 'moderator@example.com',
  alice: 'alice@example.com',
  bob: 'bob@example.com',
} as const;

export interface RunningServer {
  url: string;
  port: number;
  /** The temporary folder holding the database, the outbox and the server log. */
  dir: string;
  outboxDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the real server as a child process on a free port, with a fresh SQLite
 * file, outbox and log in a temporary folder. Development profile, so the
 * empty database is seeded with the demo accounts (password DEMO_PASSWORD) and
 * mails go to the outbox. It runs in the temporary folder so no .env is read.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-browser-'));
  const outboxDir = path.join(dir, 'outbox');
  const { args, what } = serverCommand();
  const server = await startChildServer({
    name: `the server (started ${what})`,
    args,
    dir,
    logName: () => 'server.log',
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: `sqlite:${path.join(dir, 'browser.sqlite')}`,
      MAIL_OUTBOX: outboxDir,
      BCRYPT_ROUNDS: '4',
      DEMO_PASSWORD,
      LOG_LEVEL: 'info',
      ...env,
    },
    readyPath: '/auth/login',
    timeoutMs: 30_000,
    pollMs: 150,
    logTail: (log) => log.trimEnd().split('\n').slice(-40).join('\n'),
  });
  const { url, port, logFile } = server;
  return {
    url,
    port,
    dir,
    outboxDir,
    logFile,
    async stop() {
      await server.stop(5000);
      // Kept when asked, to read the server log and database after a run.
      if (!process.env.KEEP_BROWSER_TMP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
