import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Comment, Post, Registration, StudyClass, User } from '../src/models';
import { createTestApp, csrfToken, logIn, makeUser, submitForm, TestApp } from './helpers';

// Classes through the web: creating, registering, inviting, join codes, roles,
// and notes that stay inside a private class.

let t: TestApp;
let teacher: User;
let student: User;
let outsider: User;
let admin: User;
const agents = new Map<number, TestAgent>();

beforeAll(async () => {
  t = await createTestApp();
  teacher = await makeUser({ username: 'teacher' });
  student = await makeUser({ username: 'student' });
  outsider = await makeUser({ username: 'outsider' });
  admin = await makeUser({ username: 'root', role: 'Administrator' });
});
afterAll(() => t.close());

async function as(user: User): Promise<TestAgent> {
  if (!agents.has(user.id)) {
    const agent = request.agent(t.app);
    await logIn(agent, user.email);
    agents.set(user.id, agent);
  }
  return agents.get(user.id)!;
}

const post = async (user: User, path: string, fields: Record<string, string> = {}) => {
  const agent = await as(user);
  const token = csrfToken((await agent.get('/classes')).text);
  return agent.post(path).type('form').send({ ...fields, csrf_token: token });
};

async function makeClass(name: string, visibility: 'public' | 'private'): Promise<StudyClass> {
  const res = await submitForm(await as(teacher), '/classes/new', { name, description: `About *${name}*`, visibility });
  expect(res.status).toBe(302);
  return (await StudyClass.findOne({ where: { name } }))!;
}

test('a teacher creates a public class; students register and leave', async () => {
  const klass = await makeClass('Deep Learning 101', 'public');
  expect(klass.slug).toBe('deep-learning-101');
  expect(klass.descriptionHtml).toBe('<p>About <em>Deep Learning 101</em></p>');
  let res = await request(t.app).get('/classes');
  expect(res.text).toContain('Deep Learning 101');
  res = await post(student, `/class/${klass.slug}/register`);
  expect(res.headers.location).toBe(`/class/${klass.slug}`);
  res = await post(student, `/class/${klass.slug}/register`);
  expect(await Registration.count({ where: { classId: klass.id, studentId: student.id } })).toBe(1);
  res = await request(t.app).get(`/class/${klass.slug}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain('/user/student');
  res = await (await as(outsider)).get('/user/student');
  expect(res.text).toContain('Deep Learning 101');
  res = await post(student, `/class/${klass.slug}/leave`);
  expect(await Registration.count({ where: { classId: klass.id } })).toBe(0);
});

test('registration without CSRF changes nothing; anonymous visitors go to login', async () => {
  const klass = await makeClass('Statistics', 'public');
  const res = await (await as(student)).post(`/class/${klass.slug}/register`).type('form').send({});
  expect(res.status).toBe(400);
  expect(await Registration.count({ where: { classId: klass.id } })).toBe(0);
  const anon = await request(t.app).post(`/class/${klass.slug}/register`).type('form').send({});
  expect([302, 400]).toContain(anon.status);
  expect(await Registration.count({ where: { classId: klass.id } })).toBe(0);
});

test('concurrent registrations never duplicate a row', async () => {
  const klass = await makeClass('Concurrency', 'public');
  await Promise.all(Array.from({ length: 10 }, () => klass.register(student.id)));
  expect(await Registration.count({ where: { classId: klass.id, studentId: student.id } })).toBe(1);
});

describe('a private class', () => {
  let klass: StudyClass;
  let note: Post;
  let comment: Comment;

  beforeAll(async () => {
    klass = await makeClass('Secret Seminar', 'private');
    expect(klass.joinCode).toBeTruthy();
    let res = await post(teacher, `/class/${klass.slug}/members`, { username: 'student', role: 'student' });
    expect(res.status).toBe(302);
    res = await submitForm(await as(student), '/', { body: 'private *insight*', class_id: String(klass.id) });
    expect(res.status).toBe(302);
    note = (await Post.findOne({ where: { body: 'private *insight*' } }))!;
    expect(note.classId).toBe(klass.id);
    comment = await Comment.create({ body: 'private reply', postId: note.id, authorId: teacher.id });
  });

  test('is a 404 to outsiders and anonymous visitors, and readable by members, the teacher and admins', async () => {
    for (const who of [outsider, null]) {
      const agent = who ? await as(who) : request(t.app);
      expect((await agent.get(`/class/${klass.slug}`)).status).toBe(404);
      expect((await agent.get(`/post/${note.id}`)).status).toBe(404);
      for (const page of ['/', '/user/student', '/user/teacher', '/classes']) {
        const res = await agent.get(page);
        expect(res.status).toBe(200);
        expect(res.text).not.toContain('private <em>insight</em>');
        expect(res.text).not.toContain('Secret Seminar');
      }
    }
    for (const who of [student, teacher, admin]) {
      const agent = await as(who);
      expect((await agent.get(`/class/${klass.slug}`)).status).toBe(200);
      const res = await agent.get(`/post/${note.id}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('private reply');
    }
  });

  test('counts on profiles leave private notes out for outsiders', async () => {
    const mine = await (await as(student)).get('/user/student');
    const theirs = await (await as(outsider)).get('/user/student');
    const count = (html: string) => Number(/(\d+) blog posts/.exec(html)![1]);
    expect(count(mine.text)).toBe(count(theirs.text) + 1);
  });

  test('outsiders cannot register, comment or file notes into it', async () => {
    let res = await post(outsider, `/class/${klass.slug}/register`);
    expect(res.status).toBe(404);
    res = await submitForm(await as(outsider), '/', { body: 'sneaky', class_id: String(klass.id) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Not a valid choice.');
    expect(await Post.count({ where: { body: 'sneaky' } })).toBe(0);
    res = await submitForm(await as(outsider), '/', { body: 'sneaky comment' }, `/post/${note.id}`);
    expect(res.status).toBe(404);
    expect(await Comment.count({ where: { body: 'sneaky comment' } })).toBe(0);
  });

  test('the join code admits a student; rotating it kills the old code', async () => {
    const newcomer = await makeUser({ username: 'newcomer' });
    const old = klass.joinCode!;
    let res = await submitForm(await as(newcomer), '/classes', { code: 'wrong-code' }, '/classes/join');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Unknown join code.');
    res = await post(teacher, `/class/${klass.slug}/join-code`);
    await klass.reload();
    expect(klass.joinCode).not.toBe(old);
    res = await submitForm(await as(newcomer), '/classes', { code: old }, '/classes/join');
    expect(res.text).toContain('Unknown join code.');
    res = await submitForm(await as(newcomer), '/classes', { code: klass.joinCode! }, '/classes/join');
    expect(res.headers.location).toBe(`/class/${klass.slug}`);
    expect((await (await as(newcomer)).get(`/post/${note.id}`)).status).toBe(200);
  });

  test('only the teacher or an admin manages it', async () => {
    expect((await post(student, `/class/${klass.slug}/join-code`)).status).toBe(403);
    expect((await (await as(student)).get(`/class/${klass.slug}/edit`)).status).toBe(403);
    expect((await post(outsider, `/class/${klass.slug}/members`, { username: 'outsider' })).status).toBe(404);
    expect((await (await as(admin)).get(`/class/${klass.slug}/edit`)).status).toBe(200);
  });

  test('an assistant moderates the class comments, and only those', async () => {
    const other = await Post.create({ body: 'public post', authorId: outsider.id });
    const otherComment = await Comment.create({ body: 'public comment', postId: other.id, authorId: outsider.id });
    expect((await (await as(student)).get('/moderate')).status).toBe(403);
    await post(teacher, `/class/${klass.slug}/members`, { username: 'student', role: 'assistant' });
    const agent = await as(student);
    const page = await agent.get('/moderate');
    expect(page.status).toBe(200);
    expect(page.text).toContain('private reply');
    expect(page.text).not.toContain('public comment');
    let res = await submitForm(agent, '/moderate', {}, `/moderate/disable/${comment.id}`);
    expect(res.status).toBe(302);
    expect((await comment.reload()).disabled).toBe(true);
    res = await submitForm(agent, '/moderate', {}, `/moderate/disable/${otherComment.id}`);
    expect(res.status).toBe(404);
    expect((await otherComment.reload()).disabled).toBeNull();
  });

  test('a moderator who is not a member does not see its comments', async () => {
    const moderator = await makeUser({ username: 'globalmod', role: 'Moderator' });
    const res = await (await as(moderator)).get('/moderate');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('private reply');
  });

  test('deleting it removes registrations, notes and comments in one go', async () => {
    const res = await post(teacher, `/class/${klass.slug}/delete`);
    expect(res.headers.location).toBe('/classes');
    expect(await StudyClass.findByPk(klass.id)).toBeNull();
    expect(await Registration.count({ where: { classId: klass.id } })).toBe(0);
    expect(await Post.findByPk(note.id)).toBeNull();
    expect(await Comment.findByPk(comment.id)).toBeNull();
  });
});

test('deleting a user removes their registrations', async () => {
  const klass = await makeClass('Leaving Users', 'public');
  const temp = await makeUser({ username: 'temporary' });
  await klass.register(temp.id);
  await temp.destroy();
  expect(await Registration.count({ where: { classId: klass.id } })).toBe(0);
});

test('slugs work in any script and stay unique', async () => {
  const a = await makeClass('机器学习 入门', 'public');
  expect(a.slug).toBe('机器学习-入门');
  const res = await request(t.app).get(`/class/${encodeURIComponent(a.slug)}`);
  expect(res.status).toBe(200);
  const b = await StudyClass.create({ name: '机器学习 入门', slug: await StudyClass.freeSlug('机器学习 入门'), teacherId: teacher.id });
  expect(b.slug).toBe('机器学习-入门-2');
});
