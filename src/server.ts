import http from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createDeps } from './deps';
import { loadEnvFile } from './env-file';
import { prepareDatabase } from './migrate';

// The only module that listens. `npm start`: migrate, seed an empty database, serve.

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  loadEnvFile(process.cwd());
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const deps = createDeps(config);
  const notes: string[] = [];
  await prepareDatabase({ sequelize: deps.sequelize, config, report: (line) => notes.push(line) });

  const server = http.createServer(createApp(config, deps));
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `Port ${config.port} is already in use (set PORT to another one).` : err.message);
    process.exit(1);
  });
  server.listen(config.port, () => {
    const url = `http://localhost:${config.port}`;
    console.log(`mlnotes (${config.profile}) is serving on ${url}`);
    for (const line of notes) console.log(line);
    console.log(`Log in at ${url}/auth/login, or register at ${url}/auth/register` +
      (config.mail.server ? '.' : ` (confirmation mails go to ${config.mail.outboxDir}).`));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(async () => {
      clearTimeout(force);
      await deps.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
