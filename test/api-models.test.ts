import request from 'supertest';
import { createApp } from '../src/app';
import { AppDeps, createDeps } from '../src/deps';
import { trainModerationModel } from '../src/ml/moderation';
import { Comment, CommentLabel, ModerationJob, ModerationModelRecord, Post, StudyClass, User } from '../src/models';
import { ApiClient, basic, undocumented } from './api-helpers';
import { createTestApp, makeUser, TestApp } from './helpers';
import { eventually, synthetic } from './moderation-data';

// The moderation model's API: permissions, labels, automatic and requested training with
// job progress, predictions and their bad inputs, the queue, and hot swaps, in one process
// and across two app instances on the same database. Every response is checked against the
// OpenAPI document at the end.

const PASSWORD = 'correct horse';
const PREDICT_LIMIT = 20;

let t: TestApp;
let api: ApiClient;
let alice: User;
let carol: User;
let mod: User;
let unconfirmed: User;
let post: Post;
let target: Comment;
let second: { deps: AppDeps; api: ApiClient } | null = null;

beforeAll(async () => {
  t = await createTestApp({ MODERATION_RETRAIN_EVERY: '12', MODERATION_PREDICT_PER_MINUTE: String(PREDICT_LIMIT), FLASKY_COMMENTS_PER_PAGE: '5' });
  api = new ApiClient(t.app);
  alice = await makeUser({ username: 'alice', password: PASSWORD });
  carol = await makeUser({ username: 'carol', password: PASSWORD });
  mod = await makeUser({ username: 'mod', password: PASSWORD, role: 'Moderator' });
  unconfirmed = await makeUser({ username: 'newbie', password: PASSWORD, role: 'Moderator', confirmed: false });
  post = await Post.create({ body: 'A note', authorId: alice.id });
  target = await Comment.create({ body: 'a comment to label', postId: post.id, authorId: alice.id });
});
afterAll(async () => {
  await second?.deps.close();
  await t.close();
});

const as = (user: User) => basic(user.email, PASSWORD);
const newComment = (body: string) => Comment.create({ body, postId: post.id, authorId: alice.id });
const label = (comment: Comment, value: unknown, user = mod) => api.post(`/api/v1/comments/${comment.id}/label`, { label: value }, as(user));

describe('permissions on every model endpoint', () => {
  const endpoints: [string, string, object | undefined, 'confirmed' | 'moderator'][] = [
    ['GET', '/api/v1/models/', undefined, 'confirmed'],
    ['GET', '/api/v1/models/moderation', undefined, 'confirmed'],
    ['POST', '/api/v1/models/moderation/predict', { text: 'hello' }, 'confirmed'],
    ['POST', '/api/v1/models/moderation/train', undefined, 'moderator'],
    ['GET', '/api/v1/models/moderation/jobs/1', undefined, 'moderator'],
    ['GET', '/api/v1/moderation/queue', undefined, 'moderator'],
    ['POST', '/api/v1/comments/:target/label', { label: 1 }, 'moderator'],
  ];

  test.each(endpoints)('%s %s: anonymous 401, unconfirmed 403, others as the permission says', async (method, path, body, who) => {
    const url = path.replace(':target', String(target.id));
    let res = await api.send(method, url, { body, headers: { Accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    res = await api.send(method, url, { body, headers: basic(alice.email, 'wrong password') });
    expect(res.status).toBe(401);
    res = await api.send(method, url, { body, headers: as(unconfirmed) });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Unconfirmed account');
    res = await api.send(method, url, { body, headers: as(alice) });
    if (who === 'moderator') expect(res.status).toBe(403);
    else expect([200, 409]).toContain(res.status);
    expect(await CommentLabel.count()).toBe(0);
    expect(await ModerationJob.count()).toBe(0);
  });
});

describe('before any model', () => {
  test('the model is described with a null version; predictions are a 409; the queue is newest first', async () => {
    let res = await api.get('/api/v1/models/', as(alice));
    expect(res.body).toEqual({ models: [{ name: 'moderation', url: '/api/v1/models/moderation', version: null, trained_at: null }] });
    res = await api.get('/api/v1/models/moderation', as(alice));
    expect(res.body).toMatchObject({ version: null, metrics: null, labels: null, labelled_comments: { unwanted: 0, fine: 0 }, new_labels: 0, trusted: false });
    res = await api.post('/api/v1/models/moderation/predict', { text: 'hello' }, as(alice));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'conflict', message: expect.stringMatching(/No moderation model has been trained yet/) });
    res = await api.post('/api/v1/models/moderation/train', undefined, as(mod));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/at least one comment labelled unwanted and one labelled fine/);
    res = await api.get('/api/v1/models/moderation/jobs/999', as(mod));
    expect(res.status).toBe(404);

    const newer = await Comment.create({ body: 'newest', postId: post.id, authorId: alice.id, timestamp: new Date(Date.now() + 60_000) });
    res = await api.get('/api/v1/moderation/queue', as(mod));
    expect(res.status).toBe(200);
    expect(res.body.comments[0]).toMatchObject({ url: `/api/v1/comments/${newer.id}`, body: 'newest', score: null });
    expect(res.body.count).toBe(2);
    await newer.destroy();
  });
});

describe('labels', () => {
  test('1 disables and 0 enables, each recorded with who and when', async () => {
    let res = await label(target, 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: `/api/v1/comments/${target.id}`, disabled: true, body: 'a comment to label' });
    res = await label(target, 0);
    expect(res.body.disabled).toBe(false);
    const labels = await CommentLabel.findAll({ where: { commentId: target.id }, order: [['id', 'ASC']] });
    expect(labels.map((l) => [l.label, l.moderatorId])).toEqual([
      [1, mod.id],
      [0, mod.id],
    ]);
    expect(Date.now() - labels[1].createdAt.getTime()).toBeLessThan(60_000);
  });

  test.each([
    [{ label: 2 }, 'label must be 0 (fine) or 1 (unwanted)'],
    [{ label: '1' }, 'label must be 0 (fine) or 1 (unwanted)'],
    [{ label: 0.5 }, 'label must be 0 (fine) or 1 (unwanted)'],
    [{ label: null }, 'label must be 0 (fine) or 1 (unwanted)'],
    [{}, 'label must be 0 (fine) or 1 (unwanted)'],
    [{ label: 1, disabled: true }, 'unknown or read-only field: disabled'],
    [[1], 'request body must be a JSON object'],
  ])('%j is a 400 naming the problem', async (body, message) => {
    const res = await api.post(`/api/v1/comments/${target.id}/label`, body, as(mod));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad request', message });
  });

  test('malformed JSON, another content type, an unknown or invisible comment', async () => {
    let res = await api.post(`/api/v1/comments/${target.id}/label`, '{"label": ', { ...as(mod), 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    res = await api.post(`/api/v1/comments/${target.id}/label`, 'label=1', { ...as(mod), 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    res = await label({ id: 999999 } as Comment, 1);
    expect(res.status).toBe(404);
    const closed = await StudyClass.create({ name: 'Closed', slug: 'closed', visibility: 'private', teacherId: alice.id });
    const secret = await Post.create({ body: 'members only', authorId: alice.id, classId: closed.id });
    const hidden = await Comment.create({ body: 'secret comment', postId: secret.id, authorId: alice.id });
    res = await label(hidden, 1);
    expect(res.status).toBe(404);
    res = await api.get('/api/v1/moderation/queue', as(mod));
    expect(JSON.stringify(res.body)).not.toContain('secret comment');
    expect(await CommentLabel.count({ where: { commentId: hidden.id } })).toBe(0);
  });
});

describe('training', () => {
  test('every MODERATION_RETRAIN_EVERY labels start a training in the background', async () => {
    for (const e of synthetic(12)) await label(await newComment(e.text), e.label);
    const job = await eventually(() => ModerationJob.findOne({ where: { kind: 'train' } }));
    expect(job.requestedBy).toBeNull();
    const done = (await t.deps.moderation.training.wait(job.id))!;
    expect(done.status).toBe('done');
    expect(t.deps.moderation.server.current!.info.version).toBe(1);
  });

  test('a moderator asks for a training: 202 with the job URL, which reports progress until done', async () => {
    // 8 more: fewer than MODERATION_RETRAIN_EVERY since the automatic training started.
    for (const e of synthetic(8, 2)) await label(await newComment(e.text), e.label);
    const [first, again] = await Promise.all([
      api.post('/api/v1/models/moderation/train', undefined, as(mod)),
      api.post('/api/v1/models/moderation/train', undefined, as(mod)),
    ]);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.url).toBe(first.body.url);
    const url: string = first.body.url;
    expect(url).toMatch(/^\/api\/v1\/models\/moderation\/jobs\/\d+$/);
    expect(first.headers.location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${url}$`));
    expect(first.body).toMatchObject({ kind: 'train', status: 'running', model_version: null, finished_at: null });

    let res = await api.get(url, as(mod));
    expect(res.status).toBe(200);
    expect(['running', 'done']).toContain(res.body.status);
    expect(res.body.progress).toBeGreaterThanOrEqual(0);
    await t.deps.moderation.training.wait(Number(url.split('/').pop()));
    res = await api.get(url, as(mod));
    expect(res.body).toMatchObject({ status: 'done', progress: 1, model_version: 2, model_url: '/api/v1/models/moderation', message: null });
    expect(res.body.finished_at).not.toBeNull();
    const job = (await ModerationJob.findByPk(Number(url.split('/').pop())))!;
    expect(job.requestedBy).toBe(mod.id);
  });

  test('the model describes its version, validation metrics and labels', async () => {
    let res = await api.get('/api/v1/models/moderation', as(alice));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, threshold: 0.5, trusted: false, auto_hold: false, new_labels: 0 });
    expect(res.body.labels.total).toBe(21);
    expect(res.body.labels.unwanted + res.body.labels.fine).toBe(21);
    expect(res.body.labelled_comments).toEqual({ unwanted: res.body.labels.unwanted, fine: res.body.labels.fine });
    for (const key of ['precision', 'recall', 'f1', 'roc_auc']) expect(res.body.metrics[key]).toEqual(expect.any(Number));
    expect(res.body.metrics.validation_size).toBeGreaterThanOrEqual(2);
    expect(new Date(res.body.trained_at).getTime()).toBeGreaterThan(Date.now() - 600_000);
    res = await api.get('/api/v1/models/', as(alice));
    expect(res.body.models[0]).toMatchObject({ name: 'moderation', version: 2 });
  });
});

describe('predictions', () => {
  test('any confirmed user gets a score, a label and the version that answered', async () => {
    let res = await api.post('/api/v1/models/moderation/predict', { text: 'cheap pills casino bonus click' }, as(alice));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ score: expect.any(Number), label: 1, version: 2 });
    expect(res.body.score).toBeGreaterThan(0.5);
    res = await api.post('/api/v1/models/moderation/predict', { text: 'thanks for the convergence proof' }, as(alice));
    expect(res.body.label).toBe(0);
    res = await api.post('/api/v1/models/moderation/predict', { text: '勾配降下法の収束について質問です' }, as(alice));
    expect(res.status).toBe(200);
    expect(res.body.score).toBe(t.deps.moderation.server.predict('勾配降下法の収束について質問です')!.score);
  });

  test.each([
    ['no text', {}, 'text is required'],
    ['an empty text', { text: '' }, 'text must not be empty'],
    ['a blank text', { text: ' \n\t ' }, 'text must not be empty'],
    ['a number', { text: 42 }, 'text must be a string'],
    ['an array', { text: ['a'] }, 'text must be a string'],
    ['32,769 characters', { text: 'x'.repeat(32_769) }, 'text must be at most 32768 characters'],
    ['another field', { text: 'ok', label: 1 }, 'unknown or read-only field: label'],
  ])('%s is a 400', async (_name, body, message) => {
    const res = await api.post('/api/v1/models/moderation/predict', body, as(alice));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad request', message });
  });

  test('a body over the API limit is a 413; text that is not JSON a 415', async () => {
    let res = await api.post('/api/v1/models/moderation/predict', { text: 'y'.repeat(600_000) }, as(alice));
    expect(res.status).toBe(413);
    res = await api.post('/api/v1/models/moderation/predict', 'hello', { ...as(alice), 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
  });

  test(`each user may ask ${PREDICT_LIMIT} times a minute`, async () => {
    for (let i = 0; i < PREDICT_LIMIT; i++) {
      const res = await api.post('/api/v1/models/moderation/predict', { text: `note ${i}` }, as(carol));
      expect(res.status).toBe(200);
    }
    const res = await api.post('/api/v1/models/moderation/predict', { text: 'one more' }, as(carol));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
    expect((await api.post('/api/v1/models/moderation/predict', { text: 'still fine' }, as(mod))).status).toBe(200);
  });
});

describe('the queue', () => {
  test('unlabelled comments, least certain first, unscored last, in pages', async () => {
    for (const body of ['cheap proof', 'free gradient bonus thanks', 'casino momentum', 'winner of the loss', 'pills and layers', 'bonus bonus']) await newComment(body);
    const unscored = await newComment('unscored');
    await Comment.update({ score: null }, { where: { id: unscored.id } });
    const items: { url: string; score: number | null }[] = [];
    let url: string | null = '/api/v1/moderation/queue';
    let count = 0;
    while (url) {
      const res = await api.get(url, as(mod));
      expect(res.status).toBe(200);
      expect(res.body.comments.length).toBeLessThanOrEqual(5);
      items.push(...res.body.comments);
      count = res.body.count;
      url = res.body.next;
    }
    expect(items).toHaveLength(count);
    const labelledIds = new Set((await CommentLabel.findAll()).map((l) => l.commentId));
    expect(items.filter((c) => labelledIds.has(Number(c.url.split('/').pop())))).toEqual([]);
    expect(items[items.length - 1].url).toBe(`/api/v1/comments/${unscored.id}`);
    const uncertainty = items.slice(0, -1).map((c) => Math.abs(c.score! - 0.5));
    expect(uncertainty).toEqual([...uncertainty].sort((a, b) => a - b));
    const res = await api.get('/api/v1/moderation/queue?page=2', as(mod));
    expect(res.body.prev).toBe('/api/v1/moderation/queue?page=1');
  });
});

describe('hot swap', () => {
  const text = 'cheap pills casino bonus click free money';

  test('requests in flight during a swap each get one whole version', async () => {
    const server = t.deps.moderation.server;
    const before = server.predict(text)!;
    const flipped = trainModerationModel(synthetic(40, 5).map((e) => ({ text: e.text, label: 1 - e.label })), { seed: 3 }).model;
    const record = await ModerationModelRecord.store(flipped.toJSON(), { history: [], learning: { labels: [], f1: [], valLoss: [] } });
    const after = { ...flipped.predict(text), version: record.version };
    expect(after.label).not.toBe(before.label);

    const users = [await makeUser({ password: PASSWORD }), await makeUser({ password: PASSWORD }), mod];
    const inFlight = Array.from({ length: 15 }, (_, i) => api.post('/api/v1/models/moderation/predict', { text }, as(users[i % 3])));
    const [swapped, ...answers] = await Promise.all([server.refresh(), ...inFlight]);
    expect(swapped).toBe(true);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect([before, after]).toContainEqual(res.body);
    }
    expect((await api.post('/api/v1/models/moderation/predict', { text }, as(users[0]))).body).toEqual(after);
  });

  test('another app instance on the same database serves a new version after its poll', async () => {
    const deps = createDeps(t.config);
    await deps.start();
    second = { deps, api: new ApiClient(createApp(t.config, deps)) };
    await deps.moderation.server.refresh();
    const v3 = deps.moderation.server.current!.info.version;
    expect(v3).toBe(3);

    const { job } = await t.deps.moderation.training.start(mod.id);
    expect((await t.deps.moderation.training.wait(job.id))!.modelVersion).toBe(4);
    expect(t.deps.moderation.server.current!.info.version).toBe(4);
    let res = await second.api.post('/api/v1/models/moderation/predict', { text }, as(alice));
    expect(res.body.version).toBe(3);

    expect(await deps.moderation.server.refresh()).toBe(true);
    res = await second.api.post('/api/v1/models/moderation/predict', { text }, as(alice));
    expect(res.body.version).toBe(4);
    res = await second.api.get('/api/v1/models/moderation', as(alice));
    expect(res.body.version).toBe(4);
  });
});

describe('the OpenAPI document (last: it checks the responses of every test above)', () => {
  test('every response of this file matches the OpenAPI document', async () => {
    const doc = await request(t.app).get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    for (const path of ['/models/', '/models/moderation', '/models/moderation/predict', '/models/moderation/train', '/models/moderation/jobs/{id}', '/moderation/queue', '/comments/{id}/label']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(doc.body.paths['/models/moderation/predict'].post.responses['409']).toBeDefined();
    expect(doc.body.paths['/models/moderation/train'].post.responses['202'].headers.Location).toBeDefined();
    const records = [...api.records, ...(second?.api.records ?? [])];
    expect(records.length).toBeGreaterThan(60);
    expect(undocumented(records, doc.body)).toEqual([]);
  });
});
