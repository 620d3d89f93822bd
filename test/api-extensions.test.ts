import { Comment, Post, User } from '../src/models';
import { ApiClient, basic, Headers, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// What mlnotes adds to Flasky's API: DELETE, moderation, keyset pagination,
// OPTIONS and 405, the OpenAPI document and its browsable reference.

let t: TestApp;
let api: ApiClient;
let author: User, other: User, admin: User, moderator: User;
const as = (user: User): Headers => basic(user.email, 'cat-and-mouse');

beforeAll(async () => {
  t = await createTestApp();
  api = new ApiClient(t.app);
  author = await makeUser({ password: 'cat-and-mouse' });
  other = await makeUser({ password: 'cat-and-mouse' });
  admin = await makeUser({ password: 'cat-and-mouse', role: 'Administrator' });
  moderator = await makeUser({ password: 'cat-and-mouse', role: 'Moderator' });
});
afterAll(() => t.close());

describe('DELETE', () => {
  test('an author deletes a post and its comments; others may not', async () => {
    const post = await Post.create({ body: 'to delete', authorId: author.id });
    const keep = await Post.create({ body: 'to keep', authorId: author.id });
    await Comment.create({ body: 'on it', authorId: other.id, postId: post.id });
    await Comment.create({ body: 'on the other', authorId: other.id, postId: keep.id });

    const denied = await api.delete(`/api/v1/posts/${post.id}`, as(other));
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'forbidden', message: 'Insufficient permissions' });
    expect(await Post.findByPk(post.id)).not.toBeNull();

    const res = await api.delete(`/api/v1/posts/${post.id}`, as(author));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await Post.findByPk(post.id)).toBeNull();
    expect(await Comment.count({ where: { postId: post.id } })).toBe(0);
    expect(await Comment.count({ where: { postId: keep.id } })).toBe(1);
    expect((await api.get(`/api/v1/posts/${post.id}`, as(author))).status).toBe(404);
    expect((await api.delete(`/api/v1/posts/${post.id}`, as(author))).status).toBe(404);
  });

  test("an administrator deletes anyone's post or comment", async () => {
    const post = await Post.create({ body: 'by author', authorId: author.id });
    const comment = await Comment.create({ body: 'by other', authorId: other.id, postId: post.id });
    expect((await api.delete(`/api/v1/comments/${comment.id}`, as(admin))).status).toBe(204);
    expect((await api.delete(`/api/v1/posts/${post.id}`, as(admin))).status).toBe(204);
    expect(await Post.findByPk(post.id)).toBeNull();
  });

  test('a comment is deleted by its author, not by the post author or a moderator', async () => {
    const post = await Post.create({ body: 'post', authorId: author.id });
    const comment = await Comment.create({ body: 'mine', authorId: other.id, postId: post.id });
    expect((await api.delete(`/api/v1/comments/${comment.id}`, as(author))).status).toBe(403);
    expect((await api.delete(`/api/v1/comments/${comment.id}`, as(moderator))).status).toBe(403);
    expect((await api.delete(`/api/v1/comments/${comment.id}`, as(other))).status).toBe(204);
    expect(await Comment.findByPk(comment.id)).toBeNull();
    expect((await api.get(`/api/v1/comments/${comment.id}`, as(other))).status).toBe(404);
  });
});

describe('moderation', () => {
  let post: Post;
  let comment: Comment;
  beforeAll(async () => {
    post = await Post.create({ body: 'moderated post', authorId: author.id });
    comment = await Comment.create({ body: 'rude *words*', authorId: other.id, postId: post.id });
  });

  test('only moderators may enable or disable a comment', async () => {
    const denied = await api.put(`/api/v1/comments/${comment.id}`, { disabled: true }, as(author));
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'forbidden', message: 'Insufficient permissions' });
    await comment.reload();
    expect(comment.disabled).toBeNull();

    const res = await api.put(`/api/v1/comments/${comment.id}`, { disabled: true }, as(moderator));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ disabled: true, body: 'rude *words*' });
    await comment.reload();
    expect(comment.disabled).toBe(true);
  });

  test("a disabled comment's text is hidden from readers who cannot moderate, everywhere", async () => {
    const hidden = { disabled: true, body: '', body_html: '' };
    expect((await api.get(`/api/v1/comments/${comment.id}`, as(author))).body).toMatchObject(hidden);
    expect((await api.get(`/api/v1/posts/${post.id}/comments/`, as(author))).body.comments[0]).toMatchObject(hidden);
    const all = await api.get('/api/v1/comments/', as(other));
    expect(all.body.comments.find((c: { url: string }) => c.url === `/api/v1/comments/${comment.id}`)).toMatchObject(hidden);
    expect(JSON.stringify(all.body)).not.toContain('rude');

    const seen = await api.get(`/api/v1/comments/${comment.id}`, as(moderator));
    expect(seen.body).toMatchObject({ disabled: true, body: 'rude *words*' });
    expect(seen.body.body_html).toContain('<em>words</em>');
  });

  test('enabling shows the comment again', async () => {
    expect((await api.put(`/api/v1/comments/${comment.id}`, { disabled: false }, as(admin))).status).toBe(200);
    const res = await api.get(`/api/v1/comments/${comment.id}`, as(author));
    expect(res.body).toMatchObject({ disabled: false, body: 'rude *words*' });
  });
});

describe('keyset pagination', () => {
  let reader: User;
  beforeAll(async () => {
    await Comment.destroy({ where: {} });
    await Post.destroy({ where: {} });
    reader = await makeUser({ password: 'cat-and-mouse' });
    await reader.follow(author);
    const base = Date.UTC(2026, 2, 1);
    // 50 posts, in pairs sharing a timestamp, created out of time order.
    for (let i = 49; i >= 0; i--) {
      await Post.create({ body: `post ${i}`, authorId: i % 3 === 0 ? reader.id : author.id, timestamp: new Date(base + Math.floor(i / 2) * 1000) });
    }
  });

  async function walk(first: string): Promise<{ bodies: string[]; pages: number; counts: number[] }> {
    const bodies: string[] = [];
    const counts: number[] = [];
    let url: string | null = first;
    let pages = 0;
    while (url && pages < 20) {
      const res = await api.get(url, as(reader));
      expect(res.status).toBe(200);
      expect(res.body.prev).toBeNull();
      bodies.push(...res.body.posts.map((p: { body: string }) => p.body));
      counts.push(res.body.count);
      url = res.body.next;
      if (url) expect(url).toMatch(/\?cursor=[A-Za-z0-9_-]+$/);
      pages++;
    }
    return { bodies, pages, counts };
  }

  async function pageWalk(path: string): Promise<string[]> {
    const bodies: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await api.get(`${path}?page=${page}`, as(reader));
      bodies.push(...res.body.posts.map((p: { body: string }) => p.body));
    }
    return bodies;
  }

  test('?cursor= walks every post once, newest first, in the same order as ?page=', async () => {
    const { bodies, pages, counts } = await walk('/api/v1/posts/?cursor=');
    expect(pages).toBe(3);
    expect(bodies).toHaveLength(50);
    expect(new Set(bodies).size).toBe(50);
    expect(counts).toEqual([50, 50, 50]);
    expect(bodies).toEqual(await pageWalk('/api/v1/posts/'));
  });

  test("a user's posts and timeline walk by cursor too", async () => {
    const mine = await walk(`/api/v1/users/${reader.id}/posts/?cursor=`);
    expect(mine.bodies).toHaveLength(17);
    expect(mine.bodies).toEqual(await pageWalk(`/api/v1/users/${reader.id}/posts/`));
    const timeline = await walk(`/api/v1/users/${reader.id}/timeline/?cursor=`);
    expect(timeline.bodies).toHaveLength(50);
  });

  test("a post's comments walk oldest first by cursor", async () => {
    const post = await Post.findOne({ where: { body: 'post 0' } });
    const base = Date.UTC(2026, 3, 1);
    for (let i = 0; i < 35; i++) await Comment.create({ body: `c${i}`, authorId: reader.id, postId: post!.id, timestamp: new Date(base + Math.floor(i / 5) * 1000) });
    const first = await api.get(`/api/v1/posts/${post!.id}/comments/?cursor=`, as(reader));
    expect(first.body.comments).toHaveLength(30);
    expect(first.body.comments[0].body).toBe('c0');
    const second = await api.get(first.body.next, as(reader));
    expect(second.body.comments.map((c: { body: string }) => c.body)).toEqual(['c30', 'c31', 'c32', 'c33', 'c34']);
    expect(second.body).toMatchObject({ next: null, prev: null, count: 35 });
    const all = await api.get('/api/v1/comments/?cursor=', as(reader));
    expect(all.body.comments[0].body).toBe('c34');
  });

  test('a cursor page costs the same at any depth: LIMIT on the (timestamp, id) key, no OFFSET', async () => {
    const first = await api.get('/api/v1/posts/?cursor=', as(reader));
    const sql: string[] = [];
    const sequelize = t.deps.sequelize as unknown as { options: { logging: unknown } };
    const logging = sequelize.options.logging;
    sequelize.options.logging = (query: string) => sql.push(query);
    try {
      await api.get(first.body.next, as(reader));
    } finally {
      sequelize.options.logging = logging;
    }
    const select = sql.find((q) => /FROM posts p\b/.test(q) && /LIMIT/.test(q));
    expect(select).toBeDefined();
    expect(select).not.toMatch(/OFFSET|LIMIT \d+, \d+/i);
    expect(select).toMatch(/p\.timestamp < /);
    expect(select).toMatch(/LIMIT 21/);
  });
});

describe('OPTIONS and wrong methods', () => {
  test('OPTIONS on an API URL is a 204 with Allow, without credentials', async () => {
    const cases: [string, string][] = [
      ['/api/v1/posts/', 'GET, HEAD, POST, OPTIONS'],
      ['/api/v1/posts/1', 'GET, HEAD, PUT, DELETE, OPTIONS'],
      ['/api/v1/posts/1/comments/', 'GET, HEAD, POST, OPTIONS'],
      ['/api/v1/comments/1', 'GET, HEAD, PUT, DELETE, OPTIONS'],
      ['/api/v1/tokens/', 'POST, OPTIONS'],
      ['/api/v1/users/1/timeline/', 'GET, HEAD, OPTIONS'],
    ];
    for (const [url, allow] of cases) {
      const res = await api.send('OPTIONS', url);
      expect({ url, status: res.status, allow: res.headers.allow }).toEqual({ url, status: 204, allow });
    }
    expect((await api.send('OPTIONS', '/api/v1/nowhere')).status).toBe(404);
  });

  test('a wrong method on a known URL is a 405 JSON error with Allow', async () => {
    for (const [method, url] of [['PATCH', '/api/v1/posts/1'], ['GET', '/api/v1/tokens/'], ['DELETE', '/api/v1/posts/'], ['POST', '/api/v1/users/1']]) {
      const res = await api.send(method, url, { headers: as(author) });
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 405 });
      expect(res.body.error).toBe('method not allowed');
      expect(res.headers.allow).toContain('OPTIONS');
    }
  });

  test('HEAD answers like GET, without a body', async () => {
    const res = await api.send('HEAD', '/api/v1/posts/', { headers: as(author) });
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });

  test('CORS is off by default: no Access-Control headers', async () => {
    const res = await api.get('/api/v1/posts/', { ...as(author), Origin: 'https://elsewhere.example' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the OpenAPI document and the reference', () => {
  test('/api/v1/openapi.json is OpenAPI 3.1, needs no credentials, and lists every operation served', async () => {
    const res = await api.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(doc.components.securitySchemes).toMatchObject({ basicAuth: { scheme: 'basic' }, bearerAuth: { scheme: 'bearer' } });
    expect(doc.components.schemas.PostCreate).toMatchObject({ additionalProperties: false, required: ['body'], properties: { body: { maxLength: 100000 } } });
    expect(doc.components.schemas.CommentCreate.properties.body.maxLength).toBe(5000);
    expect(doc.paths['/posts/{id}'].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostUpdate' });
    expect(doc.paths['/posts/'].post.responses['201'].headers.Location).toBeDefined();
    // The document and the router agree: each path's methods are what OPTIONS allows.
    for (const [template, item] of Object.entries(doc.paths as Record<string, object>)) {
      const url = `/api/v1${template.replace('{id}', '1')}`;
      const allow = (await api.send('OPTIONS', url)).headers.allow.split(', ');
      const documented = Object.keys(item).map((m) => m.toUpperCase());
      expect({ url, methods: allow.filter((m: string) => m !== 'HEAD' && m !== 'OPTIONS').sort() }).toEqual({ url, methods: documented.sort() });
    }
  });

  test('/api/docs serves Swagger UI from our own files under the CSP', async () => {
    const page = await api.get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/<style|style=/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/api\/docs\//);
      expect({ asset, status: (await api.get(asset)).status }).toEqual({ asset, status: 200 });
    }
    const init = await api.get('/api/docs/swagger-ui-init.js');
    expect(init.headers['content-type']).toMatch(/javascript/);
    expect(init.text).toContain('/api/v1/openapi.json');
    // The standalone layout's top bar draws a logo with an inline <style> the CSP would block.
    expect(init.text).toContain('"layout": "BaseLayout"');
    expect((await api.get('/api/docs/package.json')).status).toBe(404);
  });
});

describe('the OpenAPI document (last: it checks the responses of every test above)', () => {
  test('every response of this file matches the OpenAPI document', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    const apiRecords = api.records.filter((r) => r.path.startsWith('/api/v1/'));
    expect(apiRecords.length).toBeGreaterThan(50);
    expect(undocumented(apiRecords, doc.body)).toEqual([]);
  });
});
