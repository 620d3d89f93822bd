import request from 'supertest';
import { Post, StudyClass, User } from '../src/models';
import { createNote, setTags } from '../src/services/notes';
import { ApiClient, basic, Headers, undocumented } from './api-helpers';
import { createTestApp, logIn, makeUser, TestApp } from './helpers';

// Related notes and search: the per-process index, kept current on writes and by
// resync, ranking, highlighted snippets, bad queries, and private classes' notes
// never shown to outsiders (pages and API).

let t: TestApp;
let api: ApiClient;
let author: User, member: User, outsider: User;
const PASSWORD = 'cat-and-mouse';
const as = (user: User): Headers => basic(user.email, PASSWORD);
const ids = (res: { body: { posts: { url: string }[] } }) => res.body.posts.map((p) => Number(p.url.split('/').pop()));

// Made-up words keep these notes apart from the starter notes the seeders add.
const ZORB = 'Zorblax quantisation of glimmerfang tensors with frobnicated wuzzle kernels and plumbus gradients';

beforeAll(async () => {
  t = await createTestApp({ FLASKY_POSTS_PER_PAGE: '2' });
  api = new ApiClient(t.app);
  author = await makeUser({ username: 'author', password: PASSWORD });
  member = await makeUser({ username: 'member', password: PASSWORD });
  outsider = await makeUser({ username: 'outsider', password: PASSWORD });
});
afterAll(() => t.close());

describe('related notes', () => {
  test('identical texts are each other\'s top hit', async () => {
    const a = await createNote(author.id, { body: ZORB });
    const b = await createNote(author.id, { body: ZORB });
    let res = await api.get(`/api/v1/posts/${a.id}/related`, as(outsider));
    expect(res.status).toBe(200);
    expect(ids(res)[0]).toBe(b.id);
    expect(res.body.posts[0].score).toBeCloseTo(1, 3);
    expect(ids(res)).not.toContain(a.id);
    res = await api.get(`/api/v1/posts/${b.id}/related?k=1`, as(outsider));
    expect(ids(res)).toEqual([a.id]);
    expect(res.body.count).toBe(1);
  });

  test('a new note, an edit and a deletion are reflected at once', async () => {
    const base = await createNote(author.id, { body: 'Snorkelwhip lattice for quibbling vortex embeddings', tags: ['snorkelwhip'] });
    let res = await api.post('/api/v1/posts/', { body: 'Snorkelwhip lattice vortex embeddings, again', title: 'Quibbling' }, as(author));
    const added = Number(res.body.url.split('/').pop());
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))[0]).toBe(added);

    res = await api.put(`/api/v1/posts/${added}`, { body: 'Something else entirely: bread recipes', title: 'Bread' }, as(author));
    expect(res.status).toBe(200);
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).not.toContain(added);

    const third = await createNote(author.id, { body: 'Unrelated words', tags: ['snorkelwhip'] });
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).toContain(third.id);
    expect((await api.delete(`/api/v1/posts/${third.id}`, as(author))).status).toBe(204);
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).not.toContain(third.id);
  });

  test('writes by another process (no hooks here) are picked up by the resync', async () => {
    const base = await createNote(author.id, { body: 'Blorptastic hyperwobble regression' });
    await api.get(`/api/v1/posts/${base.id}/related`, as(outsider));
    const [other] = await Post.bulkCreate([{ body: 'Blorptastic hyperwobble regression, elsewhere', authorId: author.id }], { hooks: false });
    const otherId = other.id ?? (await Post.max<number, Post>('id'));
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).not.toContain(otherId);
    await t.deps.related.resync();
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).toContain(otherId);

    await Post.destroy({ where: { id: otherId }, hooks: false });
    await t.deps.related.resync();
    expect(ids(await api.get(`/api/v1/posts/${base.id}/related`, as(outsider)))).not.toContain(otherId);
  });

  test('k is an integer from 1 to 20; unknown posts are 404s', async () => {
    const post = await createNote(author.id, { body: 'k test' });
    for (const k of ['0', '21', 'abc', '-1', '1.5']) expect((await api.get(`/api/v1/posts/${post.id}/related?k=${k}`, as(outsider))).status).toBe(400);
    expect((await api.get(`/api/v1/posts/${post.id}/related?k=20`, as(outsider))).status).toBe(200);
    expect((await api.get('/api/v1/posts/999999/related', as(outsider))).status).toBe(404);
  });

  test('the post page shows related notes with title and author', async () => {
    await t.deps.related.warm();
    const a = await createNote(author.id, { body: 'Wibblequark attention over fizzlenet layers', title: 'Wibblequark one' });
    await createNote(author.id, { body: 'Wibblequark attention over fizzlenet layers too', title: 'Wibblequark two', tags: ['fizzlenet'] });
    const res = await request(t.app).get(`/post/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>mlnotes - Wibblequark one</title>');
    const section = res.text.slice(res.text.indexOf('Related notes'));
    expect(section).toContain('Wibblequark two');
    expect(section).toContain('href="/user/author"');
    expect(section).toContain('href="/tag/fizzlenet"');
  });
});

describe('search', () => {
  beforeAll(async () => {
    await createNote(author.id, { body: 'Gradient clipping for <script>alert("gloopy")</script> gloopy recurrent nets, where 1 < 2 & 3 > 0', title: 'Gloopy clipping', tags: ['gloopy'] });
    await createNote(author.id, { body: 'More gloopy nets and gloopy tricks', title: 'Gloopy tricks' });
    await createNote(author.id, { body: 'Gloopy once', title: 'Third gloopy' });
    await createNote(author.id, { body: '深度学习中的梯度裁剪：防止梯度爆炸', title: '梯度裁剪', tags: ['深度学习'] });
  });

  test('ranked results with escaped, highlighted snippets, tags and authors', async () => {
    const res = await api.get('/api/v1/search?q=gloopy', as(outsider));
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.posts).toHaveLength(2);
    const scores: number[] = res.body.posts.map((p: { score: number }) => p.score);
    expect(scores[0]).toBeGreaterThanOrEqual(scores[1]);
    const clipping = (await api.get('/api/v1/search?q=clipping%20gloopy', as(outsider))).body.posts[0];
    expect(clipping).toMatchObject({ title: 'Gloopy clipping', tags: ['gloopy'], author_url: `/api/v1/users/${author.id}` });
    expect(clipping.snippet_html).toContain('1 &lt; 2 &amp; 3 &gt; 0');
    expect(clipping.snippet_html).toContain('<mark>gloopy</mark>');
    expect(clipping.snippet_html).not.toMatch(/<script|<(?!\/?mark>)/);
  });

  test('pages through results with a cursor that carries the query', async () => {
    const first = await api.get('/api/v1/search?q=gloopy&cursor=', as(outsider));
    expect(first.body.next).toMatch(/^\/api\/v1\/search\?cursor=/);
    const second = await api.get(first.body.next, as(outsider));
    expect(second.body.posts).toHaveLength(1);
    expect(second.body.next).toBeNull();
    expect(second.body.prev).toMatch(/^\/api\/v1\/search\?cursor=/);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(3);
    expect((await api.get(`${first.body.next}&q=other`, as(outsider))).status).toBe(400);
    expect((await api.get('/api/v1/search?q=gloopy&cursor=bm9wZQ', as(outsider))).status).toBe(400);
  });

  test('Chinese queries', async () => {
    const res = await api.get(`/api/v1/search?q=${encodeURIComponent('梯度爆炸')}`, as(outsider));
    expect(res.body.posts[0]).toMatchObject({ title: '梯度裁剪', tags: ['深度学习'] });
    expect(res.body.posts[0].snippet_html).toContain('<mark>梯度</mark>');
  });

  test('an empty query finds nothing; junk is a 400, never a 500', async () => {
    for (const q of ['', '%20%20%20']) {
      expect((await api.get(`/api/v1/search?q=${q}`, as(outsider))).body).toEqual({ posts: [], prev: null, next: null, count: 0 });
    }
    expect((await api.get('/api/v1/search', as(outsider))).body.count).toBe(0);
    for (const q of ['x'.repeat(501), 'a%00b', 'bell%07', 'line%0Abreak']) {
      const res = await api.get(`/api/v1/search?q=${q}`, as(outsider));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad request');
    }
    expect((await api.get('/api/v1/search?q=a&q=b', as(outsider))).status).toBe(400);
    expect((await api.get('/api/v1/search?q=%F0%9F%98%80%20!!!', as(outsider))).body.count).toBe(0);
    expect((await api.get('/api/v1/search?q=gloopy')).status).toBe(401);
  });

  test('the search page: highlighted results, a friendly empty page, a form error for junk', async () => {
    let res = await request(t.app).get('/search?q=gloopy%20clipping');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<mark>gloopy</mark>');
    expect(res.text).toContain('1 &lt; 2 &amp; 3 &gt; 0');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).toContain('href="/tag/gloopy"');
    expect(res.text).toMatch(/href="\/search\?q=gloopy%20clipping&amp;page=2"/);

    res = await request(t.app).get('/search');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Type a few words');
    res = await request(t.app).get(`/search?q=${'y'.repeat(600)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('at most 500 characters');
    res = await request(t.app).get('/search?q=no%00way');
    expect(res.text).toContain('control characters');
    res = await request(t.app).get(`/search?q=${encodeURIComponent('梯度')}`);
    expect(res.text).toContain('梯度裁剪');
    res = await request(t.app).get('/search?q=zzzqqqxxx');
    expect(res.text).toContain('No notes match');
  });
});

describe('private classes', () => {
  let secret: Post;
  let open: Post;

  beforeAll(async () => {
    const klass = await StudyClass.create({ name: 'Hidden Group', slug: 'hidden-group', visibility: 'private', teacherId: author.id });
    await klass.register(member.id);
    secret = await createNote(author.id, { body: 'Quuxifold manifolds: the secret syllabus', classId: klass.id, tags: ['quuxifold'] });
    open = await createNote(author.id, { body: 'Quuxifold manifolds: the public notes' });
  });

  test('never related to, or found by, outsiders', async () => {
    let res = await api.get(`/api/v1/posts/${open.id}/related?k=20`, as(outsider));
    expect(ids(res)).not.toContain(secret.id);
    res = await api.get('/api/v1/search?q=quuxifold', as(outsider));
    expect(ids(res)).toEqual([open.id]);
    expect(res.body.count).toBe(1);
    expect((await api.get(`/api/v1/posts/${secret.id}/related`, as(outsider))).status).toBe(404);

    const page = await request(t.app).get('/search?q=quuxifold');
    expect(page.text).not.toContain('secret syllabus');
    const post = await request(t.app).get(`/post/${open.id}`);
    expect(post.text).not.toContain('secret syllabus');
  });

  test('shown to members', async () => {
    let res = await api.get(`/api/v1/posts/${open.id}/related`, as(member));
    expect(ids(res)).toContain(secret.id);
    res = await api.get('/api/v1/search?q=quuxifold', as(member));
    expect(res.body.count).toBe(2);
    expect(ids(await api.get(`/api/v1/posts/${secret.id}/related`, as(member)))).toContain(open.id);

    const agent = request.agent(t.app);
    await logIn(agent, member.email, PASSWORD);
    expect((await agent.get('/search?q=quuxifold')).text).toContain('secret syllabus');
  });

  test('a note moved into the private class disappears for outsiders', async () => {
    const moved = await createNote(author.id, { body: 'Quuxifold manifolds, soon private' });
    expect(ids(await api.get('/api/v1/search?q=quuxifold', as(outsider)))).toContain(moved.id);
    const klass = (await StudyClass.findOne({ where: { slug: 'hidden-group' } }))!;
    await api.put(`/api/v1/posts/${moved.id}`, { class_id: klass.id }, as(author));
    expect(ids(await api.get('/api/v1/search?q=quuxifold', as(outsider)))).not.toContain(moved.id);
    await setTags(moved, ['quuxifold']);
  });
});

test('every API response matches the OpenAPI document', async () => {
  const doc = await api.get('/api/v1/openapi.json');
  expect(undocumented(api.records.filter((r) => r.path.startsWith('/api/v1/')), doc.body)).toEqual([]);
});
