import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { spawnServer, startProxy, WebClient } from './processes';

// The database becomes unreachable (a TCP proxy in front of PostgreSQL is cut):
// pages and the API answer 503, /readyz says so, and service comes back by itself.

const PG = process.env.FAULTS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-outage-'));
const schema = `faults_${crypto.randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const admin = new Sequelize(PG, { logging: false });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
});
afterAll(async () => {
  const admin = new Sequelize(PG, { logging: false });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const eventually = async (check: () => Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
};

test('503 while PostgreSQL is unreachable, recovery without a restart', async () => {
  const url = new URL(PG);
  const proxy = await startProxy(Number(url.port || 5432), url.hostname);
  url.port = String(proxy.port);
  const server = await spawnServer(dir, { DATABASE_URL: url.toString(), DATABASE_SCHEMA: schema });
  try {
    const client = new WebClient(server.url);
    await client.logIn('alice@example.com');
    expect((await client.request('/')).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    proxy.cut();
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const page = await client.request('/');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('Service Unavailable');
    const json = await client.request('/', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(503);
    expect(await json.json()).toMatchObject({ error: 'service unavailable' });
    const api = await fetch(`${server.url}/api/v1/posts/`, {
      headers: { authorization: `Basic ${Buffer.from(`alice@example.com:x`).toString('base64')}`, accept: 'application/json' },
    });
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: string }).error).toBe('service unavailable');

    proxy.restore();
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect((await client.request('/')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await proxy.close();
  }
});
