import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(__dirname, '../..');
const COMPILED = path.join(ROOT, 'dist/src/server.js');
const START_TIMEOUT_MS = 30_000;

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

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

// The compiled server when `npm run build` is up to date (what `npm start` and
// CI run); otherwise the sources through tsx's loader in the same process (its
// CLI wrapper would turn a slow SIGTERM into a SIGKILL), so a stale dist/ is
// never tested.
export function serverCommand(): { args: string[]; what: string } {
  const sources = Math.max(...['src', 'migrations', 'seeders'].map((d) => newestMtime(path.join(ROOT, d))));
  if (fs.existsSync(COMPILED) && fs.statSync(COMPILED).mtimeMs >= sources) {
    return { args: [COMPILED], what: 'dist/src/server.js' };
  }
  const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  return { args: ['--import', loader, path.join(ROOT, 'src/server.ts')], what: 'tsx src/server.ts' };
}

/**
 * Starts the real server as a child process on a free port, with a fresh SQLite
 * file, outbox and log in a temporary folder. Development profile, so the
 * empty database is seeded with the demo accounts (password DEMO_PASSWORD) and
 * mails go to the outbox. It runs in the temporary folder so no .env is read.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-browser-'));
  const port = await freePort();
  const outboxDir = path.join(dir, 'outbox');
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const { args, what } = serverCommand();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: `sqlite:${path.join(dir, 'browser.sqlite')}`,
      MAIL_OUTBOX: outboxDir,
      BCRYPT_ROUNDS: '4',
      DEMO_PASSWORD,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  fs.closeSync(log);
  // Never leave a server behind, even when the test process dies mid-run.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(child, url);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message} (started ${what}); server log:\n${tail(logFile)}`);
  }
  return { url, port, dir, outboxDir, logFile, stop: () => stopChild(child, dir) };
}

async function waitUntilServing(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited with ${child.exitCode ?? child.signalCode}`);
    try {
      const res = await fetch(url + '/auth/login', { redirect: 'manual' });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the server did not answer on ${url} within ${START_TIMEOUT_MS / 1000}s`);
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  // Kept when asked, to read the server log and database after a run.
  if (!process.env.KEEP_BROWSER_TMP) fs.rmSync(dir, { recursive: true, force: true });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
