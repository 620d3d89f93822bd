import { ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startChildServer } from '../../test/support/child-server';

// The server under test as a child process (the compiled dist/src/server.js,
// what `npm start` runs), and its CPU time read from /proc: utime + stime of the
// process and, in cluster mode, of its workers. Threadpool threads (bcrypt,
// SQLite) belong to the process, so their CPU is counted too.

/** The checkout whose compiled server is measured: this one, or a git worktree of another commit (--ref). */
let appRoot = ROOT;
export const appDir = () => appRoot;
const compiledServer = () => path.join(appRoot, 'dist/src/server.js');

/** Measures `commit` instead of the working tree: a temporary git worktree sharing node_modules. */
export function useCommit(commit: string, parent: string): () => void {
  const worktree = path.join(parent, 'ref');
  execFileSync('git', ['worktree', 'add', '--detach', worktree, commit], { cwd: ROOT, stdio: 'ignore' });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(worktree, 'node_modules'));
  appRoot = worktree;
  return () => {
    appRoot = ROOT;
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'ignore' });
  };
}
const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** `npm run build` (tsc). Type errors elsewhere still emit JS: warn and go on if the server was built. */
export function build(): void {
  const started = Date.now();
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: appRoot, stdio: 'pipe' });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    if (!fs.existsSync(compiledServer())) throw new Error(`build failed:\n${out}`);
    console.warn(`warning: tsc reported errors (JS was emitted anyway):\n${out.split('\n').slice(0, 5).join('\n')}`);
  }
  console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** CPU milliseconds (user + system) a process has used so far; 0 if it is gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Direct children of a process (the cluster workers of a primary). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export interface Served {
  url: string;
  pid: number;
  child: ChildProcess;
  /** CPU ms of the process and its workers (the set of workers is read when asked). */
  cpuMs(): number;
  /** Process ids counted by cpuMs. */
  pids(): number[];
  log(): string;
  stop(): Promise<number | null>;
}

/** Spawns `node <script>` with `env`, waits for `ready` (a path answering 2xx) and returns it. */
export async function spawnProcess(opts: {
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env: Record<string, string>;
  dir: string;
  name: string;
  ready?: string;
}): Promise<Served> {
  const server = await startChildServer({
    name: opts.name,
    args: [...(opts.nodeArgs ?? []), opts.script, ...(opts.args ?? [])],
    dir: opts.dir,
    logName: (port) => `${opts.name}-${port}.log`,
    cwd: ROOT,
    env: opts.env,
    readyPath: opts.ready ?? '/healthz',
    timeoutMs: START_TIMEOUT_MS,
    logTail: (log) => log.slice(-3000),
  });
  const { url, child, log } = server;
  const pid = child.pid!;
  const pids = () => [pid, ...childrenOf(pid)];
  return {
    url,
    pid,
    child,
    pids,
    cpuMs: () => pids().reduce((sum, p) => sum + processCpuMs(p), 0),
    log,
    stop: () => server.stop(15_000),
  };
}

/**
 * The app in the production profile, as it would run behind nginx: TLS ends at
 * the proxy (127.0.0.1, trusted), which says so with X-Forwarded-Proto, so the
 * Secure session cookie is set. Logs at the production level, to a file.
 */
export function startApp(dir: string, env: Record<string, string>): Promise<Served> {
  return spawnProcess({
    script: compiledServer(),
    dir,
    name: 'server',
    ready: '/readyz',
    env: {
      NODE_ENV: 'production',
      SECRET_KEY: 'bench-secret-key-not-for-production-use-0123456789',
      TRUST_PROXY: '127.0.0.1',
      MAIL_OUTBOX: path.join(dir, 'outbox'),
      LOGIN_RATE_LIMIT_PER_CLIENT: '100000',
      LOGIN_RATE_LIMIT_PER_ACCOUNT: '100000',
      API_RATE_LIMIT_PER_CLIENT: '100000',
      API_RATE_LIMIT_PER_ACCOUNT: '100000',
      ...env,
    },
  });
}

/** The bare node:http ceiling (web-ceiling.ts), answering `response` (a JSON file: status, headers, body). */
export function startCeiling(dir: string, responseFile: string): Promise<Served> {
  const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  return spawnProcess({ script: path.join(__dirname, 'web-ceiling.ts'), nodeArgs: ['--import', loader], args: [responseFile], dir, name: 'ceiling', ready: '/', env: {} });
}
