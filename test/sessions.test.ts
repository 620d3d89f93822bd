import type { Express } from 'express';
import type { SessionData } from 'express-session';
import request, { Response } from 'supertest';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import { RememberToken, Session, User } from '../src/models';
import { createTestApp, csrfToken, makeUser, submitForm, TestApp } from './helpers';

// Sessions as ../shared/spec/port-decisions.md says: ids regenerated at login and
// destroyed at logout, Flask-Login 'strong' / 'basic' / 'off' protection, revocable
// remember-me tokens, server-side timeouts and the cookie flags. Time passes by
// editing the stored session, never by sleeping.

const PASSWORD = 'correct horse';
const PAGE = '/auth/change-password'; // needs a login; its navbar names the user
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
const THIEF = 'curl/8.5.0';

/** Set-Cookie lines of a response. */
const setCookies = (res: Response): string[] => {
  const header = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  return Array.isArray(header) ? header : header ? [header] : [];
};
const setCookie = (res: Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
/** `name=value`, as a browser sends it back. */
const cookie = (res: Response, name: string) => setCookie(res, name)?.split(';')[0];
/** The session id inside an express-session cookie (`s:<sid>.<signature>`). */
const sidOf = (sessionCookie: string) => decodeURIComponent(sessionCookie.split('=')[1]).slice(2).split('.')[0];

/** A session as its store holds it (the database, or Redis when configured), or null. */
function storedSession(sid: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) =>
    t.deps.sessionStore.get(sid, (err, data) => (err ? reject(err) : resolve((data as Record<string, unknown> | null | undefined) ?? null))),
  );
}

/** Rewrites a stored session: how time passes here. */
async function patchSession(sid: string, patch: Record<string, unknown>): Promise<void> {
  const data = { ...(await storedSession(sid)), ...patch } as unknown as SessionData;
  await new Promise<void>((resolve, reject) => t.deps.sessionStore.set(sid, data, (err) => (err ? reject(err) : resolve())));
}

/** Whose page this is: the username in the navbar, or null when sent to the login page. */
async function whoIs(req: PromiseLike<Response> | Response): Promise<string | null> {
  const res = await req;
  if (res.status === 302) {
    expect(res.headers.location).toMatch(/^\/auth\/login\?next=/);
    return null;
  }
  expect(res.status).toBe(200);
  return /href="\/user\/([^"]+)">Profile/.exec(res.text)?.[1] ?? null;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The test app, or another app on the same database and dependencies with some settings changed. */
function useApp(overrides: Partial<Config> = {}) {
  const ctx = {} as { app: Express };
  beforeAll(() => {
    ctx.app = Object.keys(overrides).length ? createApp({ ...t.config, ...overrides }, t.deps) : t.app;
  });

  /** Logs a new user in from a browser with the given headers; returns its agent and cookies. */
  async function login(opts: { ua?: string; xff?: string; remember?: boolean } = {}) {
    const user = await makeUser();
    const agent = request.agent(ctx.app).set('User-Agent', opts.ua ?? BROWSER);
    if (opts.xff) agent.set('X-Forwarded-For', opts.xff);
    const page = await agent.get('/auth/login');
    const res = await agent
      .post('/auth/login')
      .type('form')
      .send({ email: user.email, password: PASSWORD, csrf_token: csrfToken(page.text), ...(opts.remember ? { remember_me: 'y' } : {}) });
    expect(res.status).toBe(302);
    return { user, agent, page, res, session: cookie(res, 'session')!, remember: cookie(res, 'remember_token') };
  }

  /** A request from a browser holding only the given cookies. */
  const replay = (cookies: (string | undefined)[], ua = BROWSER) =>
    request(ctx.app)
      .get(PAGE)
      .set('User-Agent', ua)
      .set('Cookie', cookies.filter((c): c is string => Boolean(c)).join('; '));

  return { ctx, login, replay };
}

describe("'strong' protection (the default)", () => {
  const { ctx, login, replay } = useApp();

  test('a login is stored server-side, bound to the client and fresh', async () => {
    const { user, session } = await login();
    const data = (await storedSession(sidOf(session)))!;
    expect(data.passport).toEqual({ user: user.id });
    expect(data._id).toMatch(/^[0-9a-f]{128}$/);
    expect(data._fresh).toBe(true);
    expect(typeof data.loginAt).toBe('number');
  });

  test('sessions are kept with their owner: the sessions table, or a per-user index in Redis', async () => {
    const { user, agent, session } = await login();
    if (t.deps.redis) {
      expect(await t.deps.redis.sMembers(`mlnotes:user-sessions:${user.id}`)).toContain(sidOf(session));
    } else {
      const row = await Session.findByPk(sidOf(session));
      expect(row?.userId).toBe(user.id);
      expect(JSON.parse(row!.data).passport).toEqual({ user: user.id });
    }
    await t.deps.endSessionsOf(user.id);
    expect(await whoIs(agent.get(PAGE))).toBeNull();
  });

  test('the session id changes at login and the old session is gone', async () => {
    const { page, session } = await login();
    const before = cookie(page, 'session')!;
    expect(before).toBeDefined();
    expect(sidOf(session)).not.toBe(sidOf(before));
    expect(await storedSession(sidOf(before))).toBeNull();
  });

  test('logout destroys the server session: replaying the old cookie is anonymous', async () => {
    const { user, agent, session } = await login();
    expect(await whoIs(replay([session]))).toBe(user.username);
    const res = await submitForm(agent, PAGE, {}, '/auth/logout');
    expect(res.status).toBe(302);
    expect(await storedSession(sidOf(session))).toBeNull();
    expect(await whoIs(replay([session]))).toBeNull();
  });

  test('another User-Agent is anonymous, and the session dies for its owner too', async () => {
    const { user, agent, session } = await login();
    expect(await whoIs(agent.get(PAGE))).toBe(user.username);
    expect(await whoIs(replay([session], THIEF))).toBeNull();
    expect(await storedSession(sidOf(session))).toBeNull();
    expect(await whoIs(agent.get(PAGE))).toBeNull();
    expect(await whoIs(replay([session]))).toBeNull();
  });

  test('a mismatch clears and revokes the remember cookie instead of using it', async () => {
    const { agent, session, remember } = await login({ remember: true });
    const res = await replay([session, remember], THIEF);
    expect(res.status).toBe(302);
    expect(setCookie(res, 'remember_token')).toMatch(/^remember_token=;.*Expires=Thu, 01 Jan 1970/);
    const fresh = cookie(res, 'session');
    if (fresh) expect(await storedSession(sidOf(fresh))).not.toHaveProperty('passport.user');
    // Neither the thief (who kept the value) nor the owner gets back in with it.
    expect(await whoIs(replay([remember], THIEF))).toBeNull();
    expect(await whoIs(agent.get(PAGE))).toBeNull();
  });

  test('without TRUST_PROXY a forged X-Forwarded-For changes nothing', async () => {
    const { user, session } = await login({ xff: '203.0.113.5' });
    expect(await whoIs(replay([session]).set('X-Forwarded-For', '198.51.100.7'))).toBe(user.username);
    expect(await whoIs(replay([session]))).toBe(user.username);
  });

  describe('remember me', () => {
    test('restores a login without the session cookie, rotates the token, not fresh', async () => {
      const { user, remember } = await login({ remember: true });
      expect(remember).toBeDefined();
      const res = await replay([remember]);
      expect(await whoIs(res)).toBe(user.username);
      const rotated = cookie(res, 'remember_token')!;
      expect(rotated).toBeDefined();
      expect(rotated).not.toBe(remember);
      const session = cookie(res, 'session')!;
      expect(await storedSession(sidOf(session))).toMatchObject({ _fresh: false, passport: { user: user.id } });

      expect(await whoIs(replay([remember]))).toBeNull();
      expect(await whoIs(replay([rotated]))).toBe(user.username);
    });

    test('a forged validator is refused and revokes the token', async () => {
      const { user, remember } = await login({ remember: true });
      const [selector] = decodeURIComponent(remember!.split('=')[1]).split(':');
      expect(await whoIs(replay([`remember_token=${selector}:forged`]))).toBeNull();
      expect(await RememberToken.count({ where: { userId: user.id } })).toBe(0);
      expect(await whoIs(replay([remember]))).toBeNull();
    });

    test('logout revokes it', async () => {
      const { agent, remember } = await login({ remember: true });
      const res = await submitForm(agent, PAGE, {}, '/auth/logout');
      expect(setCookie(res, 'remember_token')).toMatch(/^remember_token=;/);
      expect(await whoIs(replay([remember]))).toBeNull();
    });

    test('a password change revokes every remember token and ends other sessions', async () => {
      const first = await login({ remember: true });
      const other = request.agent(ctx.app).set('User-Agent', BROWSER);
      const page = await other.get('/auth/login');
      const loggedIn = await other.post('/auth/login').type('form').send({ email: first.user.email, password: PASSWORD, remember_me: 'y', csrf_token: csrfToken(page.text) });
      const before = cookie(loggedIn, 'session')!;
      const res = await submitForm(other, PAGE, { old_password: PASSWORD, password: 'a new password', password2: 'a new password' });
      expect(res.headers.location).toBe('/');
      // The current session carries on under a new id.
      expect(sidOf(cookie(res, 'session')!)).not.toBe(sidOf(before));
      expect(await storedSession(sidOf(before))).toBeNull();
      expect(await whoIs(other.get(PAGE))).toBe(first.user.username);
      expect(await whoIs(replay([first.remember]))).toBeNull();
      expect(await whoIs(first.agent.get(PAGE))).toBeNull();
      expect(await RememberToken.count({ where: { userId: first.user.id } })).toBe(0);
    });
  });

  describe('timeouts', () => {
    test('an idle session ends', async () => {
      const { agent, session } = await login();
      const idle = t.config.session.idleTimeoutMs;
      await patchSession(sidOf(session), { lastActive: Date.now() - idle + 120_000 });
      expect(await whoIs(agent.get(PAGE))).not.toBeNull();
      // More than a minute since the last write: the activity is recorded.
      expect(Number((await storedSession(sidOf(session)))!.lastActive)).toBeGreaterThan(Date.now() - 10_000);
      await patchSession(sidOf(session), { lastActive: Date.now() - idle - 1000 });
      expect(await whoIs(agent.get(PAGE))).toBeNull();
      expect(await storedSession(sidOf(session))).toBeNull();
    });

    test('a session ends at the absolute timeout however active', async () => {
      const { agent, session } = await login();
      await patchSession(sidOf(session), { loginAt: Date.now() - t.config.session.absoluteTimeoutMs - 1000, lastActive: Date.now() });
      expect(await whoIs(agent.get(PAGE))).toBeNull();
    });

    test('a remember token brings an expired login back, not fresh', async () => {
      const { user, agent, session } = await login({ remember: true });
      await patchSession(sidOf(session), { lastActive: 0 });
      const res = await agent.get(PAGE);
      expect(await whoIs(res)).toBe(user.username);
      expect(await storedSession(sidOf(cookie(res, 'session')!))).toMatchObject({ _fresh: false, passport: { user: user.id } });
      expect(await storedSession(sidOf(session))).toBeNull();
    });
  });

  describe('cookies', () => {
    test('the session cookie is HttpOnly, SameSite=Lax, Path=/, with no Expires or Domain', async () => {
      const { res } = await login();
      const line = setCookie(res, 'session')!;
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Path=\//);
      expect(line).not.toMatch(/Expires=|Max-Age=|Domain=|Secure/);
    });

    test('the remember cookie is HttpOnly, SameSite=Lax, Path=/, for 365 days', async () => {
      const { res } = await login({ remember: true });
      const line = setCookie(res, 'remember_token')!;
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Path=\//);
      expect(line).toMatch(/; Max-Age=31536000/);
      const expires = new Date(/Expires=([^;]+)/.exec(line)![1]).getTime();
      expect(Math.abs(expires - (Date.now() + 365 * 86_400_000))).toBeLessThan(60_000);
      expect(line.split(';')[0]).toMatch(/^remember_token=[\w-]+%3A[\w-]+$/);
    });

    test('a login without "keep me logged in" sets no remember cookie', async () => {
      const { res, user } = await login();
      expect(setCookie(res, 'remember_token')).toBeUndefined();
      expect(await RememberToken.count({ where: { userId: user.id } })).toBe(0);
    });

    test('a deleted user logs nobody in', async () => {
      const { user, session, remember } = await login({ remember: true });
      await User.destroy({ where: { id: user.id } });
      expect(await whoIs(replay([session, remember]))).toBeNull();
    });
  });
});

describe("'strong' protection behind one trusted proxy (TRUST_PROXY=1)", () => {
  const { login, replay } = useApp({ trustProxy: 1 });

  test('the same cookie from another client address is dropped', async () => {
    const { user, agent, session } = await login({ xff: '203.0.113.5' });
    expect(await whoIs(replay([session]).set('X-Forwarded-For', '203.0.113.5'))).toBe(user.username);
    expect(await whoIs(replay([session]).set('X-Forwarded-For', '198.51.100.7'))).toBeNull();
    expect(await whoIs(agent.get(PAGE))).toBeNull();
  });

  test('only the address the proxy saw counts, not a forged leftmost entry', async () => {
    const { user, session } = await login({ xff: '203.0.113.5' });
    expect(await whoIs(replay([session]).set('X-Forwarded-For', '10.9.9.9, 203.0.113.5'))).toBe(user.username);
  });
});

describe("'basic' protection", () => {
  const { login, replay } = useApp({ sessionProtection: 'basic' });

  test('another User-Agent keeps the user but the session is no longer fresh', async () => {
    const { user, agent, session } = await login();
    expect(await storedSession(sidOf(session))).toMatchObject({ _fresh: true });
    expect(await whoIs(replay([session], THIEF))).toBe(user.username);
    expect(await storedSession(sidOf(session))).toMatchObject({ _fresh: false });
    expect(await whoIs(agent.get(PAGE))).toBe(user.username);
  });
});

describe('protection off', () => {
  const { login, replay } = useApp({ sessionProtection: 'off' });

  test('another User-Agent changes nothing', async () => {
    const { user, session } = await login();
    expect(await whoIs(replay([session], THIEF))).toBe(user.username);
    expect(await storedSession(sidOf(session))).toMatchObject({ _fresh: true });
  });
});
