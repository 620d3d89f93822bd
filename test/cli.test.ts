import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Sequelize } from 'sequelize';
import { CliError, createUser, setRole } from '../src/cli/users';
import { Follow, Role, User } from '../src/models';
import { createTestApp, makeUser, TestApp } from './helpers';

// The operator commands: first through their functions on the test database,
// then once as the real CLI on a SQLite file of its own.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const withRole = (id: number) => User.findByPk(id, { include: [{ model: Role, as: 'role' }] });

describe('user:create', () => {
  test('creates a confirmed administrator without email', async () => {
    const created = await createUser({ email: 'Ops@Example.com', username: 'ops', password: 'cat in a hat', role: 'Administrator', confirmed: true });
    const user = (await withRole(created.id))!;
    expect(user.email).toBe('ops@example.com');
    expect(user.confirmed).toBe(true);
    expect(user.role?.name).toBe('Administrator');
    expect(await user.verifyPassword('cat in a hat')).toBe(true);
    expect(await Follow.count({ where: { followerId: user.id, followedId: user.id } })).toBe(1);
  });

  test('defaults: the default role, unconfirmed', async () => {
    const created = await createUser({ email: 'plain@example.com', username: 'plain', password: 'cat in a hat' });
    const user = (await withRole(created.id))!;
    expect(user.role?.name).toBe('User');
    expect(user.confirmed).toBe(false);
  });

  test.each([
    [{ password: 'short' }, /password: .*at least 8/],
    [{ password: 'é'.repeat(37) }, /password: .*72 bytes/],
    [{ email: 'not-an-email' }, /email: Invalid email address/],
    [{ username: '9lives' }, /username: Usernames must have only letters/],
    [{ role: 'Overlord' }, /Unknown role "Overlord"/],
  ])('refuses %j with a clear message', async (bad, message) => {
    const opts = { email: 'refused@example.com', username: 'refused', password: 'cat in a hat', ...bad };
    await expect(createUser(opts)).rejects.toThrow(CliError);
    await expect(createUser(opts)).rejects.toThrow(message);
    expect(await User.count({ where: { email: 'refused@example.com' } })).toBe(0);
  });

  test('refuses a taken email or username', async () => {
    const existing = await makeUser();
    await expect(createUser({ email: existing.email.toUpperCase(), username: 'someone', password: 'cat in a hat' })).rejects.toThrow('Email already registered.');
    await expect(createUser({ email: 'someone@example.com', username: existing.username, password: 'cat in a hat' })).rejects.toThrow('Username already in use.');
  });
});

describe('user:set-role', () => {
  test('by email or by username', async () => {
    const user = await makeUser();
    await setRole({ email: user.email.toUpperCase(), role: 'Moderator' });
    expect((await withRole(user.id))!.role?.name).toBe('Moderator');
    await setRole({ username: user.username, role: 'User' });
    expect((await withRole(user.id))!.role?.name).toBe('User');
  });

  test('clear errors', async () => {
    const user = await makeUser();
    await expect(setRole({ role: 'Moderator' })).rejects.toThrow('Give --email or --username.');
    await expect(setRole({ username: 'nobody-here', role: 'Moderator' })).rejects.toThrow('No such user.');
    await expect(setRole({ username: user.username, role: 'Overlord' })).rejects.toThrow(/Unknown role/);
    expect((await withRole(user.id))!.role?.name).toBe('User');
  });
});

describe('the real CLI', () => {
  const run = promisify(execFile);
  const ROOT = path.join(__dirname, '..');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `tsx src/cli/index.ts ...args` from an empty folder (no .env) on the temporary database. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH, NODE_ENV: 'testing', DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}` };
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src', 'cli', 'index.ts'), ...args], {
        cwd: dir,
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  test('db:migrate, then user:create; a bad password exits non-zero with a clear message', async () => {
    const migrate = await cli('db:migrate');
    expect(migrate).toMatchObject({ code: 0, stderr: '' });
    expect(migrate.stdout).toMatch(/Applied: 0001-initial/);

    const [good, bad] = await Promise.all([
      cli('user:create', '--email', 'Root@Example.com', '--username', 'root', '--password', 'cat in a hat', '--confirmed'),
      cli('user:create', '--email', 'weak@example.com', '--username', 'weak', '--password', 'short'),
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Created user root <root@example.com>/);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toMatch(/^password: Password must be at least 8 characters long\.$/);

    const db = new Sequelize({ dialect: 'sqlite', storage: path.join(dir, 'cli.sqlite'), logging: false });
    try {
      const [rows] = await db.query('SELECT username, email, confirmed, password_hash FROM users ORDER BY id');
      expect(rows).toEqual([{ username: 'root', email: 'root@example.com', confirmed: 1, password_hash: expect.stringMatching(/^\$2b\$/) }]);
    } finally {
      await db.close();
    }
  });
});
