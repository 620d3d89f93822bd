import { Post, StudyClass, User } from '../src/models';
import { setTags } from '../src/services/notes';
import { ApiClient, basic, Headers, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// Titles and tags through the API: on post JSON, accepted on create and edit,
// /tags/ and /tags/<name>/posts/ with counts and lists that leave private notes out.

let t: TestApp;
let api: ApiClient;
let author: User, member: User, outsider: User;
const PASSWORD = 'cat-and-mouse';
const as = (user: User): Headers => basic(user.email, PASSWORD);

beforeAll(async () => {
  t = await createTestApp({ FLASKY_POSTS_PER_PAGE: '2' });
  api = new ApiClient(t.app);
  author = await makeUser({ username: 'author', password: PASSWORD });
  member = await makeUser({ username: 'member', password: PASSWORD });
  outsider = await makeUser({ username: 'outsider', password: PASSWORD });
});
afterAll(() => t.close());

test('title and tags on create and edit; a missing title is derived', async () => {
  let res = await api.post('/api/v1/posts/', { body: '# Adam\n\nAdaptive moments.', tags: ['#Optimization', 'Deep Learning', 'optimization'] }, as(author));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ title: 'Adam', tags: ['deep-learning', 'optimization'] });
  const url: string = res.body.url;

  res = await api.put(url, { title: 'Adam, the optimizer', tags: ['adam'] }, as(author));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ title: 'Adam, the optimizer', tags: ['adam'], body: '# Adam\n\nAdaptive moments.' });

  res = await api.put(url, { body: 'Changed' }, as(author));
  expect(res.body).toMatchObject({ title: 'Adam, the optimizer', tags: ['adam'] });
  res = await api.put(url, { title: null, tags: [] }, as(author));
  expect(res.body).toMatchObject({ title: 'Changed', tags: [] });

  res = await api.get(url, as(outsider));
  expect(res.body).toMatchObject({ title: 'Changed', tags: [], comment_count: 0 });
});

test('Chinese titles and tags', async () => {
  let res = await api.post('/api/v1/posts/', { body: '梯度下降的笔记', title: '机器学习：梯度下降', tags: ['机器学习', '优化'] }, as(author));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ title: '机器学习：梯度下降', tags: ['优化', '机器学习'] });
  res = await api.get(`/api/v1/tags/${encodeURIComponent('机器学习')}/posts/`, as(outsider));
  expect(res.status).toBe(200);
  expect(res.body.posts.map((p: { title: string }) => p.title)).toEqual(['机器学习：梯度下降']);
});

test('bad titles and tags are 400s that change nothing', async () => {
  const before = await Post.count();
  for (const body of [
    { body: 'x', title: 5 },
    { body: 'x', title: 'x'.repeat(201) },
    { body: 'x', title: 'bell\u0007' },
    { body: 'x', tags: 'not-an-array' },
    { body: 'x', tags: [1, 2] },
    { body: 'x', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
    { body: 'x', tags: ['fine', 'not/fine'] },
    { body: 'x', tags: ['x'.repeat(51)] },
    { body: 'x', tags: [''] },
  ]) {
    const res = await api.post('/api/v1/posts/', body, as(author));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad request', message: expect.any(String) });
  }
  expect(await Post.count()).toBe(before);
});

describe('tag lists', () => {
  let klass: StudyClass;

  beforeAll(async () => {
    klass = await StudyClass.create({ name: 'Secret Group', slug: 'secret-group', visibility: 'private', teacherId: author.id });
    await klass.register(member.id);
    for (const [body, tags, classId] of [
      ['public rl 1', ['rl', 'public-only'], null],
      ['public rl 2', ['rl'], null],
      ['public rl 3', ['rl'], null],
      ['private rl', ['rl', 'private-only'], klass.id],
    ] as const) {
      const post = await Post.create({ body, authorId: author.id, classId });
      await setTags(post, tags);
    }
  });

  test('counts only the notes the reader may see; a tag on hidden notes only is not listed', async () => {
    const names = async (user: User) => {
      const res = await api.get('/api/v1/tags/', as(user));
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.tags.map((tag: { name: string; post_count: number }) => [tag.name, tag.post_count]));
    };
    const outside = await names(outsider);
    expect(outside).toMatchObject({ rl: 3, 'public-only': 1 });
    expect(outside['private-only']).toBeUndefined();
    expect(await names(member)).toMatchObject({ rl: 4, 'private-only': 1 });
    const res = await api.get('/api/v1/tags/', as(outsider));
    expect(res.body.count).toBe(res.body.tags.length);
    const counts: number[] = res.body.tags.map((tag: { post_count: number }) => tag.post_count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(res.body.tags).toContainEqual({ name: 'rl', posts_url: '/api/v1/tags/rl/posts/', post_count: 3 });
  });

  test('a tag\'s notes, newest first, by page and by cursor, visibility-filtered', async () => {
    let res = await api.get('/api/v1/tags/rl/posts/', as(outsider));
    expect(res.body).toMatchObject({ count: 3, prev: null, next: '/api/v1/tags/rl/posts/?page=2' });
    expect(res.body.posts.map((p: { body: string }) => p.body)).toEqual(['public rl 3', 'public rl 2']);

    res = await api.get('/api/v1/tags/RL/posts/?cursor=', as(outsider));
    const bodies: string[] = res.body.posts.map((p: { body: string }) => p.body);
    expect(res.body.next).toMatch(/^\/api\/v1\/tags\/rl\/posts\/\?cursor=/);
    res = await api.get(res.body.next, as(outsider));
    bodies.push(...res.body.posts.map((p: { body: string }) => p.body));
    expect(res.body.next).toBeNull();
    expect(bodies).toEqual(['public rl 3', 'public rl 2', 'public rl 1']);

    res = await api.get('/api/v1/tags/rl/posts/', as(member));
    expect(res.body.count).toBe(4);
    expect(res.body.posts[0]).toMatchObject({ body: 'private rl', tags: ['private-only', 'rl'] });
  });

  test('a tag on hidden notes only looks like a tag that does not exist', async () => {
    const hidden = await api.get('/api/v1/tags/private-only/posts/', as(outsider));
    const unknown = await api.get('/api/v1/tags/no-such-tag/posts/', as(outsider));
    const junk = await api.get(`/api/v1/tags/${encodeURIComponent('a/b<c>')}/posts/`, as(outsider));
    for (const res of [hidden, unknown, junk]) expect(res.body).toEqual({ posts: [], prev: null, next: null, count: 0 });
    expect((await api.get('/api/v1/tags/rl/posts/?cursor=!!', as(outsider))).status).toBe(400);
    expect((await api.get('/api/v1/tags/')).status).toBe(401);
  });

  test('post lists carry tags', async () => {
    const res = await api.get(`/api/v1/users/${author.id}/posts/`, as(outsider));
    expect(res.body.posts[0]).toMatchObject({ body: 'public rl 3', tags: ['rl'], title: 'public rl 3' });
  });
});

test('every response matches the OpenAPI document', async () => {
  const doc = await api.get('/api/v1/openapi.json');
  expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/tags/', '/tags/{name}/posts/', '/posts/{id}/related', '/search']));
  expect(undocumented(api.records.filter((r) => r.path.startsWith('/api/v1/')), doc.body)).toEqual([]);
});
