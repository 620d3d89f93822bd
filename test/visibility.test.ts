import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Comment, Post, StudyClass, User } from '../src/models';
import { basic } from './api-helpers';
import { createTestApp, logIn, makeUser, submitForm, TestApp } from './helpers';

// The leak matrix: a private class's notes and comments walked through every
// listing page and API list, as a non-member and as a member. Outsiders must
// see no private text, and every count and pagination total must leave them out.

let t: TestApp;
let writer: User, member: User, outsider: User, moderator: User;
const PUBLIC = 25;
const PRIVATE = 7;
const PASSWORD = 'cat-and-mouse';
const SECRET = 'classified-note';
let privatePost: Post;

beforeAll(async () => {
  t = await createTestApp();
  writer = await makeUser({ username: 'writer', password: PASSWORD });
  member = await makeUser({ username: 'member', password: PASSWORD });
  outsider = await makeUser({ username: 'outsider', password: PASSWORD });
  moderator = await makeUser({ username: 'moderator', password: PASSWORD, role: 'Moderator' });
  const klass = await StudyClass.create({ name: 'Closed', slug: 'closed', visibility: 'private', teacherId: writer.id });
  await klass.register(member.id);
  await outsider.follow(writer);
  await member.follow(writer);
  const t0 = Date.now() - 1_000_000;
  for (let i = 0; i < PUBLIC + PRIVATE; i++) {
    const secret = i % 5 === 0 && i / 5 < PRIVATE;
    const post = await Post.create({
      body: secret ? `${SECRET} ${i}` : `open note ${i}`,
      authorId: writer.id,
      classId: secret ? klass.id : null,
      timestamp: new Date(t0 + i * 1000),
    });
    await Comment.create({ body: secret ? `${SECRET} reply ${i}` : `open reply ${i}`, postId: post.id, authorId: writer.id });
    if (secret) privatePost = post;
  }
  expect(await Post.count({ where: { classId: klass.id } })).toBe(PRIVATE);
});
afterAll(() => t.close());

const agentFor = async (user: User): Promise<TestAgent> => {
  const agent = request.agent(t.app);
  await logIn(agent, user.email, PASSWORD);
  return agent;
};

/** Every page of an HTML listing, concatenated. */
async function allPages(agent: TestAgent, path: string): Promise<string> {
  let html = '';
  for (let page = 1; page <= 5; page++) html += (await agent.get(`${path}${path.includes('?') ? '&' : '?'}page=${page}`)).text;
  return html;
}

describe.each([
  ['an outsider', () => outsider, PUBLIC],
  ['a member', () => member, PUBLIC + PRIVATE],
])('pages, as %s', (_who, user, visible) => {
  test('index (All and Followed), profile, moderation and the post page', async () => {
    const agent = await agentFor(user());
    const index = await allPages(agent, '/');
    expect((index.match(/open note \d+|classified-note \d+/g) ?? []).length).toBe(visible);
    expect(index.includes(SECRET)).toBe(visible > PUBLIC);
    await submitForm(agent, '/', {}, '/followed');
    const followed = await allPages(agent, '/');
    expect((followed.match(/open note \d+|classified-note \d+/g) ?? []).length).toBe(visible);
    const profile = await agent.get('/user/writer');
    expect(profile.text).toContain(`${visible} blog posts. ${visible} comments.`);
    expect((await allPages(agent, '/user/writer')).includes(SECRET)).toBe(visible > PUBLIC);
    expect((await agent.get(`/post/${privatePost.id}`)).status).toBe(visible > PUBLIC ? 200 : 404);
  });
});

test('moderation as a moderator outside the class', async () => {
  const agent = await agentFor(moderator);
  const html = await allPages(agent, '/moderate');
  expect(html).not.toContain(SECRET);
  expect((html.match(/open reply \d+/g) ?? []).length).toBe(PUBLIC);
});

test('anonymous visitors see only public notes', async () => {
  const html = await allPages(request.agent(t.app), '/');
  expect(html).not.toContain(SECRET);
  expect((html.match(/open note \d+/g) ?? []).length).toBe(PUBLIC);
  expect((await request(t.app).get(`/post/${privatePost.id}`)).status).toBe(404);
});

describe.each([
  ['an outsider', () => outsider, PUBLIC],
  ['a member', () => member, PUBLIC + PRIVATE],
])('API lists, as %s', (_who, user, visible) => {
  const walk = async (first: string, key: 'posts' | 'comments') => {
    const items: { body: string }[] = [];
    let url: string | null = first;
    let count = -1;
    while (url) {
      const res = await request(t.app).get(url).set(basic(user().email, PASSWORD));
      expect(res.status).toBe(200);
      items.push(...res.body[key]);
      count = res.body.count;
      url = res.body.next;
    }
    return { items, count };
  };

  test.each([
    ['/api/v1/posts/', 'posts'],
    ['/api/v1/posts/?cursor=', 'posts'],
    ['/api/v1/users/:writer/posts/', 'posts'],
    ['/api/v1/users/:writer/timeline/', 'posts'],
    ['/api/v1/comments/', 'comments'],
    ['/api/v1/comments/?cursor=', 'comments'],
  ] as const)('%s: items, count and pagination leave private notes out', async (path, key) => {
    const { items, count } = await walk(path.replace(':writer', String(writer.id)), key);
    expect(count).toBe(visible);
    expect(items.length).toBe(visible);
    expect(items.some((i) => i.body.includes(SECRET))).toBe(visible > PUBLIC);
  });

  test('user post_count, and the private post and its comments', async () => {
    const headers = basic(user().email, PASSWORD);
    expect((await request(t.app).get(`/api/v1/users/${writer.id}`).set(headers)).body.post_count).toBe(visible);
    const status = visible > PUBLIC ? 200 : 404;
    expect((await request(t.app).get(`/api/v1/posts/${privatePost.id}`).set(headers)).status).toBe(status);
    expect((await request(t.app).get(`/api/v1/posts/${privatePost.id}/comments/`).set(headers)).status).toBe(status);
    const comment = await Comment.findOne({ where: { postId: privatePost.id } });
    expect((await request(t.app).get(`/api/v1/comments/${comment!.id}`).set(headers)).status).toBe(status);
  });
});
