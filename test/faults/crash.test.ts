import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { spawnServer, WebClient } from './processes';

// kill -9 in the middle of a burst of post creations: every post whose redirect
// reached the client is there after a restart, and the database opens cleanly.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-crash-'));
const dbFile = path.join(dir, 'crash.sqlite');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('acknowledged posts survive kill -9', async () => {
  const env = { DATABASE_URL: `sqlite:${dbFile}` };
  const server = await spawnServer(dir, env);
  const client = new WebClient(server.url);
  await client.logIn('alice@example.com');
  const token = await client.csrf('/');

  const acknowledged: string[] = [];
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const body = `burst ${w}-${i}`;
      try {
        const res = await client.postForm('/', { body, csrf_token: token });
        if (res.status === 302) acknowledged.push(body);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = Array.from({ length: 6 }, (_, w) => writer(w));
  while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5));
  killed = true;
  server.child.kill('SIGKILL');
  await Promise.all(writers);
  await server.exited;

  const restarted = await spawnServer(dir, env);
  try {
    expect((await fetch(`${restarted.url}/readyz`)).status).toBe(200);
    const db = new Sequelize({ dialect: 'sqlite', storage: dbFile, logging: false });
    try {
      const [check] = await db.query<{ integrity_check: string }>('PRAGMA integrity_check', { type: QueryTypes.SELECT });
      expect(check.integrity_check).toBe('ok');
      const rows = await db.query<{ body: string }>("SELECT body FROM posts WHERE body LIKE 'burst %'", { type: QueryTypes.SELECT });
      const stored = new Set(rows.map((r) => r.body));
      const lost = acknowledged.filter((b) => !stored.has(b));
      expect(lost).toEqual([]);
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    } finally {
      await db.close();
    }
  } finally {
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }
});
