import cluster from 'node:cluster';
import http from 'node:http';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { isSqlite } from './db';
import { createDeps } from './deps';
import { loadEnvFile } from './env-file';
import { prepareDatabase } from './migrate';

// The only module that listens. `npm start`: migrate, seed an empty database,
// serve; with WEB_CONCURRENCY=N, a primary that migrates once and N workers.

const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): Config {
  loadEnvFile(process.cwd());
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Migrates (and seeds an empty database) once, before any worker serves. */
async function prepare(config: Config): Promise<string[]> {
  const deps = createDeps(config);
  const notes: string[] = [];
  try {
    await prepareDatabase({ sequelize: deps.sequelize, config, report: (line) => notes.push(line) });
  } finally {
    await deps.close();
  }
  return notes;
}

function printWelcome(config: Config, notes: string[]): void {
  const url = `http://localhost:${config.port}`;
  const workers = config.webConcurrency > 1 ? ` with ${config.webConcurrency} workers` : '';
  console.log(`mlnotes (${config.profile}) is serving on ${url}${workers}`);
  for (const line of notes) console.log(line);
  console.log(
    `Log in at ${url}/auth/login, or register at ${url}/auth/register` +
      (config.mail.server ? '.' : ` (confirmation mails are written to ${config.mail.outboxDir}).`),
  );
}

/** One serving process: resolves once listening; SIGTERM/SIGINT drain it and exit 0. */
async function serve(config: Config, onListening?: () => void): Promise<void> {
  const deps = createDeps(config);
  await deps.start();
  const server = http.createServer(createApp(config, deps));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${config.port} is already in use (set PORT to another one).`) : err),
    );
    server.listen(config.port, () => resolve());
  });
  onListening?.();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal, pid: process.pid }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
    server.close(async () => {
      clearTimeout(force);
      let code = 0;
      try {
        await deps.close();
      } catch (err) {
        deps.log.error({ err }, 'shutdown cleanup failed');
        code = 1;
      }
      process.exit(code);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const config = readConfig();
  if (cluster.isWorker) return serve(config);

  if (config.webConcurrency > 1 && isSqlite(config.databaseUrl)) {
    console.error('WEB_CONCURRENCY > 1 needs PostgreSQL (DATABASE_URL=postgres://...): SQLite allows one writing process.');
    process.exit(1);
  }
  const notes = await prepare(config);
  if (config.webConcurrency === 1) return serve(config, () => printWelcome(config, notes));

  // Primary: fork the workers, replace any that dies, forward shutdown signals.
  let stopping = false;
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === config.webConcurrency) printWelcome(config, notes);
  });
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`worker ${worker.process.pid} exited (${code}); starting another`);
      cluster.fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork();
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
