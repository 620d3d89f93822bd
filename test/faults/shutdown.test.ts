import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, WebClient } from './processes';

// SIGTERM while requests are in flight: every one of them is answered, then the
// process exits 0.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-shutdown-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('SIGTERM during a load of requests fails none and exits 0', async () => {
  // bcrypt at cost 10 keeps each login busy for tens of milliseconds, so the
  // requests are still running when the signal arrives.
  const server = await spawnServer(dir, { DATABASE_URL: `sqlite:${path.join(dir, 'shutdown.sqlite')}`, BCRYPT_ROUNDS: '10', LOGIN_RATE_LIMIT_PER_CLIENT: '1000', LOGIN_RATE_LIMIT_PER_ACCOUNT: '1000' });
  const clients = await Promise.all(
    Array.from({ length: 24 }, async () => {
      const client = new WebClient(server.url);
      return { client, token: await client.csrf('/auth/login') };
    }),
  );
  const started = Date.now();
  const inFlight = clients.map(({ client, token }) =>
    client
      .postForm('/auth/login', { email: 'alice@example.com', password: 'wrong password', csrf_token: token })
      .then((res) => res.status, (err: Error) => `failed: ${err.message}`),
  );
  await new Promise((r) => setTimeout(r, 60));
  server.child.kill('SIGTERM');
  const statuses = await Promise.all(inFlight);
  expect(statuses).toEqual(clients.map(() => 200));
  expect(await server.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000);
  // And it no longer accepts connections.
  await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
});
