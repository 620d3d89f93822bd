import { faker } from '@faker-js/faker';
import request from 'supertest';
import { FAKE_PASSWORD, FakeError, fakeComments, fakePosts, fakeUsers } from '../src/cli/fake';
import { Comment, Follow, Post, User } from '../src/models';
import { renderMarkdown } from '../src/services/markdown';
import { TestApp, createTestApp, logIn } from './helpers';

// The `fake` command's generators on a real, freshly seeded database.

let t: TestApp;
const YEAR_MS = 365 * 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('posts and comments need users and posts to exist', async () => {
  expect(await User.count()).toBe(0);
  await expect(fakePosts(3)).rejects.toThrow(FakeError);
  await expect(fakeComments(3)).rejects.toThrow(FakeError);
  expect(await Post.count()).toBe(0);
});

test('users: confirmed, password "password", unique names, self-follows and random follows, joined within the year', async () => {
  const progress: number[] = [];
  const made = await fakeUsers(25, { batchSize: 10, onProgress: (n) => progress.push(n) });
  expect(made).toBe(25);
  expect(progress).toEqual([10, 20, 25]);

  const users = await User.findAll();
  expect(users).toHaveLength(25);
  expect(new Set(users.map((u) => u.username.toLowerCase())).size).toBe(25);
  expect(new Set(users.map((u) => u.email)).size).toBe(25);
  const now = Date.now();
  for (const user of users) {
    expect(user.confirmed).toBe(true);
    expect(user.username).toMatch(/^[A-Za-z][A-Za-z0-9_.]*$/);
    expect(user.roleId).not.toBeNull();
    expect(now - user.memberSince.getTime()).toBeLessThanOrEqual(YEAR_MS + 60_000);
    expect(user.lastSeen.getTime()).toBeGreaterThanOrEqual(user.memberSince.getTime());
    expect(await user.isFollowing(user)).toBe(true);
  }
  // One hash for everyone, and it is the hash of 'password'.
  expect(new Set(users.map((u) => u.passwordHash)).size).toBe(1);
  expect(await users[0].verifyPassword(FAKE_PASSWORD)).toBe(true);
  expect(await Follow.count()).toBeGreaterThan(25);
});

test('users: the same Faker picks twice still give unique accounts (unique-retry)', async () => {
  faker.seed(7);
  await fakeUsers(5);
  faker.seed(7);
  await fakeUsers(5);
  const users = await User.findAll();
  expect(users).toHaveLength(35);
  expect(new Set(users.map((u) => u.username.toLowerCase())).size).toBe(35);
  expect(new Set(users.map((u) => u.email)).size).toBe(35);
});

test('posts: body_html rendered from the Markdown, real authors, written after they joined', async () => {
  const progress: number[] = [];
  expect(await fakePosts(40, { batchSize: 16, onProgress: (n) => progress.push(n) })).toBe(40);
  expect(progress).toEqual([16, 32, 40]);
  const posts = await Post.findAll({ include: [{ model: User, as: 'author' }] });
  expect(posts).toHaveLength(40);
  for (const post of posts) {
    expect(post.bodyHtml).toBe(renderMarkdown(post.body, 'post'));
    expect(post.bodyHtml).toContain('<p>');
    expect(post.author).toBeTruthy();
    expect(post.timestamp.getTime()).toBeGreaterThanOrEqual(post.author!.memberSince.getTime());
    expect(post.timestamp.getTime()).toBeLessThanOrEqual(Date.now());
  }
});

test('comments: rendered inline, on existing posts by existing users, after the post', async () => {
  expect(await fakeComments(60, { batchSize: 25 })).toBe(60);
  const comments = await Comment.findAll({ include: [{ model: Post, as: 'post' }, { model: User, as: 'author' }] });
  expect(comments).toHaveLength(60);
  for (const comment of comments) {
    expect(comment.bodyHtml).toBe(renderMarkdown(comment.body, 'comment'));
    expect(comment.bodyHtml).not.toContain('<p>');
    expect(comment.author).toBeTruthy();
    expect(comment.post).toBeTruthy();
    expect(comment.timestamp.getTime()).toBeGreaterThanOrEqual(comment.post!.timestamp.getTime());
  }
});

test('a fake user logs in with "password" and the site shows the fake posts', async () => {
  const user = (await User.findOne({ order: [['id', 'ASC']] }))!;
  const agent = request.agent(t.app);
  await logIn(agent, user.email, FAKE_PASSWORD);
  const home = await agent.get('/');
  expect(home.status).toBe(200);
  expect(home.text).toContain(`Hello, ${user.username}!`);
  const newest = (await Post.findOne({ order: [['timestamp', 'DESC'], ['id', 'DESC']] }))!;
  const page = await agent.get(`/post/${newest.id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(newest.bodyHtml!.slice(0, 40));
});
