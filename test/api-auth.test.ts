import request from 'supertest';
import { Post, User } from '../src/models';
import { createTokens } from '../src/services/tokens';
import { ApiClient, basic, bearer, undocumented } from './api-helpers';
import { createTestApp, logIn, makeUser, TestApp } from './helpers';

// Authentication beyond Flasky's tests: Bearer tokens, token purposes and
// lifetimes, passwords with colons, no cookies, rate limiting.

let t: TestApp;
let api: ApiClient;
const PASSWORD = 'cat:and:mouse';

beforeAll(async () => {
  t = await createTestApp({ API_RATE_LIMIT_PER_CLIENT: '1000', API_RATE_LIMIT_PER_ACCOUNT: '1000' });
  api = new ApiClient(t.app);
});
afterAll(() => t.close());

async function tokenFor(user: User, password = PASSWORD): Promise<string> {
  const res = await api.post('/api/v1/tokens/', undefined, basic(user.email, password));
  expect(res.status).toBe(200);
  return res.body.token;
}

test('a password may contain colons: only the first one separates email from password', async () => {
  const user = await makeUser({ password: PASSWORD });
  expect((await api.get('/api/v1/posts/', basic(user.email, PASSWORD))).status).toBe(200);
  expect((await api.get('/api/v1/posts/', basic(user.email, 'cat'))).status).toBe(401);
});

test('the email is case-insensitive, as upstream looks up email.lower()', async () => {
  const user = await makeUser({ email: 'mixed@example.com', password: PASSWORD });
  expect((await api.get('/api/v1/posts/', basic('MIXED@Example.com', PASSWORD))).status).toBe(200);
  expect(user.email).toBe('mixed@example.com');
});

test('Bearer tokens work like Basic token auth; a bad Bearer token is a 401', async () => {
  const user = await makeUser({ password: PASSWORD });
  const token = await tokenFor(user);
  expect((await api.get('/api/v1/posts/', bearer(token))).status).toBe(200);
  const bad = await api.get('/api/v1/posts/', bearer(`${token}x`));
  expect(bad.status).toBe(401);
  expect(bad.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
  expect(bad.headers['www-authenticate']).toBe('Basic realm="Authentication Required"');
});

test('a token cannot buy a token: POST /tokens/ with a token is a 401', async () => {
  const user = await makeUser({ password: PASSWORD });
  const token = await tokenFor(user);
  const viaBasic = await api.post('/api/v1/tokens/', undefined, basic(token, ''));
  expect(viaBasic.status).toBe(401);
  expect(viaBasic.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
  expect((await api.post('/api/v1/tokens/', undefined, bearer(token))).status).toBe(401);
});

test('a confirmation or reset token is never an API token (401, not 500 as upstream)', async () => {
  const user = await makeUser({ password: PASSWORD });
  for (const token of [user.generateConfirmationToken(t.deps.tokens), user.generateResetToken(t.deps.tokens)]) {
    const res = await api.get('/api/v1/posts/', basic(token, ''));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
  }
});

test('an expired token is a 401', async () => {
  const user = await makeUser({ password: PASSWORD });
  const twoHoursAgo = createTokens(t.config.secretKey, () => Date.now() - 2 * 3600_000);
  const expired = user.generateAuthToken(twoHoursAgo, 3600);
  expect((await api.get('/api/v1/posts/', bearer(expired))).status).toBe(401);
  expect((await api.get('/api/v1/posts/', bearer(user.generateAuthToken(t.deps.tokens)))).status).toBe(200);
});

test('changing the password kills the tokens issued before it', async () => {
  const user = await makeUser({ password: PASSWORD });
  const token = await tokenFor(user);
  await user.setPassword('a new password');
  await user.save();
  expect((await api.get('/api/v1/posts/', bearer(token))).status).toBe(401);
  expect((await api.get('/api/v1/posts/', basic(user.email, 'a new password'))).status).toBe(200);
});

test('an unconfirmed account is a 403 with a token too', async () => {
  const user = await makeUser({ password: PASSWORD, confirmed: false });
  const res = await api.get('/api/v1/posts/', bearer(user.generateAuthToken(t.deps.tokens)));
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: 'forbidden', message: 'Unconfirmed account' });
});

test('malformed Authorization headers are 401s', async () => {
  for (const header of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Bearer', 'Digest abc', 'Token x', `Basic ${Buffer.from(':pw').toString('base64')}`]) {
    const res = await api.get('/api/v1/posts/', { Authorization: header });
    expect({ header, status: res.status }).toEqual({ header, status: 401 });
    expect(res.body.error).toBe('unauthorized');
  }
});

test('an unknown email and a wrong password get the same answer', async () => {
  const user = await makeUser({ password: PASSWORD });
  const wrong = await api.get('/api/v1/posts/', basic(user.email, 'wrong password'));
  const unknown = await api.get('/api/v1/posts/', basic('nobody@example.com', 'wrong password'));
  expect(unknown.status).toBe(wrong.status);
  expect(unknown.body).toEqual(wrong.body);
  expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
});

test('a logged-in session cookie grants nothing; the API sets no cookie', async () => {
  const user = await makeUser({ password: PASSWORD });
  const agent = request.agent(t.app);
  await logIn(agent, user.email, PASSWORD);
  const res = await agent.get('/api/v1/posts/').set('Accept', 'application/json');
  expect(res.status).toBe(401);
  const ok = await api.get('/api/v1/posts/', basic(user.email, PASSWORD));
  expect(ok.status).toBe(200);
  expect(ok.headers['set-cookie']).toBeUndefined();
  const created = await api.post('/api/v1/posts/', { body: 'no CSRF token needed' }, basic(user.email, PASSWORD));
  expect(created.status).toBe(201);
  expect(created.headers['set-cookie']).toBeUndefined();
});

test('permissions: a user without WRITE cannot post, without COMMENT cannot comment (403 JSON)', async () => {
  const user = await makeUser({ password: PASSWORD });
  const post = await Post.create({ body: 'a post', authorId: user.id });
  await user.role!.update({ permissions: 1 }); // FOLLOW only, for this role
  try {
    const res = await api.post('/api/v1/posts/', { body: 'x' }, basic(user.email, PASSWORD));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'forbidden', message: 'Insufficient permissions' });
    const comment = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: 'x' }, basic(user.email, PASSWORD));
    expect(comment.status).toBe(403);
  } finally {
    await user.role!.update({ permissions: 7 });
  }
});

describe('the OpenAPI document (last: it checks the responses of every test above)', () => {
  test('every response of this file matches the OpenAPI document', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    expect(api.records.length).toBeGreaterThan(30);
    expect(undocumented(api.records, doc.body)).toEqual([]);
  });
});
