import request from 'supertest';
import { createTestApp, linkIn, logIn, startSmtp, submitForm, TestApp } from './helpers';

// Flasky's test_client.py, through HTTP with cookies kept by a supertest agent.

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

test('home page greets a stranger', async () => {
  const res = await request(t.app).get('/');
  expect(res.status).toBe(200);
  expect(res.text).toContain('Hello, Stranger!');
});

test('register, confirm by mail, log in and out', async () => {
  const agent = request.agent(t.app);
  let res = await submitForm(agent, '/auth/register', {
    email: 'john@example.com',
    username: 'john',
    password: 'cat in a hat',
    password2: 'cat in a hat',
  });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/auth/login');

  res = await logIn(agent, 'john@example.com', 'cat in a hat');
  expect(res.headers.location).toBe('/');
  res = await agent.get('/');
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/auth/unconfirmed');
  res = await agent.get('/auth/unconfirmed');
  expect(res.text).toContain('Hello, john!');
  expect(res.text).toContain('You have not confirmed your account yet');

  const mail = await smtp.next('john@example.com');
  expect(mail.subject).toBe('[mlnotes] Confirm Your Account');
  res = await agent.get(linkIn(mail));
  expect(res.status).toBe(302);
  res = await agent.get('/');
  expect(res.text).toContain('You have confirmed your account');
  expect(res.text).toContain('Hello, john!');

  res = await submitForm(agent, '/', {}, '/auth/logout');
  expect(res.status).toBe(302);
  res = await agent.get('/');
  expect(res.text).toContain('You have been logged out');
  expect(res.text).toContain('Hello, Stranger!');
});
