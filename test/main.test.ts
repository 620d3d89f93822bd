import request from 'supertest';
import { Comment, Follow, Post, User } from '../src/models';
import { createTestApp, csrfToken, logIn, makeUser, submitForm, TestApp } from './helpers';

// The main blueprint through HTTP: every route, for each kind of visitor.

let t: TestApp;
let alice: User;
let bob: User;
let mod: User;
let admin: User;

beforeAll(async () => {
  t = await createTestApp();
  alice = await makeUser({ username: 'alice', email: 'alice@example.com' });
  bob = await makeUser({ username: 'bob', email: 'bob@example.com' });
  mod = await makeUser({ username: 'mod', email: 'mod@example.com', role: 'Moderator' });
  admin = await makeUser({ username: 'admin', email: 'admin@example.com', role: 'Administrator' });
});
afterAll(() => t.close());

const agentFor = async (user: User) => {
  const agent = request.agent(t.app);
  await logIn(agent, user.email);
  return agent;
};

describe('posts', () => {
  test('a writer posts Markdown from the index and sees it rendered, newest first', async () => {
    const agent = await agentFor(alice);
    let res = await submitForm(agent, '/', { body: 'first *note*' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    res = await submitForm(agent, '/', { body: 'second **note** <script>alert(1)</script>' });
    res = await agent.get('/');
    expect(res.text).toContain('<p>first <em>note</em></p>');
    expect(res.text).toContain('<strong>note</strong>');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text.indexOf('second')).toBeLessThan(res.text.indexOf('first <em>'));
  });

  test('an empty post re-renders the form with an error and saves nothing', async () => {
    const agent = await agentFor(alice);
    const before = await Post.count();
    const res = await submitForm(agent, '/', { body: '   ' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('This field is required.');
    expect(await Post.count()).toBe(before);
  });

  test('anonymous visitors see no form and a POST to / just renders the page', async () => {
    let res = await request(t.app).get('/');
    expect(res.text).not.toContain('What&#39;s on your mind?');
    const agent = request.agent(t.app);
    const before = await Post.count();
    res = await submitForm(agent, '/auth/login', { body: 'x' }, '/');
    expect(res.status).toBe(200);
    expect(await Post.count()).toBe(before);
  });

  test('a POST without a CSRF token changes nothing', async () => {
    const agent = await agentFor(alice);
    const before = await Post.count();
    const res = await agent.post('/').type('form').send({ body: 'no token' });
    expect(res.status).toBe(400);
    expect(await Post.count()).toBe(before);
  });

  test('the post page shows the post; missing posts and junk ids are 404', async () => {
    const post = await Post.create({ body: 'a post page', authorId: bob.id });
    let res = await request(t.app).get(`/post/${post.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('a post page');
    expect(res.text).toContain('id="comments"');
    for (const path of ['/post/999999', '/post/abc', '/post/1.5', '/post/-1']) {
      res = await request(t.app).get(path);
      expect(res.status).toBe(404);
    }
  });

  test('edit: author and administrator may, others get 403, missing 404', async () => {
    const post = await Post.create({ body: 'original', authorId: alice.id });
    const aliceAgent = await agentFor(alice);
    let res = await submitForm(aliceAgent, `/edit/${post.id}`, { body: 'edited by *alice*' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/post/${post.id}`);
    await post.reload();
    expect(post.bodyHtml).toBe('<p>edited by <em>alice</em></p>');

    const bobAgent = await agentFor(bob);
    res = await bobAgent.get(`/edit/${post.id}`);
    expect(res.status).toBe(403);
    const token = csrfToken((await bobAgent.get('/')).text);
    res = await bobAgent.post(`/edit/${post.id}`).type('form').send({ body: 'hijack', csrf_token: token });
    expect(res.status).toBe(403);
    await post.reload();
    expect(post.body).toBe('edited by *alice*');

    const adminAgent = await agentFor(admin);
    res = await adminAgent.get(`/edit/${post.id}`);
    expect(res.status).toBe(200);
    res = await adminAgent.get('/edit/987654');
    expect(res.status).toBe(404);

    res = await request(t.app).get(`/edit/${post.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/auth/login?next=${encodeURIComponent(`/edit/${post.id}`)}`);
  });

  test('pagination: 20 a page, junk page values mean page 1, pages past the end are empty', async () => {
    const writer = await makeUser({ username: 'prolific' });
    for (let i = 0; i < 25; i++) await Post.create({ body: `bulk post number ${i}`, authorId: writer.id });
    const page1 = await request(t.app).get('/user/prolific');
    expect((page1.text.match(/bulk post number/g) ?? []).length).toBe(20);
    expect(page1.text).toContain('bulk post number 24');
    const page2 = await request(t.app).get('/user/prolific?page=2');
    expect((page2.text.match(/bulk post number/g) ?? []).length).toBe(5);
    for (const junk of ['abc', '0', '-5', '1e9', '']) {
      const res = await request(t.app).get(`/user/prolific?page=${junk}`);
      expect(res.status).toBe(200);
      expect((res.text.match(/bulk post number/g) ?? []).length).toBe(20);
    }
    const past = await request(t.app).get('/user/prolific?page=9');
    expect(past.status).toBe(200);
    expect(past.text).not.toContain('bulk post number');
  });
});

describe('comments and moderation', () => {
  test('a commenter comments; the redirect goes to the last page; anonymous POST goes to login', async () => {
    const post = await Post.create({ body: 'commentable', authorId: alice.id });
    const agent = await agentFor(bob);
    let res = await submitForm(agent, `/post/${post.id}`, { body: 'nice [post](http://example.com)!' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/post/${post.id}?page=-1#comments`);
    res = await agent.get(`/post/${post.id}?page=-1`);
    expect(res.text).toContain('Your comment has been published.');
    expect(res.text).toContain('nice <a href="http://example.com" rel="nofollow noopener">post</a>!');

    const anon = request.agent(t.app);
    res = await submitForm(anon, '/auth/login', { body: 'anonymous' }, `/post/${post.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/auth\/login\?next=/);
    expect(await Comment.count({ where: { body: 'anonymous' } })).toBe(0);
  });

  test('comments: 30 a page, oldest first, ?page=-1 is the last page', async () => {
    const post = await Post.create({ body: 'popular', authorId: alice.id });
    const base = Date.now() - 100_000;
    for (let i = 0; i < 35; i++) {
      await Comment.create({ body: `comment ${i} here`, postId: post.id, authorId: bob.id, timestamp: new Date(base + i * 1000) });
    }
    let res = await request(t.app).get(`/post/${post.id}`);
    expect((res.text.match(/comment \d+ here/g) ?? []).length).toBe(30);
    expect(res.text.indexOf('comment 0 here')).toBeLessThan(res.text.indexOf('comment 1 here'));
    res = await request(t.app).get(`/post/${post.id}?page=-1`);
    expect((res.text.match(/comment \d+ here/g) ?? []).length).toBe(5);
    expect(res.text).toContain('comment 34 here');
  });

  test('moderators disable and enable; others see the notice; non-moderators get 403', async () => {
    const post = await Post.create({ body: 'moderated', authorId: alice.id });
    const comment = await Comment.create({ body: 'rude words', postId: post.id, authorId: bob.id });
    const modAgent = await agentFor(mod);
    let res = await modAgent.get('/moderate');
    expect(res.status).toBe(200);
    expect(res.text).toContain('rude words');
    res = await submitForm(modAgent, '/moderate?page=1', {}, `/moderate/disable/${comment.id}?page=1`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/moderate?page=1');
    await comment.reload();
    expect(comment.disabled).toBe(true);

    res = await request(t.app).get(`/post/${post.id}`);
    expect(res.text).toContain('This comment has been disabled by a moderator.');
    expect(res.text).not.toContain('rude words');
    res = await modAgent.get('/moderate');
    expect(res.text).toContain('rude words');

    const bobAgent = await agentFor(bob);
    res = await bobAgent.get('/moderate');
    expect(res.status).toBe(403);
    res = await submitForm(bobAgent, '/', {}, `/moderate/enable/${comment.id}`);
    expect(res.status).toBe(403);
    res = await request(t.app).get('/moderate');
    expect(res.status).toBe(302);

    res = await modAgent.get(`/moderate/enable/${comment.id}`);
    expect(res.status).toBe(200);
    await comment.reload();
    expect(comment.disabled).toBe(true);
    res = await submitForm(modAgent, `/moderate/enable/${comment.id}?page=2`, {}, `/moderate/enable/${comment.id}?page=2`);
    expect(res.headers.location).toBe('/moderate?page=2');
    await comment.reload();
    expect(comment.disabled).toBe(false);
    res = await submitForm(modAgent, '/moderate', {}, '/moderate/disable/999999');
    expect(res.status).toBe(404);
  });
});

describe('people', () => {
  test('profiles: details, counts and 404 for unknown users', async () => {
    await alice.update({ name: 'Alice Liddell', location: 'Oxford', aboutMe: 'curious <b>girl</b>' });
    const res = await request(t.app).get('/user/alice');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alice Liddell');
    expect(res.text).toContain('curious &lt;b&gt;girl&lt;/b&gt;');
    expect(res.text).toMatch(/\d+ blog posts\. \d+ comments\./);
    expect(res.text).not.toContain('alice@example.com');
    expect((await request(t.app).get('/user/nobody')).status).toBe(404);
    const asAdmin = await (await agentFor(admin)).get('/user/alice');
    expect(asAdmin.text).toContain('mailto:alice@example.com');
  });

  test('follow and unfollow are POSTs with flashes; the GET links answer with a form', async () => {
    const carol = await makeUser({ username: 'carol' });
    const agent = await agentFor(carol);
    let res = await agent.get('/follow/alice');
    expect(res.status).toBe(200);
    expect(await carol.isFollowing(alice)).toBe(false);
    res = await submitForm(agent, '/follow/alice', {});
    expect(res.headers.location).toBe('/user/alice');
    expect(await carol.isFollowing(alice)).toBe(true);
    res = await agent.get('/user/alice');
    expect(res.text).toContain('You are now following alice.');
    expect(res.text).toContain('Unfollow');
    res = await submitForm(agent, '/follow/alice', {});
    expect((await agent.get('/user/alice')).text).toContain('You are already following this user.');
    res = await submitForm(agent, '/', {}, '/follow/nobody-here');
    expect(res.headers.location).toBe('/');

    const aliceAgent = await agentFor(alice);
    expect((await aliceAgent.get('/user/carol')).text).toContain('Follows you');

    res = await submitForm(agent, '/unfollow/alice', {});
    expect(await carol.isFollowing(alice)).toBe(false);
    expect((await agent.get('/user/alice')).text).toContain('You are not following alice anymore.');
    res = await submitForm(agent, '/unfollow/alice', {});
    expect((await agent.get('/user/alice')).text).toContain('You are not following this user.');
  });

  test('followers and followed lists hide the user itself', async () => {
    const dave = await makeUser({ username: 'dave' });
    await dave.follow(bob);
    let res = await request(t.app).get('/followers/bob');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Followers of bob');
    expect(res.text).toContain('/user/dave');
    expect(res.text).not.toContain('<a href="/user/bob">');
    res = await request(t.app).get('/followed_by/dave');
    expect(res.text).toContain('Followed by dave');
    expect(res.text).toContain('/user/bob');
    res = await request(t.app).get('/followers/nobody');
    expect(res.status).toBe(302);
    expect(await Follow.count({ where: { followerId: dave.id, followedId: dave.id } })).toBe(1);
  });

  test('the Followed tab shows only followed users\' posts', async () => {
    const erin = await makeUser({ username: 'erin' });
    const frank = await makeUser({ username: 'frank' });
    const gina = await makeUser({ username: 'gina' });
    await erin.follow(frank);
    await Post.create({ body: 'frank writes here', authorId: frank.id });
    await Post.create({ body: 'gina writes here', authorId: gina.id });
    const agent = await agentFor(erin);
    let res = await submitForm(agent, '/', {}, '/followed');
    expect(res.status).toBe(302);
    expect(res.headers['set-cookie'].join(';')).toMatch(/show_followed=1/);
    res = await agent.get('/');
    expect(res.text).toContain('frank writes here');
    expect(res.text).not.toContain('gina writes here');
    await submitForm(agent, '/', {}, '/all');
    res = await agent.get('/');
    expect(res.text).toContain('gina writes here');
    res = await agent.get('/followed');
    expect(res.status).toBe(200);
  });

  test('edit profile', async () => {
    const agent = await agentFor(bob);
    let res = await submitForm(agent, '/edit-profile', { name: 'Bob B', location: 'Paris', about_me: 'hi' });
    expect(res.headers.location).toBe('/user/bob');
    await bob.reload();
    expect(bob.location).toBe('Paris');
    res = await submitForm(agent, '/edit-profile', { name: 'x'.repeat(65), location: '', about_me: '' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('at most 64');
    expect((await request(t.app).get('/edit-profile')).status).toBe(302);
  });

  test('administrator edit profile: 403 for others, 404 for missing, role and confirmed set', async () => {
    const target = await makeUser({ username: 'target', confirmed: false });
    const bobAgent = await agentFor(bob);
    expect((await bobAgent.get(`/edit-profile/${target.id}`)).status).toBe(403);
    expect((await bobAgent.get('/edit-profile/99999')).status).toBe(403);
    const agent = await agentFor(admin);
    expect((await agent.get('/edit-profile/99999')).status).toBe(404);
    const page = await agent.get(`/edit-profile/${target.id}`);
    const moderatorRole = /<option value="(\d+)"[^>]*>Moderator</.exec(page.text)![1];
    let res = await agent.post(`/edit-profile/${target.id}`).type('form').send({
      csrf_token: csrfToken(page.text), email: 'target2@example.com', username: 'target2', confirmed: 'y', role: moderatorRole, name: '', location: '', about_me: '',
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/user/target2');
    await target.reload();
    expect(target.confirmed).toBe(true);
    expect(target.roleId).toBe(Number(moderatorRole));
    res = await submitForm(agent, `/edit-profile/${target.id}`, { email: 'bob@example.com', username: 'bob', role: '1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Email already registered.');
    expect(res.text).toContain('Username already in use.');
    res = await submitForm(agent, `/edit-profile/${target.id}`, { email: 'ok@example.com', username: 'ok', role: '9999' });
    expect(res.text).toContain('Not a valid choice.');
  });
});

test('errors answer JSON when the client prefers it, HTML otherwise', async () => {
  let res = await request(t.app).get('/wrong/url').set('Accept', 'application/json');
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: 'not found' });
  res = await request(t.app).get('/wrong/url');
  expect(res.status).toBe(404);
  expect(res.text).toContain('Not Found');
  res = await request(t.app).get('/wrong/url').set('Accept', '*/*');
  expect(res.type).toBe('text/html');
});
