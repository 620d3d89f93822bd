import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import request from 'supertest';
import { createMigrator } from '../src/migrate';
import { Post, StudyClass, Tag } from '../src/models';
import { createNote, deriveTitle, noteTitle, normaliseTag, parseTags, plainText, setTags, tagsOf, updateNote } from '../src/services/notes';
import { createTestApp, csrfToken, logIn, makeUser, submitForm, TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ FLASKY_POSTS_PER_PAGE: '2' });
});
afterAll(() => t.close());

describe('titles', () => {
  test('the first heading wins, stripped of Markdown', () => {
    expect(deriveTitle('Some intro\n\n## The **Adam** optimizer [paper](https://x.org) ##\n\ntext')).toBe('The Adam optimizer paper');
    expect(deriveTitle('Setext title\n============\n\nbody')).toBe('Setext title');
  });

  test('else the first line of text, skipping code fences', () => {
    expect(deriveTitle('\n\n> *Momentum* with `beta = 0.9`\nsecond line')).toBe('Momentum with beta = 0.9');
    expect(deriveTitle('```python\n# not a heading\nx = 1\n```\n- first item')).toBe('first item');
    expect(deriveTitle('Inline math $E = mc^2$ and snake_case names')).toBe('Inline math E = mc^2 and snake_case names');
  });

  test('at most 120 characters, ending in an ellipsis when cut', () => {
    const title = deriveTitle('word '.repeat(100));
    expect([...title].length).toBeLessThanOrEqual(120);
    expect(title.endsWith('…')).toBe(true);
  });

  test('Chinese titles', () => {
    expect(deriveTitle('# 机器学习笔记：*梯度下降*\n正文')).toBe('机器学习笔记：梯度下降');
  });

  test('a given title is used as is; an empty note still has a name', () => {
    expect(noteTitle({ title: 'Given', body: '# Heading' })).toBe('Given');
    expect(noteTitle({ title: null, body: '# Heading' })).toBe('Heading');
    expect(noteTitle({ id: 7, title: null, body: '```\ncode only\n```' })).toBe('Note 7');
  });

  test('plain text drops markup and HTML but keeps code and math text', () => {
    expect(plainText('# Title\n\n<script>alert(1)</script> **bold** `x+1`\n\n```\ny = 2\n```')).toBe('Title alert(1) bold x+1 y = 2');
  });
});

describe('tag names', () => {
  test('normalised: NFKC, lower case, trimmed, # stripped, spaces → -', () => {
    expect(normaliseTag('  #Deep Learning ')).toBe('deep-learning');
    expect(normaliseTag('ＦＵＬＬ＿ｗｉｄｔｈ')).toBe('full_width');
    expect(normaliseTag('机器学习')).toBe('机器学习');
    expect(normaliseTag('हिन्दी')).toBe('हिन्दी');
  });

  test('rejected: empty, too long, punctuation, control characters', () => {
    for (const bad of ['', '#', 'x'.repeat(51), 'c++', 'a/b', 'tab\u0000', '<b>']) expect(normaliseTag(bad)).toBeNull();
    expect(normaliseTag('x'.repeat(50))).toBe('x'.repeat(50));
  });

  test('a comma-separated field: distinct, at most ten, empty items ignored', () => {
    expect(parseTags('ML, #ml , deep learning,, 优化，强化学习、RL')).toEqual({ ok: true, tags: ['ml', 'deep-learning', '优化', '强化学习', 'rl'] });
    expect(parseTags('')).toEqual({ ok: true, tags: [] });
    expect(parseTags(Array.from({ length: 11 }, (_, i) => `t${i}`).join(','))).toMatchObject({ ok: false });
    expect(parseTags('fine, not/fine')).toMatchObject({ ok: false, error: expect.stringContaining('not/fine') });
  });
});

describe('notes with tags', () => {
  test('created, edited and read back with their tags', async () => {
    const author = await makeUser();
    const post = await createNote(author.id, { body: 'A note on **SGD**', title: '  Stochastic   gradient descent ', tags: ['optimization', 'sgd'] });
    expect(post.title).toBe('Stochastic gradient descent');
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['optimization', 'sgd']);

    await updateNote(post, { tags: ['sgd', '优化'], title: '' });
    const again = (await Post.findByPk(post.id))!;
    expect(again.title).toBeNull();
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['sgd', '优化']);
    expect(again.updatedAt).toBeInstanceOf(Date);

    await updateNote(again, { body: 'Changed body' });
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['sgd', '优化']);
    expect(await Tag.count({ where: { name: 'optimization' } })).toBe(1);
  });

  test('two notes sharing a new tag make one tag row', async () => {
    const author = await makeUser();
    const [a, b] = await Promise.all([
      createNote(author.id, { body: 'one', tags: ['shared-new'] }),
      createNote(author.id, { body: 'two', tags: ['shared-new'] }),
    ]);
    expect(await Tag.count({ where: { name: 'shared-new' } })).toBe(1);
    const tags = await tagsOf([a.id, b.id]);
    expect([tags.get(a.id), tags.get(b.id)]).toEqual([['shared-new'], ['shared-new']]);
  });

  test('deleting a note removes its tag links', async () => {
    const author = await makeUser();
    const post = await Post.create({ body: 'temporary', authorId: author.id });
    await setTags(post, ['temp']);
    await post.destroy();
    expect((await tagsOf([post.id])).size).toBe(0);
  });
});

describe('on pages', () => {
  const PASSWORD = 'correct horse';

  test('a note written with a title and tags shows them, with chips linking to tag pages', async () => {
    const author = await makeUser({ username: 'writer' });
    const agent = request.agent(t.app);
    await logIn(agent, author.email, PASSWORD);
    let res = await submitForm(agent, '/', { body: 'Momentum keeps a running average.', title: 'Momentum', tags: '#Optimization, 优化' });
    expect(res.status).toBe(302);
    const post = (await Post.findOne({ where: { authorId: author.id } }))!;
    expect(post.title).toBe('Momentum');
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['optimization', '优化']);

    res = await agent.get(`/user/${author.username}`);
    expect(res.text).toContain(`<a href="/post/${post.id}">Momentum</a>`);
    expect(res.text).toContain('href="/tag/optimization">#optimization</a>');
    expect(res.text).toContain(`href="/tag/${encodeURIComponent('优化')}">#优化</a>`);
    res = await agent.get(`/post/${post.id}`);
    expect(res.text).toContain('<title>mlnotes - Momentum</title>');
  });

  test('the edit page shows and changes title and tags; bad tags are a form error', async () => {
    const author = await makeUser({ username: 'editor' });
    const post = await createNote(author.id, { body: '# Derived heading\n\ntext', tags: ['one', 'two'] });
    const agent = request.agent(t.app);
    await logIn(agent, author.email, PASSWORD);
    let res = await agent.get(`/edit/${post.id}`);
    expect(res.text).toContain('<title>mlnotes - Edit Post: Derived heading</title>');
    expect(res.text).toMatch(/name="tags" type="text"\s+value="one, two"/);
    const token = csrfToken(res.text);

    res = await agent.post(`/edit/${post.id}`).type('form').send({ csrf_token: token, body: 'new body', title: 'Given', tags: 'c++, fine' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('is not a valid tag');
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['one', 'two']);

    res = await agent.post(`/edit/${post.id}`).type('form').send({ csrf_token: token, body: 'new body', title: 'Given', tags: 'Three' });
    expect(res.status).toBe(302);
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['three']);
    expect((await agent.get(`/post/${post.id}`)).text).toContain('<title>mlnotes - Given</title>');

    res = await agent.post(`/edit/${post.id}`).type('form').send({ csrf_token: token, body: '# Back to derived', title: '', tags: '' });
    expect((await Post.findByPk(post.id))!.title).toBeNull();
    expect((await agent.get(`/post/${post.id}`)).text).toContain('<title>mlnotes - Back to derived</title>');

    res = await agent.get('/');
    const form = await agent.post('/').type('form').send({ csrf_token: csrfToken(res.text), body: 'x', title: 'x'.repeat(201) });
    expect(form.status).toBe(200);
    expect(form.text).toContain('at most 200 characters');
  });

  test('tag pages: visible notes, newest first, paginated; Chinese names; names normalised', async () => {
    const author = await makeUser();
    const member = await makeUser();
    const klass = await StudyClass.create({ name: 'Tag Secrets', slug: 'tag-secrets', visibility: 'private', teacherId: author.id });
    await klass.register(member.id);
    for (const body of ['first 强化学习', 'second 强化学习', 'third 强化学习']) await createNote(author.id, { body, tags: ['强化学习'] });
    await createNote(author.id, { body: 'secret 强化学习', tags: ['强化学习'], classId: klass.id });
    const url = `/tag/${encodeURIComponent('强化学习')}`;

    let res = await request(t.app).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>mlnotes - #强化学习</title>');
    expect(res.text).toContain('3 notes');
    expect(res.text).toContain('third 强化学习');
    expect(res.text).not.toContain('first 强化学习');
    expect(res.text).toContain(`href="${url}?page=2"`);
    expect((await request(t.app).get(`${url}?page=2`)).text).toContain('first 强化学习');
    expect(res.text).not.toContain('secret');

    const agent = request.agent(t.app);
    await logIn(agent, member.email, PASSWORD);
    res = await agent.get(url);
    expect(res.text).toContain('4 notes');
    expect(res.text).toContain('secret 强化学习');

    res = await request(t.app).get('/tag/Deep%20Learning');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/tag/deep-learning');
    expect((await request(t.app).get('/tag/no-such-tag')).text).toContain('No notes with this tag yet.');
    expect((await request(t.app).get('/tag/a%2Fb')).status).toBe(404);
    expect((await request(t.app).get(`/tag/${'x'.repeat(60)}`)).status).toBe(404);
    expect((await request(t.app).get('/tag/%E0%A4%A')).status).toBeLessThan(500);
  });

  test('an old post (no title) is named by its first line', async () => {
    const author = await makeUser();
    const post = await Post.create({ body: 'Plain first line\nsecond line', authorId: author.id });
    expect(post.title ?? null).toBeNull();
    expect((await request(t.app).get(`/post/${post.id}`)).text).toContain('<title>mlnotes - Plain first line</title>');
  });
});

test('the migration keeps existing posts (title null) and its undo keeps posts and comments', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlnotes-migrate-'));
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: path.join(dir, 'db.sqlite'), logging: false });
  try {
    await sequelize.query('PRAGMA foreign_keys=ON');
    const migrator = createMigrator(sequelize);
    const names = (await migrator.pending()).map((m) => m.name);
    const mine = names.indexOf('0003-titles-and-tags');
    await migrator.up({ to: names[mine - 1] });
    await sequelize.query("INSERT INTO users (id, email, username, confirmed, member_since, last_seen, auth_epoch) VALUES (1, 'a@b.c', 'a', 1, '2020-01-01', '2020-01-01', 0)");
    await sequelize.query("INSERT INTO posts (id, body, timestamp, author_id) VALUES (7, 'old *note*', '2020-01-01', 1)");
    await sequelize.query("INSERT INTO comments (body, timestamp, author_id, post_id) VALUES ('a comment', '2020-01-01', 1, 7)");

    await migrator.up({ to: '0003-titles-and-tags' });
    const rows = await sequelize.query('SELECT id, body, title FROM posts', { type: QueryTypes.SELECT });
    expect(rows).toEqual([{ id: 7, body: 'old *note*', title: null }]);

    await migrator.down({ to: '0003-titles-and-tags' });
    expect(await sequelize.query('SELECT id, body FROM posts', { type: QueryTypes.SELECT })).toEqual([{ id: 7, body: 'old *note*' }]);
    expect(await sequelize.query('SELECT body FROM comments', { type: QueryTypes.SELECT })).toEqual([{ body: 'a comment' }]);
  } finally {
    await sequelize.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
