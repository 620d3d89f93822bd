import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, startProxy, WebClient, PASSWORD } from './processes';

// Redis (sessions, rate-limit counters) becomes unreachable: pages that need a
// session answer 503 (never someone else's login), the token API keeps
// working, and everything recovers by itself when Redis returns.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-redis-'));
afterAll(() => process.env.KEEP_FAULT_TMP || fs.rmSync(dir, { recursive: true, force: true }));

const eventually = async (check: () => Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
};

test('503 for sessions while Redis is away, the token API unaffected, recovery without a restart', async () => {
  const proxy = await startProxy(6379);
  const server = await spawnServer(dir, {
    DATABASE_URL: `sqlite:${path.join(dir, 'redis.sqlite')}`,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
  });
  try {
    const client = new WebClient(server.url);
    await client.logIn('alice@example.com');
    expect(await (await client.request('/')).text()).toContain('Hello, alice!');
    const auth = { authorization: `Basic ${Buffer.from(`alice@example.com:${PASSWORD}`).toString('base64')}`, accept: 'application/json' };
    const token = ((await (await fetch(`${server.url}/api/v1/tokens/`, { method: 'POST', headers: auth })).json()) as { token: string }).token;
    const withToken = { authorization: `Bearer ${token}`, accept: 'application/json' };

    proxy.cut();
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const page = await client.request('/');
    expect(page.status).toBe(503);
    expect(await page.text()).not.toContain('Hello, alice!');
    expect((await client.request('/', { headers: { accept: 'application/json' } })).status).toBe(503);
    const api = await fetch(`${server.url}/api/v1/posts/`, { headers: withToken });
    expect(api.status).toBe(200);
    const byPassword = await fetch(`${server.url}/api/v1/posts/`, { headers: auth });
    expect(byPassword.status).toBe(200);

    proxy.restore();
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect(await (await client.request('/')).text()).toContain('Hello, alice!');
    expect(server.child.exitCode).toBeNull();
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await proxy.close();
  }
});
