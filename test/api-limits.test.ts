import { ApiClient, basic, bearer, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// Failed API authentications are limited per client and per account (429 JSON);
// an app of its own, with low limits.

let limited: TestApp;
let client: ApiClient;
const PASSWORD = 'cat:and:mouse';

beforeAll(async () => {
  limited = await createTestApp({ API_RATE_LIMIT_PER_CLIENT: '3', API_RATE_LIMIT_PER_ACCOUNT: '2' });
  client = new ApiClient(limited.app);
});
afterAll(() => limited.close());

test('per account: after the limit, even the right password is refused (429 JSON); other accounts are not', async () => {
  const victim = await makeUser({ password: PASSWORD });
  const other = await makeUser({ password: PASSWORD });
  for (let i = 0; i < 2; i++) expect((await client.get('/api/v1/posts/', basic(victim.email, 'guess'))).status).toBe(401);
  const blocked = await client.post('/api/v1/tokens/', undefined, basic(victim.email, PASSWORD));
  expect(blocked.status).toBe(429);
  expect(blocked.body).toEqual({ error: 'too many requests', message: expect.stringMatching(/too many failed/i) });
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  expect((await client.get('/api/v1/posts/', basic(other.email, PASSWORD))).status).toBe(200);
});

test('per client: successes do not count, failures do, unknown emails as well', async () => {
  const user = await makeUser({ password: PASSWORD });
  for (let i = 0; i < 5; i++) expect((await client.get('/api/v1/posts/', basic(user.email, PASSWORD))).status).toBe(200);
  // two failures happened in the previous test; one more reaches the limit of 3
  expect((await client.get('/api/v1/posts/', bearer('not-a-token'))).status).toBe(401);
  const res = await client.get('/api/v1/posts/', basic('nobody@example.com', 'guess'));
  expect(res.status).toBe(429);
  expect((await client.get('/api/v1/posts/', basic(user.email, PASSWORD))).status).toBe(429);
});

test('every response of this file matches the OpenAPI document', async () => {
  const doc = await client.get('/api/v1/openapi.json');
  expect(undocumented(client.records, doc.body)).toEqual([]);
});
