import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// A server as a child process on a free port, as the browser suite, the fault
// suite and the web benchmark each start it: one place for the spawn, the log,
// the readiness poll and the clean-up, so the three cannot drift apart.

export const ROOT = path.resolve(__dirname, '../..');
const COMPILED = path.join(ROOT, 'dist/src/server.js');

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

export interface ChildServerOptions {
  /** Names the child in start errors. */
  name: string;
  /** What node runs: its flags, the script and the script's arguments. */
  args: string[];
  /** The folder that holds the log, and HOME when this process has none. */
  dir: string;
  /** The log's file name in `dir`, given the port. */
  logName: (port: number) => string;
  /** Where the child runs; by default `dir`, away from the checkout, so no .env is read. */
  cwd?: string;
  /** Set on top of PATH, HOME and PORT: nothing else of this process's environment reaches the child. */
  env: Record<string, string>;
  /** A path that answers 2xx, not a redirect, once the server takes requests. */
  readyPath: string;
  timeoutMs: number;
  pollMs?: number;
  /** The part of the log a start error shows; all of it by default. */
  logTail?: (log: string) => string;
}

export interface ChildServer {
  url: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (null after a signal) once the child is gone. */
  exited: Promise<number | null>;
  log(): string;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs: number): Promise<number | null>;
}

/** Spawns the child and resolves once `readyPath` answers; throws with the log's tail if it exits or the time runs out. */
export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  const port = await freePort();
  const logFile = path.join(opts.dir, opts.logName(port));
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd ?? opts.dir,
    stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? opts.dir, PORT: String(port), ...opts.env },
  });
  fs.closeSync(out);
  // Never leave a server behind, even when this process dies mid-run.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', killOnExit);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const log = () => fs.readFileSync(logFile, 'utf8');
  const fail = (what: string): Error => {
    child.kill('SIGKILL');
    let shown: string;
    try {
      shown = (opts.logTail ?? ((all: string) => all))(log());
    } catch {
      shown = '(no log)';
    }
    return new Error(`${opts.name} ${what}:\n${shown}`);
  };
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw fail(`exited (${child.exitCode ?? child.signalCode})`);
    try {
      if ((await fetch(url + opts.readyPath, { redirect: 'manual' })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw fail(`did not answer ${opts.readyPath} on ${url} within ${opts.timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 100));
  }
  return {
    url,
    port,
    child,
    logFile,
    exited,
    log,
    async stop(graceMs) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
