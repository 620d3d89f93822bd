import { Comment, Post, User } from '../src/models';
import { ApiClient, basic, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// Flasky's tests/test_api.py, test for test, plus pagination.

let t: TestApp;
let api: ApiClient;
// Flasky's test client talks to http://localhost; its Location checks rely on that host.
const local = (headers: Record<string, string>) => ({ ...headers, Host: 'localhost' });

beforeAll(async () => {
  t = await createTestApp();
  api = new ApiClient(t.app);
});
afterAll(() => t.close());

test('test_404: an unknown API URL is a JSON 404, even without credentials', async () => {
  const res = await api.get('/api/v1/wrong/url', basic('email', 'password'));
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: 'not found' });
  const anonymous = await api.get('/api/v1/wrong/url');
  expect(anonymous.status).toBe(404);
  expect(anonymous.body).toEqual({ error: 'not found' });
  expect(anonymous.headers['content-type']).toMatch(/^application\/json/);
});

test('test_no_auth: no credentials is a 401 that asks for Basic auth', async () => {
  const res = await api.get('/api/v1/posts/', { 'Content-Type': 'application/json' });
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
  expect(res.headers['www-authenticate']).toBe('Basic realm="Authentication Required"');
});

test('test_bad_auth: a wrong password is a 401', async () => {
  await makeUser({ email: 'bad-auth@example.com', password: 'cat-and-mouse' });
  const res = await api.get('/api/v1/posts/', basic('bad-auth@example.com', 'dog-and-bone'));
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
});

test('test_token_auth: a bad token is a 401; a token from /tokens/ works as the Basic username', async () => {
  await makeUser({ email: 'token@example.com', password: 'cat-and-mouse' });
  const bad = await api.get('/api/v1/posts/', basic('bad-token', ''));
  expect(bad.status).toBe(401);

  const issued = await api.post('/api/v1/tokens/', undefined, basic('token@example.com', 'cat-and-mouse'));
  expect(issued.status).toBe(200);
  expect(issued.body.expiration).toBe(3600);
  expect(typeof issued.body.token).toBe('string');

  const res = await api.get('/api/v1/posts/', basic(issued.body.token, ''));
  expect(res.status).toBe(200);
});

test('test_anonymous: an empty email and password is a 401', async () => {
  const res = await api.get('/api/v1/posts/', basic('', ''));
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'unauthorized', message: 'Invalid credentials' });
});

test('test_unconfirmed_account: an unconfirmed account is a 403', async () => {
  await makeUser({ email: 'unconfirmed@example.com', password: 'cat-and-mouse', confirmed: false });
  const res = await api.get('/api/v1/posts/', basic('unconfirmed@example.com', 'cat-and-mouse'));
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: 'forbidden', message: 'Unconfirmed account' });
});

test('test_posts: write, read, list and edit a post', async () => {
  const u = await makeUser({ email: 'john@example.com', password: 'cat-and-mouse' });
  const auth = local(basic('john@example.com', 'cat-and-mouse'));

  const empty = await api.post('/api/v1/posts/', { body: '' }, auth);
  expect(empty.status).toBe(400);
  expect(empty.body).toEqual({ error: 'bad request', message: 'post does not have a body' });

  const created = await api.post('/api/v1/posts/', { body: 'body of the *blog* post' }, auth);
  expect(created.status).toBe(201);
  const url = created.headers.location;
  expect(url).toMatch(/^http:\/\/localhost\/api\/v1\/posts\/\d+$/);

  const got = await api.get(url.replace('http://localhost', ''), auth);
  expect(got.status).toBe(200);
  expect('http://localhost' + got.body.url).toBe(url);
  expect(got.body.body).toBe('body of the *blog* post');
  expect(got.body.body_html.trim()).toBe('<p>body of the <em>blog</em> post</p>');
  expect(got.body).toMatchObject({ author_url: `/api/v1/users/${u.id}`, comments_url: `${got.body.url}/comments/`, comment_count: 0 });
  expect(new Date(got.body.timestamp).toUTCString()).toBe(got.body.timestamp);
  expect(created.body).toEqual(got.body);
  const jsonPost = got.body;

  const mine = await api.get(`/api/v1/users/${u.id}/posts/`, auth);
  expect(mine.status).toBe(200);
  expect(mine.body.count).toBe(1);
  expect(mine.body.posts[0]).toEqual(jsonPost);

  const timeline = await api.get(`/api/v1/users/${u.id}/timeline/`, auth);
  expect(timeline.status).toBe(200);
  expect(timeline.body.count).toBe(1);
  expect(timeline.body.posts[0]).toEqual(jsonPost);

  const edited = await api.put(jsonPost.url, { body: 'updated body' }, auth);
  expect(edited.status).toBe(200);
  expect(edited.body.url).toBe(jsonPost.url);
  expect(edited.body.body).toBe('updated body');
  expect(edited.body.body_html.trim()).toBe('<p>updated body</p>');
  expect((await Post.findByPk(Number(jsonPost.url.split('/').pop())))!.body).toBe('updated body');
});

test('test_posts: editing keeps the body on {}, and only the author or an administrator may edit', async () => {
  const author = await makeUser({ password: 'cat-and-mouse' });
  const other = await makeUser({ password: 'cat-and-mouse' });
  const admin = await makeUser({ password: 'cat-and-mouse', role: 'Administrator' });
  const post = await Post.create({ body: 'original', authorId: author.id });

  const kept = await api.put(`/api/v1/posts/${post.id}`, {}, basic(author.email, 'cat-and-mouse'));
  expect(kept.status).toBe(200);
  expect(kept.body.body).toBe('original');

  const denied = await api.put(`/api/v1/posts/${post.id}`, { body: 'hijacked' }, basic(other.email, 'cat-and-mouse'));
  expect(denied.status).toBe(403);
  expect(denied.body).toEqual({ error: 'forbidden', message: 'Insufficient permissions' });

  const byAdmin = await api.put(`/api/v1/posts/${post.id}`, { body: 'moderated' }, basic(admin.email, 'cat-and-mouse'));
  expect(byAdmin.status).toBe(200);
  await post.reload();
  expect(post.body).toBe('moderated');
});

test('test_users: users are served without private fields', async () => {
  const john = await makeUser({ username: 'john', password: 'cat-and-mouse' });
  const susan = await makeUser({ username: 'susan', password: 'dog-and-bone' });
  const one = await api.get(`/api/v1/users/${john.id}`, basic(susan.email, 'dog-and-bone'));
  expect(one.status).toBe(200);
  expect(one.body.username).toBe('john');
  const two = await api.get(`/api/v1/users/${susan.id}`, basic(susan.email, 'dog-and-bone'));
  expect(two.status).toBe(200);
  expect(two.body).toEqual({
    url: `/api/v1/users/${susan.id}`,
    username: 'susan',
    member_since: new Date(susan.memberSince).toUTCString(),
    last_seen: new Date(susan.lastSeen).toUTCString(),
    posts_url: `/api/v1/users/${susan.id}/posts/`,
    followed_posts_url: `/api/v1/users/${susan.id}/timeline/`,
    post_count: 0,
  });
  expect(JSON.stringify(two.body)).not.toContain(susan.email);
  expect((await api.get('/api/v1/users/999999', basic(susan.email, 'dog-and-bone'))).status).toBe(404);
});

test('test_comments: write and read comments', async () => {
  const u1 = await makeUser({ password: 'cat-and-mouse' });
  const u2 = await makeUser({ password: 'dog-and-bone' });
  const post = await Post.create({ body: 'body of the post', authorId: u1.id });
  const auth = local(basic(u2.email, 'dog-and-bone'));

  const created = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: 'Good [post](http://example.com)!' }, auth);
  expect(created.status).toBe(201);
  expect(created.body.body).toBe('Good [post](http://example.com)!');
  expect(created.body.body_html.replace(/<.*?>/g, '')).toBe('Good post!');
  const url = created.headers.location;
  expect(url).toMatch(/^http:\/\/localhost\/api\/v1\/comments\/\d+$/);

  const got = await api.get(url.replace('http://localhost', ''), auth);
  expect(got.status).toBe(200);
  expect('http://localhost' + got.body.url).toBe(url);
  expect(got.body).toMatchObject({
    body: 'Good [post](http://example.com)!',
    post_url: `/api/v1/posts/${post.id}`,
    author_url: `/api/v1/users/${u2.id}`,
    disabled: false,
  });

  await Comment.create({ body: 'Thank you!', authorId: u1.id, postId: post.id });

  const forPost = await api.get(`/api/v1/posts/${post.id}/comments/`, auth);
  expect(forPost.status).toBe(200);
  expect(forPost.body.count).toBe(2);
  expect(forPost.body.comments.map((c: { body: string }) => c.body)).toEqual(['Good [post](http://example.com)!', 'Thank you!']);

  const all = await api.get('/api/v1/comments/', auth);
  expect(all.status).toBe(200);
  expect(all.body.count).toBe(2);
  expect(all.body.comments.map((c: { body: string }) => c.body)).toEqual(['Thank you!', 'Good [post](http://example.com)!']);

  const withCount = await api.get(`/api/v1/posts/${post.id}`, auth);
  expect(withCount.body.comment_count).toBe(2);
  expect((await api.get(`/api/v1/posts/999999/comments/`, auth)).status).toBe(404);
  expect((await api.post(`/api/v1/posts/999999/comments/`, { body: 'x' }, auth)).status).toBe(404);
});

describe('pagination', () => {
  let reader: User;
  let auth: Record<string, string>;
  beforeAll(async () => {
    await Comment.destroy({ where: {} });
    await Post.destroy({ where: {} });
    reader = await makeUser({ password: 'cat-and-mouse' });
    auth = basic(reader.email, 'cat-and-mouse');
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 45; i++) {
      await Post.create({ body: `post ${i}`, authorId: reader.id, timestamp: new Date(base + i * 60_000) });
    }
  });

  test('posts come newest first, 20 a page, with prev, next and the total count', async () => {
    const first = await api.get('/api/v1/posts/', auth);
    expect(first.body.posts).toHaveLength(20);
    expect(first.body.posts[0].body).toBe('post 44');
    expect(first.body).toMatchObject({ prev: null, next: '/api/v1/posts/?page=2', count: 45 });

    const second = await api.get(first.body.next, auth);
    expect(second.body.posts[0].body).toBe('post 24');
    expect(second.body).toMatchObject({ prev: '/api/v1/posts/?page=1', next: '/api/v1/posts/?page=3', count: 45 });

    const last = await api.get('/api/v1/posts/?page=3', auth);
    expect(last.body.posts).toHaveLength(5);
    expect(last.body).toMatchObject({ prev: '/api/v1/posts/?page=2', next: null, count: 45 });
  });

  test('a page past the end is empty but still has prev, as upstream', async () => {
    const res = await api.get('/api/v1/posts/?page=9', auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ posts: [], prev: '/api/v1/posts/?page=8', next: null, count: 45 });
  });

  test("a user's posts and timeline paginate with their own URLs", async () => {
    const posts = await api.get(`/api/v1/users/${reader.id}/posts/?page=2`, auth);
    expect(posts.body).toMatchObject({ prev: `/api/v1/users/${reader.id}/posts/?page=1`, next: `/api/v1/users/${reader.id}/posts/?page=3`, count: 45 });
    const timeline = await api.get(`/api/v1/users/${reader.id}/timeline/`, auth);
    expect(timeline.body).toMatchObject({ prev: null, next: `/api/v1/users/${reader.id}/timeline/?page=2`, count: 45 });
  });

  test('comments: 30 a page, newest first overall and oldest first per post', async () => {
    const post = await Post.findOne({ where: { body: 'post 0' } });
    const base = Date.UTC(2026, 1, 1);
    for (let i = 0; i < 31; i++) {
      await Comment.create({ body: `comment ${i}`, authorId: reader.id, postId: post!.id, timestamp: new Date(base + i * 1000) });
    }
    const all = await api.get('/api/v1/comments/', auth);
    expect(all.body.comments).toHaveLength(30);
    expect(all.body.comments[0].body).toBe('comment 30');
    expect(all.body).toMatchObject({ prev: null, next: '/api/v1/comments/?page=2', count: 31 });

    const forPost = await api.get(`/api/v1/posts/${post!.id}/comments/?page=2`, auth);
    expect(forPost.body.comments.map((c: { body: string }) => c.body)).toEqual(['comment 30']);
    expect(forPost.body).toMatchObject({ prev: `/api/v1/posts/${post!.id}/comments/?page=1`, next: null, count: 31 });
  });
});

describe('the OpenAPI document (last: it checks the responses of every test above)', () => {
  test('every response of this file matches the OpenAPI document', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(api.records.some((r) => r.path.includes('/comments/') && r.status === 201)).toBe(true);
    expect(api.records.length).toBeGreaterThan(35);
    expect(undocumented(api.records, doc.body)).toEqual([]);
  });
});
