import { Post, Registration, StudyClass, User } from '../src/models';
import { ApiClient, basic, Headers, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';

// /api/v1/classes: classes, registrations and class notes through the API, for
// the teacher, a member, an assistant, a non-member, an anonymous client and an administrator.

let t: TestApp;
let api: ApiClient;
let teacher: User, member: User, outsider: User, admin: User;
const PASSWORD = 'cat-and-mouse';
const as = (user: User): Headers => basic(user.email, PASSWORD);

beforeAll(async () => {
  t = await createTestApp();
  api = new ApiClient(t.app);
  teacher = await makeUser({ username: 'teach', password: PASSWORD });
  member = await makeUser({ username: 'member', password: PASSWORD });
  outsider = await makeUser({ username: 'outsider', password: PASSWORD });
  admin = await makeUser({ username: 'admin', password: PASSWORD, role: 'Administrator' });
});
afterAll(() => t.close());

test('create, read, edit and list a public class; register, list students and leave', async () => {
  let res = await api.post('/api/v1/classes/', { name: 'Optimisation', description: 'SGD *and* friends' }, as(teacher));
  expect(res.status).toBe(201);
  expect(res.headers.location).toMatch(/\/api\/v1\/classes\/\d+$/);
  expect(res.body).toMatchObject({ name: 'Optimisation', slug: 'optimisation', visibility: 'public', member_count: 0, description_html: '<p>SGD <em>and</em> friends</p>' });
  expect(res.body.join_code).toBeUndefined();
  const url: string = res.body.url;

  expect((await api.get(url, as(outsider))).status).toBe(200);
  expect((await api.put(url, { name: 'Optimisation 2' }, as(outsider))).status).toBe(403);
  res = await api.put(url, { name: 'Optimisation 2' }, as(teacher));
  expect(res.status).toBe(200);
  expect(res.body.slug).toBe('optimisation-2');

  res = await api.post(`${url}/students/`, {}, as(member));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ username: 'member', role: 'student' });
  res = await api.post(`${url}/students/`, {}, as(member));
  expect(res.status).toBe(201);
  expect(await Registration.count({ where: { studentId: member.id } })).toBe(1);

  res = await api.get(`${url}/students/`, as(outsider));
  expect(res.body).toMatchObject({ count: 1, prev: null, next: null });
  res = await api.get(`/api/v1/users/${member.id}/classes/`, as(outsider));
  expect(res.body.classes.map((c: { name: string }) => c.name)).toEqual(['Optimisation 2']);
  res = await api.get('/api/v1/classes/', as(outsider));
  expect(res.body.count).toBe(1);

  expect((await api.post(`${url}/students/`, { role: 'assistant' }, as(member))).status).toBe(403);
  expect((await api.delete(`${url}/students/`, as(member))).status).toBe(204);
  expect(await Registration.count({ where: { studentId: member.id } })).toBe(0);
});

test('bad input gets clear errors and changes nothing', async () => {
  const before = await StudyClass.count();
  for (const body of [{}, { name: '' }, { name: 5 }, { name: 'x', visibility: 'secret' }, { name: 'x', teacher_id: 1 }, { name: 'x'.repeat(200) }]) {
    const res = await api.post('/api/v1/classes/', body, as(teacher));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad request');
    expect(typeof res.body.message).toBe('string');
  }
  expect(await StudyClass.count()).toBe(before);
  expect((await api.get('/api/v1/classes/abc', as(teacher))).status).toBe(404);
  expect((await api.get('/api/v1/classes/999999', as(teacher))).status).toBe(404);
  expect((await api.get('/api/v1/classes/')).status).toBe(401);
});

describe('a private class', () => {
  let url: string;
  let id: number;
  let note: Post;

  beforeAll(async () => {
    const res = await api.post('/api/v1/classes/', { name: 'Reading Group', visibility: 'private' }, as(teacher));
    url = res.body.url;
    id = Number(url.split('/').pop());
    expect(res.body.join_code).toEqual(expect.any(String));
    expect((await api.post(`${url}/students/`, { user_id: member.id }, as(teacher))).status).toBe(201);
    const created = await api.post('/api/v1/posts/', { body: 'members only', class_id: id }, as(member));
    expect(created.status).toBe(201);
    expect(created.body.class_url).toBe(url);
    note = (await Post.findOne({ where: { body: 'members only' } }))!;
  });

  test('is a 404 to outsiders everywhere, visible to members, teacher and admins', async () => {
    for (const path of [url, `${url}/students/`, `${url}/posts/`, `/api/v1/posts/${note.id}`, `/api/v1/posts/${note.id}/comments/`]) {
      expect({ path, status: (await api.get(path, as(outsider))).status }).toEqual({ path, status: 404 });
      for (const who of [member, teacher, admin]) expect({ path, status: (await api.get(path, as(who))).status }).toEqual({ path, status: 200 });
    }
    const asMember = await api.get(url, as(member));
    expect(asMember.body.join_code).toBeUndefined();
    expect((await api.get(url, as(admin))).body.join_code).toEqual(expect.any(String));
  });

  test('outsiders cannot register, file notes, comment, edit or delete', async () => {
    expect((await api.post(`${url}/students/`, {}, as(outsider))).status).toBe(404);
    expect((await api.post('/api/v1/posts/', { body: 'sneak', class_id: id }, as(outsider))).status).toBe(400);
    expect((await api.post(`/api/v1/posts/${note.id}/comments/`, { body: 'sneak' }, as(outsider))).status).toBe(404);
    expect((await api.put(url, { name: 'mine' }, as(outsider))).status).toBe(404);
    expect((await api.delete(url, as(outsider))).status).toBe(404);
    expect((await api.delete(`${url}/students/${member.id}`, as(outsider))).status).toBe(404);
    expect(await Post.count({ where: { body: 'sneak' } })).toBe(0);
  });

  test('the join code admits; a member cannot register others; the teacher removes', async () => {
    const code = (await api.get(url, as(teacher))).body.join_code as string;
    expect((await api.post(`${url}/students/`, { join_code: 'nope' }, as(outsider))).status).toBe(404);
    expect((await api.post(`${url}/students/`, { join_code: code }, as(outsider))).status).toBe(201);
    expect((await api.get(`/api/v1/posts/${note.id}`, as(outsider))).status).toBe(200);
    expect((await api.post(`${url}/students/`, { user_id: admin.id }, as(member))).status).toBe(403);
    expect((await api.delete(`${url}/students/${outsider.id}`, as(member))).status).toBe(403);
    expect((await api.delete(`${url}/students/${outsider.id}`, as(teacher))).status).toBe(204);
    expect((await api.get(`/api/v1/posts/${note.id}`, as(outsider))).status).toBe(404);
  });

  test('the teacher makes a member an assistant; deleting the class takes its notes', async () => {
    const res = await api.post(`${url}/students/`, { user_id: member.id, role: 'assistant' }, as(teacher));
    expect(res.body.role).toBe('assistant');
    expect((await api.delete(url, as(member))).status).toBe(403);
    expect((await api.delete(url, as(teacher))).status).toBe(204);
    expect(await Post.findByPk(note.id)).toBeNull();
    expect(await Registration.count({ where: { classId: id } })).toBe(0);
  });
});

test('every response of this file matches the OpenAPI document', async () => {
  const doc = await api.get('/api/v1/openapi.json');
  expect(undocumented(api.records.filter((r) => r.path.startsWith('/api/v1/')), doc.body)).toEqual([]);
});
