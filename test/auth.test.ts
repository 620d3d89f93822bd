import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { User } from '../src/models';
import { createTokens } from '../src/services/tokens';
import { createTestApp, csrfToken, linkIn, logIn, makeUser, startSmtp, submitForm, TestApp } from './helpers';

// Every route of the auth blueprint through HTTP, mail read from a real SMTP server.

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp(smtp.env);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const PASSWORD = 'correct horse';
const agent = () => request.agent(t.app);

async function loggedIn(fields: Parameters<typeof makeUser>[0] = {}) {
  const user = await makeUser(fields);
  const a = agent();
  await logIn(a, user.email, fields.password ?? PASSWORD);
  return { user, a };
}

/** The page a redirect leads to, with its flashes. */
async function follow(a: TestAgent, res: { status: number; headers: Record<string, string> }) {
  expect(res.status).toBe(302);
  let page = await a.get(res.headers.location);
  while (page.status === 302) page = await a.get(page.headers.location);
  return page.text;
}

/** A page's body without what legitimately differs between two requests. */
const normalise = (html: string, ...values: string[]) =>
  values.reduce((s, v) => s.split(v).join('VALUE'), html.replace(/name="csrf_token" value="[^"]+"/g, ''));

describe('register', () => {
  const form = (n: string, extra: Record<string, string> = {}) => ({
    email: `${n}@example.com`,
    username: n,
    password: 'cat in a hat',
    password2: 'cat in a hat',
    ...extra,
  });

  test('the page has the form fields and a CSRF token', async () => {
    const res = await agent().get('/auth/register');
    expect(res.status).toBe(200);
    for (const name of ['email', 'username', 'password', 'password2', 'csrf_token']) expect(res.text).toContain(`name="${name}"`);
  });

  test('creates an unconfirmed user with a lower-cased email and mails a confirmation', async () => {
    const res = await submitForm(agent(), '/auth/register', form('Maria', { email: 'Maria@Example.com' }));
    expect(res.headers.location).toBe('/auth/login');
    const user = await User.findOne({ where: { username: 'Maria' } });
    expect(user?.email).toBe('maria@example.com');
    expect(user?.confirmed).toBe(false);
    const mail = await smtp.next('maria@example.com');
    expect(mail.subject).toBe('[mlnotes] Confirm Your Account');
    expect(linkIn(mail)).toMatch(/^\/auth\/confirm\/[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('duplicate email and username are form errors', async () => {
    await makeUser({ email: 'taken@example.com', username: 'taken' });
    let res = await submitForm(agent(), '/auth/register', form('fresh1', { email: 'TAKEN@example.com' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Email already registered.');
    res = await submitForm(agent(), '/auth/register', form('taken', { email: 'fresh2@example.com' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Username already in use.');
    expect(await User.count({ where: { email: ['fresh1@example.com', 'fresh2@example.com'] } })).toBe(0);
  });

  test('username must match the regex', async () => {
    for (const username of ['1abc', 'has space', 'semi;colon']) {
      const res = await submitForm(agent(), '/auth/register', form('x', { username, email: 'regex@example.com' }));
      expect(res.status).toBe(200);
      expect(res.text).toContain('Usernames must have only letters, numbers, dots or underscores');
    }
    expect(await User.count({ where: { email: 'regex@example.com' } })).toBe(0);
  });

  test('passwords must match, be 8 characters and at most 72 bytes', async () => {
    let res = await submitForm(agent(), '/auth/register', form('mismatch', { password2: 'dog in a hat' }));
    expect(res.text).toContain('Passwords must match.');
    res = await submitForm(agent(), '/auth/register', form('short', { password: 'cat', password2: 'cat' }));
    expect(res.text).toContain('at least 8 characters');
    const long = `${'é'.repeat(36)}a`; // 73 bytes in 37 characters
    res = await submitForm(agent(), '/auth/register', form('long', { password: long, password2: long }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Password must be at most 72 bytes long.');
    expect(await User.count({ where: { username: ['mismatch', 'short', 'long'] } })).toBe(0);
  });

  test('a 72-byte multi-byte password is accepted and logs in', async () => {
    const password = 'é'.repeat(36);
    const res = await submitForm(agent(), '/auth/register', form('utf8', { password, password2: password }));
    expect(res.headers.location).toBe('/auth/login');
    await logIn(agent(), 'utf8@example.com', password);
    // bcrypt would have accepted anything sharing the first 72 bytes; nothing else matches.
    const wrong = await submitForm(agent(), '/auth/login', { email: 'utf8@example.com', password: `${'é'.repeat(35)}e` });
    expect(wrong.status).toBe(200);
  });

  test('concurrent registrations of one email: one account, the others get the form error', async () => {
    const agents = [agent(), agent(), agent()];
    const tokens = await Promise.all(agents.map(async (a) => csrfToken((await a.get('/auth/register')).text)));
    const results = await Promise.all(
      agents.map((a, i) => a.post('/auth/register').type('form').send({ ...form(`racer${i}`, { email: 'race@example.com' }), csrf_token: tokens[i] })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 302]);
    for (const r of results.filter((r) => r.status === 200)) expect(r.text).toContain('Email already registered.');
    expect(await User.count({ where: { email: 'race@example.com' } })).toBe(1);
  });

  test('a field given twice is a form error, not a 500', async () => {
    const a = agent();
    const token = csrfToken((await a.get('/auth/register')).text);
    const res = await a
      .post('/auth/register')
      .type('form')
      .send(`email=a%40example.com&email=b%40example.com&username=twice&password=cat+in+a+hat&password2=cat+in+a+hat&csrf_token=${token}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('is-invalid');
    expect(await User.count({ where: { username: 'twice' } })).toBe(0);
  });
});

describe('confirm', () => {
  test('an invalid link flashes and leaves the account unconfirmed', async () => {
    const { user, a } = await loggedIn({ confirmed: false });
    const other = await makeUser({ confirmed: false });
    const tokens = createTokens(t.config.secretKey);
    for (const token of ['garbage', other.generateConfirmationToken(tokens), user.generateResetToken(tokens)]) {
      const text = await follow(a, await a.get(`/auth/confirm/${token}`));
      expect(text).toContain('The confirmation link is invalid or has expired.');
    }
    await user.reload();
    expect(user.confirmed).toBe(false);
  });

  test('an expired link flashes', async () => {
    const { user, a } = await loggedIn({ confirmed: false });
    const twoHoursAgo = createTokens(t.config.secretKey, () => Date.now() - 2 * 3600_000);
    const text = await follow(a, await a.get(`/auth/confirm/${user.generateConfirmationToken(twoHoursAgo)}`));
    expect(text).toContain('The confirmation link is invalid or has expired.');
  });

  test('resend mails a new, working link', async () => {
    const { user, a } = await loggedIn({ confirmed: false });
    const text = await follow(a, await a.get('/auth/confirm'));
    expect(text).toContain('A new confirmation email has been sent to you by email.');
    const mail = await smtp.next(user.email);
    const res = await a.get(linkIn(mail));
    expect(res.headers.location).toBe('/');
    expect((await a.get('/')).text).toContain('You have confirmed your account. Thanks!');
    await user.reload();
    expect(user.confirmed).toBe(true);
  });

  test('a confirmed user is sent home without a flash', async () => {
    const { a } = await loggedIn();
    const res = await a.get('/auth/confirm/whatever');
    expect(res.headers.location).toBe('/');
    expect((await a.get('/')).text).not.toContain('confirmation link');
  });

  test('confirming needs a login', async () => {
    const res = await agent().get('/auth/confirm/abc');
    expect(res.headers.location).toBe('/auth/login?next=%2Fauth%2Fconfirm%2Fabc');
  });

  test('unconfirmed users are sent to /auth/unconfirmed; others never see it', async () => {
    const { a } = await loggedIn({ confirmed: false, username: 'pending' });
    expect((await a.get('/')).headers.location).toBe('/auth/unconfirmed');
    const page = await a.get('/auth/unconfirmed');
    expect(page.text).toContain('Hello, pending!');
    expect(page.text).toContain('href="/auth/confirm"');
    expect((await agent().get('/auth/unconfirmed')).headers.location).toBe('/');
    expect((await (await loggedIn()).a.get('/auth/unconfirmed')).headers.location).toBe('/');
  });
});

describe('login', () => {
  test('wrong password and unknown email give the same status and body', async () => {
    const user = await makeUser({ email: 'known@example.com' });
    const wrong = await submitForm(agent(), '/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await submitForm(agent(), '/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(200);
    expect(unknown.status).toBe(wrong.status);
    expect(wrong.text).toContain('Invalid email or password.');
    expect(normalise(unknown.text, 'nobody@example.com')).toBe(normalise(wrong.text, 'known@example.com'));
  });

  test('a login needs a well-formed email and a password', async () => {
    let res = await submitForm(agent(), '/auth/login', { email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Invalid email address.');
    res = await submitForm(agent(), '/auth/login', { email: 'a@example.com', password: '' });
    expect(res.text).toContain('This field is required.');
    const a = agent();
    const token = csrfToken((await a.get('/auth/login')).text);
    res = await a.post('/auth/login').type('form').send(`email=a%40example.com&email=b%40example.com&password=x&csrf_token=${token}`);
    expect(res.status).toBe(200);
  });

  test('the email is matched case-insensitively', async () => {
    const user = await makeUser({ email: 'casey@example.com' });
    const a = agent();
    await logIn(a, 'CASEY@Example.COM');
    expect((await a.get('/auth/change-password')).text).toContain(`href="/user/${user.username}"`);
  });

  const offsite = ['//evil.example', '//evil.example/x', '/\\evil.example', '/\\/evil.example', 'https://evil.example', 'http:evil.example',
    '/%2F%2Fevil.example', '/%2f/evil.example', '/%5Cevil.example', '/\t/evil.example', 'javascript:alert(1)', 'evil.example', ''];
  test.each(offsite)('?next=%j goes to /', async (next) => {
    const user = await makeUser();
    const res = await submitForm(agent(), '/auth/login', { email: user.email, password: PASSWORD }, `/auth/login?next=${encodeURIComponent(next)}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
  });

  test.each(['/user/x?page=2', '/auth/change-password', '/post/3#comments'])('?next=%j is kept', async (next) => {
    const user = await makeUser();
    const res = await submitForm(agent(), '/auth/login', { email: user.email, password: PASSWORD }, `/auth/login?next=${encodeURIComponent(next)}`);
    expect(res.headers.location).toBe(next);
  });

  test('a login-required page sends to the login page and back', async () => {
    const user = await makeUser();
    const a = agent();
    const res = await a.get('/auth/change-password');
    expect(res.headers.location).toBe('/auth/login?next=%2Fauth%2Fchange-password');
    const page = await a.get(res.headers.location);
    expect(page.text).toContain('Please log in to access this page.');
    expect(page.text).toContain('action="/auth/login?next=%2Fauth%2Fchange-password"');
    const login = await a.post('/auth/login?next=%2Fauth%2Fchange-password').type('form').send({ email: user.email, password: PASSWORD, csrf_token: csrfToken(page.text) });
    expect(login.headers.location).toBe('/auth/change-password');
  });

  test('?next= survives a form error', async () => {
    const a = agent();
    const page = await a.get('/auth/login?next=%2Fuser%2Fx');
    const res = await a.post('/auth/login?next=%2Fuser%2Fx').type('form').send({ email: '', password: 'x', csrf_token: csrfToken(page.text) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/auth/login?next=%2Fuser%2Fx"');
  });

  test('a junk ?next= on the login page is harmless', async () => {
    const res = await agent().get('/auth/login?next=a&next=b');
    expect(res.status).toBe(200);
  });
});

describe('logout', () => {
  test('GET shows a form; POST logs out', async () => {
    const { a } = await loggedIn({ username: 'leaver' });
    const page = await a.get('/auth/logout');
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/auth/logout"');
    expect((await a.get('/')).text).toContain('Hello, leaver!');
    const text = await follow(a, await a.post('/auth/logout').type('form').send({ csrf_token: csrfToken(page.text) }));
    expect(text).toContain('You have been logged out.');
    expect(text).toContain('Hello, Stranger!');
  });

  test('logout needs a login', async () => {
    expect((await agent().get('/auth/logout')).headers.location).toMatch(/^\/auth\/login\?next=/);
  });
});

describe('change password', () => {
  test('a wrong old password flashes and changes nothing', async () => {
    const { user, a } = await loggedIn();
    const res = await submitForm(a, '/auth/change-password', { old_password: 'wrong one', password: 'new password', password2: 'new password' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Invalid password.');
    await user.reload();
    expect(await user.verifyPassword(PASSWORD)).toBe(true);
  });

  test('new passwords must match and obey the length rules', async () => {
    const { a } = await loggedIn();
    let res = await submitForm(a, '/auth/change-password', { old_password: PASSWORD, password: 'new password', password2: 'other password' });
    expect(res.text).toContain('Passwords must match.');
    res = await submitForm(a, '/auth/change-password', { old_password: PASSWORD, password: 'x'.repeat(73), password2: 'x'.repeat(73) });
    expect(res.text).toContain('Password must be at most 72 bytes long.');
  });

  test('success keeps this session and ends the other ones', async () => {
    const { user, a } = await loggedIn({ username: 'changer' });
    const other = agent();
    await logIn(other, user.email);
    expect((await other.get('/')).text).toContain('Hello, changer!');

    const text = await follow(a, await submitForm(a, '/auth/change-password', { old_password: PASSWORD, password: 'new password', password2: 'new password' }));
    expect(text).toContain('Your password has been updated.');
    expect(text).toContain('Hello, changer!');
    expect((await other.get('/')).text).toContain('Hello, Stranger!');

    const old = await submitForm(agent(), '/auth/login', { email: user.email, password: PASSWORD });
    expect(old.status).toBe(200);
    await logIn(agent(), user.email, 'new password');
  });
});

describe('reset password', () => {
  test('known and unknown emails get the same answer; only the known one gets mail', async () => {
    const user = await makeUser({ email: 'forgetful@example.com' });
    const known = await submitForm(agent(), '/auth/reset', { email: user.email });
    const unknown = await submitForm(agent(), '/auth/reset', { email: 'stranger@example.com' });
    expect(known.headers.location).toBe('/auth/login');
    expect(unknown.headers.location).toBe('/auth/login');
    const a = agent();
    const text = await follow(a, await submitForm(a, '/auth/reset', { email: 'stranger@example.com' }));
    expect(text).toContain('An email with instructions to reset your password has been sent to you.');
    expect((await smtp.next(user.email)).subject).toBe('[mlnotes] Reset Your Password');
    expect(smtp.mails.filter((m) => m.to.includes('stranger@example.com'))).toHaveLength(0);
  });

  test('the mailed link resets the password once and ends existing sessions', async () => {
    const { user, a: before } = await loggedIn({ email: 'resetme@example.com', username: 'resetme' });
    await submitForm(agent(), '/auth/reset', { email: user.email });
    const link = linkIn(await smtp.next(user.email));

    const a = agent();
    expect((await a.get(link)).text).toContain('name="password2"');
    const mismatch = await submitForm(a, link, { password: 'brand new pass', password2: 'other new pass' });
    expect(mismatch.status).toBe(200);
    expect(mismatch.text).toContain('Passwords must match');
    const text = await follow(a, await submitForm(a, link, { password: 'brand new pass', password2: 'brand new pass' }));
    expect(text).toContain('Your password has been updated.');
    await logIn(agent(), user.email, 'brand new pass');
    expect((await before.get('/')).text).toContain('Hello, Stranger!');

    const again = await submitForm(agent(), link, { password: 'third password', password2: 'third password' });
    expect(again.headers.location).toBe('/');
    await logIn(agent(), user.email, 'brand new pass');
  });

  test('a bad token changes nothing', async () => {
    const res = await submitForm(agent(), '/auth/reset/garbage', { password: 'brand new pass', password2: 'brand new pass' });
    expect(res.headers.location).toBe('/');
  });

  test('a logged-in user is sent home', async () => {
    const { user, a } = await loggedIn();
    expect((await a.get('/auth/reset')).headers.location).toBe('/');
    const token = user.generateResetToken(createTokens(t.config.secretKey));
    expect((await a.get(`/auth/reset/${token}`)).headers.location).toBe('/');
    const post = await a.post(`/auth/reset/${token}`).type('form').send({ password: 'brand new pass', password2: 'brand new pass', csrf_token: csrfToken((await a.get('/auth/change-password')).text) });
    expect(post.headers.location).toBe('/');
    await user.reload();
    expect(await user.verifyPassword(PASSWORD)).toBe(true);
  });
});

describe('change email', () => {
  test('the mailed link changes the address and the avatar', async () => {
    const { user, a } = await loggedIn();
    const text = await follow(a, await submitForm(a, '/auth/change_email', { email: 'Moved@Example.com', password: PASSWORD }));
    expect(text).toContain('An email with instructions to confirm your new email address has been sent to you.');
    const mail = await smtp.next('moved@example.com');
    expect(mail.subject).toBe('[mlnotes] Confirm your email address');
    expect(await follow(a, await a.get(linkIn(mail)))).toContain('Your email address has been updated.');
    const hash = user.avatarHash;
    await user.reload();
    expect(user.email).toBe('moved@example.com');
    expect(user.avatarHash).not.toBe(hash);
  });

  test('a wrong password flashes; a taken email is a form error', async () => {
    const { user, a } = await loggedIn();
    let res = await submitForm(a, '/auth/change_email', { email: 'elsewhere@example.com', password: 'not it' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Invalid email or password.');
    const other = await makeUser();
    res = await submitForm(a, '/auth/change_email', { email: other.email, password: PASSWORD });
    expect(res.text).toContain('Email already registered.');
    await user.reload();
    expect(smtp.mails.filter((m) => m.to.includes('elsewhere@example.com'))).toHaveLength(0);
  });

  test('a bad token is "Invalid request."', async () => {
    const { user, a } = await loggedIn();
    const before = user.email;
    const reset = user.generateResetToken(createTokens(t.config.secretKey));
    for (const token of ['garbage', reset]) expect(await follow(a, await a.get(`/auth/change_email/${token}`))).toContain('Invalid request.');
    await user.reload();
    expect(user.email).toBe(before);
  });
});

describe('CSRF', () => {
  const fields = { email: 'csrf@example.com', username: 'csrf', password: 'cat in a hat', password2: 'cat in a hat' };

  test('register without or with a wrong token creates nobody', async () => {
    const a = agent();
    await a.get('/auth/register');
    for (const extra of [{}, { csrf_token: 'wrong' }, { csrf_token: csrfToken((await agent().get('/auth/register')).text) }]) {
      const res = await a.post('/auth/register').type('form').send({ ...fields, ...extra });
      expect(res.status).toBe(400);
      expect(res.text).toContain('CSRF');
    }
    expect(await User.count({ where: { username: 'csrf' } })).toBe(0);
  });

  test('login without or with a wrong token logs nobody in', async () => {
    const user = await makeUser();
    const a = agent();
    await a.get('/auth/login');
    for (const extra of [{}, { csrf_token: 'wrong' }]) {
      const res = await a.post('/auth/login').type('form').send({ email: user.email, password: PASSWORD, ...extra });
      expect(res.status).toBe(400);
    }
    expect((await a.get('/')).text).toContain('Hello, Stranger!');
  });

  test('logout without or with a wrong token keeps the login', async () => {
    const { a } = await loggedIn({ username: 'stayer' });
    for (const extra of [{}, { csrf_token: 'wrong' }, { csrf_token: csrfToken((await agent().get('/auth/login')).text) }]) {
      expect((await a.post('/auth/logout').type('form').send(extra)).status).toBe(400);
    }
    expect((await a.get('/')).text).toContain('Hello, stayer!');
  });
});

describe('rate limiting', () => {
  // Another app on the same database, with low limits and one trusted proxy so
  // that X-Forwarded-For picks the client address.
  let limited: Express;
  beforeAll(() => {
    const { loginRateLimit, trustProxy } = loadConfig({ LOGIN_RATE_LIMIT_PER_ACCOUNT: '3', LOGIN_RATE_LIMIT_PER_CLIENT: '5', TRUST_PROXY: '1' });
    limited = createApp({ ...t.config, loginRateLimit, trustProxy }, t.deps);
  });

  const attempt = async (email: string, password: string, ip: string) => {
    const a = request.agent(limited);
    const page = await a.get('/auth/login').set('X-Forwarded-For', ip);
    return a.post('/auth/login').set('X-Forwarded-For', ip).type('form').send({ email, password, csrf_token: csrfToken(page.text) });
  };

  test('the 4th failed attempt on an account is 429, known or unknown, from any client', async () => {
    const user = await makeUser({ email: 'target@example.com' });
    const bodies: string[] = [];
    for (const [email, prefix] of [[user.email, '10.0.1'], ['ghost@example.com', '10.0.2']]) {
      for (let i = 1; i <= 3; i++) expect((await attempt(email, 'wrong password', `${prefix}.${i}`)).status).toBe(200);
      const res = await attempt(email, 'wrong password', `${prefix}.4`);
      expect(res.status).toBe(429);
      bodies.push(normalise(res.text, email));
    }
    expect(bodies[0]).toContain('Too many login attempts');
    expect(bodies[1]).toBe(bodies[0]);
    // Even the right password is refused while the account is limited.
    expect((await attempt(user.email, PASSWORD, '10.0.1.5')).status).toBe(429);
  });

  test('one client is limited across accounts', async () => {
    for (let i = 1; i <= 5; i++) expect((await attempt(`probe${i}@example.com`, 'wrong password', '10.0.3.1')).status).toBe(200);
    expect((await attempt('probe6@example.com', 'wrong password', '10.0.3.1')).status).toBe(429);
    expect((await attempt('probe6@example.com', 'wrong password', '10.0.3.2')).status).toBe(200);
  });

  test('successful logins do not count', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) expect((await attempt(user.email, PASSWORD, '10.0.4.1')).status).toBe(302);
  });
});

// Last: a second test database rebinds the models to itself.
describe('errors', () => {
  test('an error page that cannot render is plain text, never a stack trace', async () => {
    const noViews = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-no-views-'));
    try {
      const res = await request(createApp({ ...t.config, rootDir: noViews }, t.deps)).get('/no/such/page');
      expect(res.status).toBe(404);
      expect(res.text).toBe('404 not found');
    } finally {
      fs.rmSync(noViews, { recursive: true, force: true });
    }
  });

  test('a server error is a 500 page without a stack trace', async () => {
    const broken = await createTestApp();
    try {
      const user = await makeUser();
      await broken.deps.sequelize.query('DROP TABLE remember_tokens');
      const a = request.agent(broken.app);
      const page = await a.get('/auth/login');
      const res = await a.post('/auth/login').type('form').send({ email: user.email, password: PASSWORD, remember_me: 'y', csrf_token: csrfToken(page.text) });
      expect(res.status).toBe(500);
      expect(res.text).toContain('Internal Server Error');
      expect(res.text).not.toMatch(/remember_tokens|SQLITE|\n\s+at /);
    } finally {
      await broken.close();
    }
  });
});
