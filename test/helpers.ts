import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../src/app';
import { Config, loadConfig } from '../src/config';
import { AppDeps, createDeps } from '../src/deps';
import { prepareDatabase } from '../src/migrate';
import { Role, User } from '../src/models';
import { Sequelize } from 'sequelize';

export interface TestApp {
  app: Express;
  config: Config;
  deps: AppDeps;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh database (migrated and seeded), per test file: a SQLite
 * file, or a new schema on the PostgreSQL server named by TEST_DATABASE_URL.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-test-'));
  const database = await freshDatabase(dir);
  const config = loadConfig({
    NODE_ENV: 'testing',
    MAIL_OUTBOX: path.join(dir, 'outbox'),
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...database.env,
    ...env,
  });
  const deps = createDeps(config);
  await deps.start();
  await prepareDatabase({ sequelize: deps.sequelize, config, report: () => {} }, { seed: 'always' });
  return {
    app: createApp(config, deps),
    config,
    deps,
    async close() {
      await deps.close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(dir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url || !url.startsWith('postgres')) {
    return { env: { DATABASE_URL: `sqlite:${path.join(dir, 'test.sqlite')}` }, drop: async () => {} };
  }
  const schema = `test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Sequelize(url, { logging: false });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  return {
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    async drop() {
      const again = new Sequelize(url, { logging: false });
      await again.query(`DROP SCHEMA ${schema} CASCADE`);
      await again.close();
    },
  };
}

export async function makeUser(
  fields: { email?: string; username?: string; password?: string; confirmed?: boolean; role?: string } = {},
): Promise<User> {
  const n = crypto.randomBytes(4).toString('hex');
  const user = User.build({
    email: fields.email ?? `user${n}@example.com`,
    username: fields.username ?? `user${n}`,
    confirmed: fields.confirmed ?? true,
  });
  if (fields.role) user.roleId = (await Role.findOne({ where: { name: fields.role } }))!.id;
  await user.setPassword(fields.password ?? 'correct horse');
  await user.save();
  return (await User.findByPk(user.id, { include: [{ model: Role, as: 'role' }] }))!;
}

/** The csrf_token hidden field of the first form in a page. */
export function csrfToken(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no csrf_token in page');
  return match[1];
}

/** GETs a page to obtain a CSRF token, then POSTs the form with it. */
export async function submitForm(agent: TestAgent, pageUrl: string, fields: Record<string, string>, postUrl = pageUrl): Promise<Test> {
  const page = await agent.get(pageUrl);
  return agent.post(postUrl).type('form').send({ ...fields, csrf_token: csrfToken(page.text) });
}

export async function logIn(agent: TestAgent, email: string, password = 'correct horse', extra: Record<string, string> = {}) {
  const res = await submitForm(agent, '/auth/login', { email, password, ...extra });
  if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  return res;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server in the test process; the app is configured to send to it. */
export async function startSmtp(): Promise<{ port: number; env: Record<string, string>; mails: Mail[]; next(to: string): Promise<Mail>; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to[0].text : (parsed.to?.text ?? '');
          mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: String(parsed.html || '') });
          waiters.splice(0).forEach((w) => w());
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    env: { MAIL_SERVER: '127.0.0.1', MAIL_PORT: String(port), MAIL_USE_TLS: 'false' },
    mails,
    async next(to) {
      for (let i = 0; i < 100; i++) {
        const found = mails.findIndex((m) => m.to.includes(to));
        if (found >= 0) return mails.splice(found, 1)[0];
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      throw new Error(`no mail to ${to}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first http(s) link in a mail's text. */
export function linkIn(mail: Mail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in mail "${mail.subject}"`);
  return new URL(match[0]).pathname;
}
