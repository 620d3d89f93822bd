import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Comment, CommentLabel, ModerationJob, ModerationModelRecord, Post, User } from '../src/models';
import { comparisonData, runComparison } from '../src/cli/model';
import { ModelServer } from '../src/services/moderation-model';
import { createTestApp, csrfToken, logIn, makeUser, submitForm, TestApp } from './helpers';
import { ApiClient, basic, undocumented } from './api-helpers';
import { labelled, synthetic } from './moderation-data';

// The moderation model in the web app: moderators' decisions recorded as labels, training
// off the request path, scoring on write, the queue's order, auto-hold, the model page.

const run = promisify(execFile);

let t: TestApp;
let api: ApiClient;
let alice: User;
let bob: User;
let mod: User;
let post: Post;

beforeAll(async () => {
  t = await createTestApp({
    MODERATION_RETRAIN_EVERY: '0',
    MODERATION_AUTO_HOLD: 'true',
    MODERATION_MIN_LABELS: '30',
    MODERATION_MIN_PRECISION: '0.9',
    MODERATION_HOLD_THRESHOLD: '0.9',
  });
  alice = await makeUser({ username: 'alice' });
  bob = await makeUser({ username: 'bob' });
  mod = await makeUser({ username: 'mod', role: 'Moderator' });
  post = await Post.create({ body: 'A note about optimizers', authorId: alice.id });
  api = new ApiClient(t.app);
});
afterAll(() => t.close());

const agentFor = async (user: User): Promise<TestAgent> => {
  const agent = request.agent(t.app);
  await logIn(agent, user.email);
  return agent;
};

const labelsOf = (comment: Comment) => CommentLabel.findAll({ where: { commentId: comment.id }, order: [['id', 'ASC']] });

/** Comment ids in the order a moderation page lists them. */
const idsOnPage = (html: string) => [...new Set([...html.matchAll(/\/moderate\/(?:approve|disable|enable)\/(\d+)/g)].map((m) => Number(m[1])))];

describe('labels from the moderation page', () => {
  test('Disable, Enable and Approve each record a label with who and when', async () => {
    const comment = await Comment.create({ body: 'buy cheap pills', postId: post.id, authorId: bob.id });
    const agent = await agentFor(mod);
    const before = Date.now();

    let res = await submitForm(agent, '/moderate', {}, `/moderate/disable/${comment.id}?page=1`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/moderate?page=1');
    res = await submitForm(agent, '/moderate', {}, `/moderate/enable/${comment.id}?view=queue&page=2`);
    expect(res.headers.location).toBe('/moderate?view=queue&page=2');
    res = await submitForm(agent, '/moderate', {}, `/moderate/approve/${comment.id}?view=bogus`);
    expect(res.headers.location).toBe('/moderate?view=all&page=1');

    const labels = await labelsOf(comment);
    expect(labels.map((l) => l.label)).toEqual([1, 0, 0]);
    for (const l of labels) {
      expect(l.moderatorId).toBe(mod.id);
      expect(l.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(l.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    await comment.reload();
    expect(comment.disabled).toBe(false);
  });

  test('the actions need a CSRF token and a moderator; their GET URLs only show a form', async () => {
    const comment = await Comment.create({ body: 'hello there', postId: post.id, authorId: bob.id });
    const modAgent = await agentFor(mod);
    let res = await modAgent.post(`/moderate/approve/${comment.id}`).type('form').send({});
    expect(res.status).toBe(400);
    res = await modAgent.get(`/moderate/approve/${comment.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Approve');
    const bobAgent = await agentFor(bob);
    res = await submitForm(bobAgent, '/', {}, `/moderate/disable/${comment.id}`);
    expect(res.status).toBe(403);
    res = await request(t.app).post(`/moderate/approve/${comment.id}`).type('form').send({});
    expect([302, 400]).toContain(res.status);
    expect(await labelsOf(comment)).toHaveLength(0);
    await comment.reload();
    expect(comment.disabled).toBeNull();
  });

  test('a PUT through the API is a label too', async () => {
    const comment = await Comment.create({ body: 'api moderated', postId: post.id, authorId: bob.id });
    const res = await api.put(`/api/v1/comments/${comment.id}`, { disabled: true }, basic(mod.email, 'correct horse'));
    expect(res.status).toBe(200);
    const labels = await labelsOf(comment);
    expect(labels.map((l) => [l.label, l.moderatorId])).toEqual([[1, mod.id]]);
  });
});

describe('before any model', () => {
  test('the queue is the unlabelled comments, newest first, without scores', async () => {
    const fresh = [];
    for (let i = 0; i < 3; i++) fresh.push(await Comment.create({ body: `unreviewed ${i}`, postId: post.id, authorId: bob.id, timestamp: new Date(Date.now() + i * 1000) }));
    const agent = await agentFor(mod);
    const res = await agent.get('/moderate?view=queue');
    expect(res.status).toBe(200);
    const ids = idsOnPage(res.text);
    expect(ids.slice(0, 3)).toEqual(fresh.map((c) => c.id).reverse());
    const labelledIds = (await CommentLabel.findAll()).map((l) => l.commentId);
    expect(ids.filter((id) => labelledIds.includes(id))).toEqual([]);
    expect(res.text).not.toContain('moderation-score');
    for (const c of fresh) expect((await c.reload()).score).toBeNull();
  });

  test('training without labels of both kinds is refused with a message', async () => {
    const agent = await agentFor(mod);
    const page = await agent.get('/moderate/model');
    expect(page.status).toBe(200);
    expect(page.text).toContain('No model has been trained yet');
    // So far one comment is labelled unwanted (by the PUT) and one fine.
    await CommentLabel.destroy({ where: {} });
    const res = await agent.post('/moderate/model/train').type('form').send({ csrf_token: csrfToken(page.text) });
    expect(res.status).toBe(302);
    const after = await agent.get('/moderate/model');
    expect(after.text).toContain('Training needs at least one comment labelled unwanted and one labelled fine');
    expect(await ModerationJob.count()).toBe(0);
  });
});

describe('training and serving', () => {
  const texts = ['cheap pills click here', 'a question about gradient descent', 'free money, thanks for the proof', '日本語のコメントです'];

  test('a moderator trains from the page; it runs off the request path and the new version is served', async () => {
    await labelled(synthetic(40), post, bob, mod);
    const agent = await agentFor(mod);
    const page = await agent.get('/moderate/model');
    const res = await agent.post('/moderate/model/train').type('form').send({ csrf_token: csrfToken(page.text) });
    expect(res.status).toBe(302);
    const job = (await ModerationJob.findOne({ where: { kind: 'train' }, order: [['id', 'DESC']] }))!;
    // The response came back while the worker was still training.
    expect(job.status).toBe('running');
    expect((await agent.get('/moderate/model')).text).toMatch(new RegExp(`Training started \\(job ${job.id}\\)`));

    const done = (await t.deps.moderation.training.wait(job.id))!;
    expect(done.status).toBe('done');
    expect(done.progress).toBe(1);
    expect(done.modelVersion).toBe(1);
    expect(done.requestedBy).toBe(mod.id);
    const served = t.deps.moderation.server.current!;
    expect(served.info.version).toBe(1);
    expect(served.info.labels).toEqual({ total: 40, positive: 20, negative: 20 });

    const record = (await ModerationModelRecord.findOne({ where: { active: true } }))!;
    expect(record.version).toBe(1);
    expect(record.labelCount).toBe(40);
    expect(record.metrics.f1).toBeGreaterThan(0.5);
    expect(record.curves!.history.length).toBeGreaterThan(0);
    expect(record.curves!.learning.labels.length).toBeGreaterThan(2);

    // Comments written before the model were scored by the training.
    const older = (await Comment.findOne({ where: { body: 'unreviewed 0' } }))!;
    expect(older.score).toBeCloseTo(served.score('unreviewed 0'), 6);
  });

  test('train → persist → reload gives the same scores', async () => {
    const other = new ModelServer(t.config.moderation, t.deps.log);
    expect(other.current).toBeNull();
    expect(await other.refresh()).toBe(true);
    expect(await other.refresh()).toBe(false);
    const record = (await ModerationModelRecord.findOne({ where: { active: true } }))!;
    const reloaded = record.toModel();
    for (const text of texts) {
      const served = t.deps.moderation.server.predict(text)!;
      expect(other.predict(text)).toEqual(served);
      expect(reloaded.score(text)).toBe(served.score);
    }
    expect(t.deps.moderation.server.predict('cheap pills casino bonus')!.label).toBe(1);
    expect(t.deps.moderation.server.predict('thanks for the convergence proof')!.label).toBe(0);
  });

  test('a new comment is scored on write, by the served model, quickly', async () => {
    const agent = await agentFor(alice);
    const body = 'thanks, the convergence proof helped with the learning rate';
    let res = await submitForm(agent, `/post/${post.id}`, { body });
    expect(res.status).toBe(302);
    res = await agent.get(res.headers.location);
    expect(res.text).toContain('Your comment has been published.');
    const comment = (await Comment.findOne({ where: { body } }))!;
    expect(comment.disabled).toBeNull();
    // A REAL column: 8 bytes on SQLite, 4 on PostgreSQL.
    expect(comment.score).toBeCloseTo(t.deps.moderation.server.predict(body)!.score, 6);
    expect(comment.score!).toBeLessThan(0.5);

    // Scoring is a featurization and a sparse dot product on the served model, nothing more:
    // ~0.1 ms a comment in the server, about ten times that inside Jest's sandbox, hence the margin.
    const model = t.deps.moderation.server.current!;
    const times = synthetic(300, 7).map((e) => {
      const start = process.hrtime.bigint();
      model.score(`${e.text} ${'and some more words in a longer comment '.repeat(4)}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    });
    times.sort((a, b) => a - b);
    expect(times[150]).toBeLessThan(5);
  });

  test('the queue shows the least certain unlabelled comments first, unscored last; likely puts the highest scores first', async () => {
    const mixed = ['cheap proof', 'free gradient bonus thanks', 'casino momentum', 'winner of the loss', 'pills and layers'];
    for (const body of mixed) await Comment.create({ body, postId: post.id, authorId: bob.id });
    const unscored = await Comment.create({ body: 'unscored one', postId: post.id, authorId: bob.id });
    await Comment.update({ score: null }, { where: { id: unscored.id } });
    const agent = await agentFor(mod);

    const queue = idsOnPage((await agent.get('/moderate?view=queue')).text);
    const byId = new Map((await Comment.findAll()).map((c) => [c.id, c]));
    const labelledIds = new Set((await CommentLabel.findAll()).map((l) => l.commentId));
    expect(queue.filter((id) => labelledIds.has(id))).toEqual([]);
    expect(queue).toContain(unscored.id);
    expect(queue[queue.length - 1]).toBe(unscored.id);
    const uncertainty = queue.slice(0, -1).map((id) => Math.abs(byId.get(id)!.score! - 0.5));
    expect(uncertainty).toEqual([...uncertainty].sort((a, b) => a - b));

    const likely = await agent.get('/moderate?view=likely');
    expect(likely.text).toContain('moderation-score');
    const ids = idsOnPage(likely.text);
    const scores = ids.slice(0, -1).map((id) => byId.get(id)!.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(ids[ids.length - 1]).toBe(unscored.id);
    expect(new Set(ids)).toEqual(new Set(queue));
  });
});

describe('auto-hold', () => {
  test('the trusted model holds what it flags; the author is told; a moderator decides', async () => {
    const server = t.deps.moderation.server;
    expect(server.trusted()).toBe(true);
    const spam = 'cheap pills casino bonus click free money giveaway';
    const agent = await agentFor(alice);
    let res = await submitForm(agent, `/post/${post.id}`, { body: spam });
    res = await agent.get(res.headers.location);
    expect(res.text).toContain('Your comment is waiting for a moderator&#39;s review.');
    const held = (await Comment.findOne({ where: { body: spam } }))!;
    expect(held.disabled).toBe(true);
    expect(held.score!).toBeGreaterThanOrEqual(0.9);
    expect(await labelsOf(held)).toHaveLength(0);

    res = await request(t.app).get(`/post/${post.id}?page=-1`);
    expect(res.text).toContain('This comment has been disabled by a moderator.');
    expect(res.text).not.toContain(spam);

    const headers = basic(alice.email, 'correct horse');
    res = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: `${spam} again` }, headers);
    expect(res.status).toBe(201);
    expect(res.body.disabled).toBe(true);
    res = await api.post(`/api/v1/posts/${post.id}/comments/`, { body: 'a question about momentum' }, headers);
    expect(res.body.disabled).toBe(false);

    const modAgent = await agentFor(mod);
    expect(idsOnPage((await modAgent.get('/moderate?view=queue')).text)).toContain(held.id);
    await submitForm(modAgent, '/moderate', {}, `/moderate/enable/${held.id}`);
    await held.reload();
    expect(held.disabled).toBe(false);
    expect((await labelsOf(held)).map((l) => l.label)).toEqual([0]);
  });
});

describe('/moderate/model', () => {
  test('moderators see the metrics and the charts as SVG; everyone else is turned away', async () => {
    await runComparison(synthetic(60, 3), { dataset: 'labels', epochs: 3, seed: 1 });
    const agent = await agentFor(mod);
    const res = await agent.get('/moderate/model');
    expect(res.status).toBe(200);
    const svgs = res.text.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(4);
    for (const title of ['Labels over time (cumulative)', 'Learning curve', 'Training of the served model', 'Optimizers: validation loss per epoch']) {
      expect(res.text).toContain(`<title>${title}</title>`);
    }
    const optimizers = svgs[3];
    for (const name of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta', 'adam']) expect(optimizers).toContain(`>${name} (lr `);
    expect(optimizers.match(/<polyline /g)).toHaveLength(7);
    expect(svgs[1]).toContain('<polyline ');
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
    expect(svgs.join('')).not.toContain('style=');
    expect(res.text).toMatch(/<th>Precision<\/th><td>[01](\.\d+)?<\/td>/);
    expect(res.text).toContain('60 examples from the moderators&#39; labels');

    expect((await (await agentFor(bob)).get('/moderate/model')).status).toBe(403);
    const anonymous = await request(t.app).get('/moderate/model');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/auth\/login/);
    const page = await (await agentFor(mod)).get('/moderate/model');
    const bobAgent = await agentFor(bob);
    const token = csrfToken((await bobAgent.get('/')).text);
    expect((await bobAgent.post('/moderate/model/train').type('form').send({ csrf_token: token })).status).toBe(403);
    expect(page.status).toBe(200);
  });
});

describe('the CLI, another process on the same database', () => {
  const cli = (args: string[]) =>
    run('npx', ['tsx', 'src/cli/index.ts', ...args], {
      cwd: t.config.rootDir,
      env: {
        ...process.env,
        NODE_ENV: 'testing',
        DATABASE_URL: t.config.databaseUrl,
        ...(t.config.databaseSchema ? { DATABASE_SCHEMA: t.config.databaseSchema } : {}),
        LOG_LEVEL: 'silent',
      },
      timeout: 120_000,
    });

  test('model:train stores a new version; this server serves it after its next poll', async () => {
    const { stdout } = await cli(['model:train']);
    expect(stdout).toMatch(/Version 2 is active: \d+ labels\./);
    expect(t.deps.moderation.server.current!.info.version).toBe(1);
    expect(await t.deps.moderation.server.refresh()).toBe(true);
    expect(t.deps.moderation.server.current!.info.version).toBe(2);
  }, 60_000);

  test('model:compare-optimizers stores its result for the page', async () => {
    const { stdout } = await cli(['model:compare-optimizers', '--epochs', '2']);
    expect(stdout).toMatch(/^adam\s+0\.001\s+\d\.\d{4}\s+\d\.\d{4}$/m);
    const job = (await ModerationJob.findOne({ where: { kind: 'compare' }, order: [['id', 'DESC']] }))!;
    expect(job.status).toBe('done');
    expect((job.result as { epochs: number }).epochs).toBe(2);
    await expect(comparisonData('nonsense')).rejects.toThrow(/Unknown dataset "nonsense"/);
  }, 60_000);
});

test('the API responses of this file match the OpenAPI document', async () => {
  const doc = await request(t.app).get('/api/v1/openapi.json');
  expect(api.records.length).toBeGreaterThanOrEqual(3);
  expect(undocumented(api.records, doc.body)).toEqual([]);
});
