import { Comment, Post, User } from '../src/models';
import { ApiClient, basic, Headers, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// Bad input gets a clear JSON error and changes nothing; nothing makes the API answer 500.

let t: TestApp;
let api: ApiClient;
let author: User;
let auth: Headers;
let post: Post;

beforeAll(async () => {
  t = await createTestApp();
  api = new ApiClient(t.app);
  author = await makeUser({ password: 'cat-and-mouse', role: 'Moderator' });
  auth = basic(author.email, 'cat-and-mouse');
  post = await Post.create({ body: 'the original', authorId: author.id });
});
afterAll(() => t.close());

const json = (headers: Headers) => ({ ...headers, 'Content-Type': 'application/json' });

async function unchanged() {
  expect(await Post.count()).toBe(1);
  expect(await Comment.count()).toBe(0);
  await post.reload();
  expect(post.body).toBe('the original');
  expect(post.authorId).toBe(author.id);
}

test('malformed JSON is a 400 JSON error', async () => {
  for (const raw of ['{"body": ', '{body: "x"}', '"just a string"', 'null']) {
    const res = await api.send('POST', '/api/v1/posts/', { headers: json(auth), body: raw });
    expect({ raw, status: res.status, body: res.body }).toEqual({ raw, status: 400, body: { error: 'bad request', message: 'malformed JSON' } });
  }
  await unchanged();
});

test('a body that is not a JSON object, or no body at all, is a 400', async () => {
  for (const raw of ['[]', '[{"body": "x"}]']) {
    const res = await api.send('POST', '/api/v1/posts/', { headers: json(auth), body: raw });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad request', message: 'request body must be a JSON object' });
  }
  const none = await api.post('/api/v1/posts/', undefined, auth);
  expect(none.status).toBe(400);
  expect(none.body).toEqual({ error: 'bad request', message: 'request body must be a JSON object' });
  await unchanged();
});

test('a body that is not JSON is a 415', async () => {
  const cases: [string, string][] = [
    ['text/plain', '{"body": "x"}'],
    ['application/x-www-form-urlencoded', 'body=x'],
    ['multipart/form-data; boundary=x', '--x--'],
  ];
  for (const [type, raw] of cases) {
    const res = await api.send('POST', '/api/v1/posts/', { headers: { ...auth, 'Content-Type': type }, body: raw });
    expect({ type, status: res.status }).toEqual({ type, status: 415 });
    expect(res.body).toEqual({ error: 'unsupported media type', message: 'Content-Type must be application/json' });
  }
  const latin1 = await api.send('POST', '/api/v1/posts/', { headers: { ...auth, 'Content-Type': 'application/json; charset=latin1' }, body: '{"body":"x"}' });
  expect(latin1.status).toBe(415);
  await unchanged();
});

test('wrong field types are 400s naming the field', async () => {
  const cases: [string, object, string][] = [
    ['/api/v1/posts/', { body: 3 }, 'body must be a string'],
    ['/api/v1/posts/', { body: ['x'] }, 'body must be a string'],
    [`/api/v1/posts/${post.id}/comments/`, { body: { text: 'x' } }, 'body must be a string'],
  ];
  for (const [url, body, message] of cases) {
    const res = await api.post(url, body, auth);
    expect({ url, body, status: res.status, res: res.body }).toEqual({ url, body, status: 400, res: { error: 'bad request', message } });
  }
  const put = await api.put(`/api/v1/posts/${post.id}`, { body: false }, auth);
  expect(put.body).toEqual({ error: 'bad request', message: 'body must be a string' });
  await unchanged();
});

test('fields the client may not set are 400s naming the field', async () => {
  for (const field of ['author_id', 'id', 'timestamp', 'body_html', 'url', 'comment_count', 'disabled', 'post_id', '__proto__', 'updated_at']) {
    const raw = `{"body": "sneaky", ${JSON.stringify(field)}: 7}`;
    for (const url of ['/api/v1/posts/', `/api/v1/posts/${post.id}/comments/`]) {
      const res = await api.send('POST', url, { headers: json(auth), body: raw });
      expect({ url, field, status: res.status }).toEqual({ url, field, status: 400 });
      expect(res.body).toEqual({ error: 'bad request', message: `unknown or read-only field: ${field}` });
    }
    const put = await api.send('PUT', `/api/v1/posts/${post.id}`, { headers: json(auth), body: raw });
    expect(put.status).toBe(400);
    expect(put.body.message).toContain(field);
  }
  await unchanged();
});

test('empty, blank or missing bodies are 400s with upstream messages', async () => {
  for (const body of [{}, { body: '' }, { body: '   \n\t' }, { body: null }]) {
    const res = await api.post('/api/v1/posts/', body, auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad request', message: 'post does not have a body' });
    const comment = await api.post(`/api/v1/posts/${post.id}/comments/`, body, auth);
    expect(comment.status).toBe(400);
    expect(comment.body).toEqual({ error: 'bad request', message: 'comment does not have a body' });
  }
  const put = await api.put(`/api/v1/posts/${post.id}`, { body: '' }, auth);
  expect(put.status).toBe(400);
  expect(put.body).toEqual({ error: 'bad request', message: 'post does not have a body' });
  await unchanged();
});

test('over-long bodies are 400s; the longest allowed body is accepted', async () => {
  const tooLong = await api.post('/api/v1/posts/', { body: 'x'.repeat(100_001) }, auth);
  expect(tooLong.status).toBe(400);
  expect(tooLong.body).toEqual({ error: 'bad request', message: 'body must be at most 100000 characters' });
  const longComment = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: 'x'.repeat(5001) }, auth);
  expect(longComment.status).toBe(400);
  expect(longComment.body).toEqual({ error: 'bad request', message: 'body must be at most 5000 characters' });
  await unchanged();

  const longest = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: 'y'.repeat(5000) }, auth);
  expect(longest.status).toBe(201);
  await Comment.destroy({ where: {} });
});

test('control characters are refused', async () => {
  const res = await api.post('/api/v1/posts/', { body: 'nul \u0000 byte' }, auth);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'bad request', message: 'body must not contain control characters' });
  await unchanged();
});

test('a body over the configured limit is a 413 JSON error', async () => {
  const res = await api.post('/api/v1/posts/', { body: 'z'.repeat(600 * 1024) }, auth);
  expect(res.status).toBe(413);
  expect(res.body).toEqual({ error: 'payload too large', message: 'request body is larger than 512kb' });
  await unchanged();
});

test('ids that are not integers are JSON 404s, before authentication', async () => {
  const paths = ['/posts/abc', '/posts/1.5', '/posts/-1', '/posts/1e3', '/posts/0x10', '/posts/99999999999999999999', '/users/abc', '/users/abc/posts/', '/users/%20/timeline/', '/comments/x', '/posts/abc/comments/'];
  for (const path of paths) {
    for (const headers of [{}, auth]) {
      const res = await api.get(`/api/v1${path}`, headers);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { error: 'not found' } });
    }
  }
  const put = await api.put('/api/v1/posts/abc', { body: 'x' }, auth);
  expect(put.status).toBe(404);
  await unchanged();
});

test('junk page values are page 1', async () => {
  for (const page of ['abc', '0', '-3', '1.5', '', '1e2', '99999999999999999999']) {
    const res = await api.get(`/api/v1/posts/?page=${page}`, auth);
    expect({ page, status: res.status, prev: res.body.prev }).toEqual({ page, status: 200, prev: null });
    expect(res.body.posts).toHaveLength(1);
  }
  const twice = await api.get('/api/v1/posts/?page=1&page=2', auth);
  expect(twice.status).toBe(200);
  expect(twice.body.prev).toBeNull();
});

test('an invalid cursor is a 400', async () => {
  const forged = Buffer.from('["x", 1]').toString('base64url');
  for (const cursor of ['!!!', forged, 'bm90IGpzb24', 'a'.repeat(201)]) {
    const res = await api.get(`/api/v1/posts/?cursor=${cursor}`, auth);
    expect({ cursor, status: res.status, body: res.body }).toEqual({ cursor, status: 400, body: { error: 'bad request', message: 'invalid cursor' } });
  }
  const twice = await api.get('/api/v1/comments/?cursor=a&cursor=b', auth);
  expect(twice.status).toBe(400);
});

test('moderation input: disabled must be a boolean and the only field', async () => {
  const comment = await Comment.create({ body: 'a comment', authorId: author.id, postId: post.id });
  const cases: [object, string][] = [
    [{}, 'disabled is required'],
    [{ disabled: 'yes' }, 'disabled must be true or false'],
    [{ disabled: 1 }, 'disabled must be true or false'],
    [{ disabled: true, body: 'rewritten' }, 'unknown or read-only field: body'],
  ];
  for (const [body, message] of cases) {
    const res = await api.put(`/api/v1/comments/${comment.id}`, body, auth);
    expect({ body, status: res.status, res: res.body }).toEqual({ body, status: 400, res: { error: 'bad request', message } });
  }
  await comment.reload();
  expect(comment.disabled).toBeNull();
  expect(comment.body).toBe('a comment');
  await comment.destroy();
});

test('nothing makes the API answer 500', async () => {
  const weird = ['{"body": "\\ud800"}', '{"body": "x", "body": 3}', '{"a":'.repeat(500), `{"body": "${'\\u0041'.repeat(100)}"}`, '\u0000', '{"body": 1e999}'];
  for (const raw of weird) {
    for (const url of ['/api/v1/posts/', `/api/v1/posts/${post.id}/comments/`, `/api/v1/posts/${post.id}`]) {
      const res = await api.send(url.endsWith('/') ? 'POST' : 'PUT', url, { headers: json(auth), body: raw });
      expect({ raw: raw.slice(0, 40), url, ok: res.status < 500 }).toEqual({ raw: raw.slice(0, 40), url, ok: true });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  }
  for (const headers of [{ Authorization: 'Basic ' + 'A'.repeat(8000) }, { Authorization: `Bearer ${'a.b.c'.repeat(1000)}` }]) {
    expect((await api.get('/api/v1/posts/', headers)).status).toBe(401);
  }
});

describe('the OpenAPI document (last: it checks the responses of every test above)', () => {
  test('every response of this file matches the OpenAPI document', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    expect(api.records.length).toBeGreaterThan(80);
    expect(undocumented(api.records, doc.body)).toEqual([]);
  });
});
