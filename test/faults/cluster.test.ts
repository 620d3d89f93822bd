import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { serverCommand } from '../support/child-server';
import { spawnServer, WebClient } from './processes';

// WEB_CONCURRENCY: refused on SQLite with a clear message; on PostgreSQL + Redis
// the workers share the port and the sessions, and SIGTERM stops them all cleanly.

const PG = process.env.FAULTS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-cluster-'));
const schema = `cluster_${crypto.randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const admin = new Sequelize(PG, { logging: false });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('WEB_CONCURRENCY > 1 on SQLite is refused in one clear line', async () => {
  const child = spawn(process.execPath, serverCommand().args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', WEB_CONCURRENCY: '2', DATABASE_URL: `sqlite:${path.join(dir, 'x.sqlite')}`, PORT: '0' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(stderr.trim()).toMatch(/^WEB_CONCURRENCY > 1 needs PostgreSQL/);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});

test('two workers on PostgreSQL + Redis share the port and the sessions, and stop cleanly', async () => {
  const admin = new Sequelize(PG, { logging: false });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const server = await spawnServer(dir, {
    DATABASE_URL: PG,
    DATABASE_SCHEMA: schema,
    REDIS_URL: 'redis://127.0.0.1:6379',
    WEB_CONCURRENCY: '2',
  });
  try {
    const client = new WebClient(server.url);
    await client.logIn('alice@example.com');
    // Fresh connections are spread over the workers; the login holds on every one.
    for (let i = 0; i < 12; i++) {
      const res = await client.request('/', { headers: { connection: 'close' } });
      expect(await res.text()).toContain('Hello, alice!');
    }
  } finally {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
});
