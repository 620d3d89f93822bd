import { ApiClient, basic, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// CORS with configured origins (CORS_ORIGINS); it is off by default (api-extensions.test.ts).

let t: TestApp;
let api: ApiClient;
const ALLOWED = 'https://client.example';

beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: `${ALLOWED}, https://other.example/` });
  api = new ApiClient(t.app);
});
afterAll(() => t.close());

test('a preflight from an allowed origin is answered: 204, origin, methods, headers', async () => {
  const res = await api.send('OPTIONS', '/api/v1/posts/', {
    headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
  });
  expect(res.status).toBe(204);
  expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
  expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, OPTIONS');
  expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  expect(res.headers.vary).toMatch(/Origin/);
});

test('actual requests from an allowed origin carry the CORS headers and expose Location', async () => {
  const user = await makeUser({ password: 'cat-and-mouse' });
  const res = await api.post('/api/v1/posts/', { body: 'cross-origin' }, { ...basic(user.email, 'cat-and-mouse'), Origin: 'https://other.example' });
  expect(res.status).toBe(201);
  expect(res.headers['access-control-allow-origin']).toBe('https://other.example');
  expect(res.headers['access-control-expose-headers']).toContain('Location');
  const denied = await api.get('/api/v1/posts/', { Origin: ALLOWED });
  expect(denied.status).toBe(401);
  expect(denied.headers['access-control-allow-origin']).toBe(ALLOWED);
});

test('other origins get no CORS headers, and their preflight grants nothing', async () => {
  const res = await api.send('OPTIONS', '/api/v1/posts/', { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
  expect(res.status).toBe(204);
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  expect(res.headers['access-control-allow-methods']).toBeUndefined();
});

test('every response of this file matches the OpenAPI document', async () => {
  const doc = await api.get('/api/v1/openapi.json');
  expect(undocumented(api.records, doc.body)).toEqual([]);
});
