import { loadConfig } from '../src/config';
import { Comment, ModerationModelRecord, Post, User } from '../src/models';
import { createTestApp, makeUser, TestApp } from './helpers';
import { labelled, sentence, synthetic } from './moderation-data';

// MODERATION_SELF_TRAINING: off unless set; when set, a training started the way the page,
// the API and the CLI start one (worker thread included) learns from unlabelled comments too.

let t: TestApp;
let post: Post;
let author: User;
let mod: User;

beforeAll(async () => {
  t = await createTestApp({ MODERATION_RETRAIN_EVERY: '0', MODERATION_SELF_TRAINING: 'true' });
  author = await makeUser({ username: 'author' });
  mod = await makeUser({ username: 'mod', role: 'Moderator' });
  post = await Post.create({ body: 'A note about optimizers', authorId: author.id });
});
afterAll(() => t.close());

test('self-training is off unless MODERATION_SELF_TRAINING is set', () => {
  expect(loadConfig({}).moderation.selfTraining).toBe(false);
  expect(loadConfig({ MODERATION_SELF_TRAINING: 'false' }).moderation.selfTraining).toBe(false);
  expect(t.config.moderation.selfTraining).toBe(true);
});

test('with the flag, training learns from confident predictions on unlabelled comments', async () => {
  await labelled(synthetic(80), post, author, mod);
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < 60; i++) {
    await Comment.create({ body: `${sentence(i % 2 === 0 ? 1 : 0, rand)} unreviewed ${i}`, postId: post.id, authorId: author.id });
  }
  const { job } = await t.deps.moderation.training.start(mod.id);
  const done = (await t.deps.moderation.training.wait(job.id))!;
  expect(done.status).toBe('done');

  const record = (await ModerationModelRecord.findOne({ where: { active: true } }))!;
  expect(record.hyperparameters.selfTraining).toBe(true);
  expect(record.hyperparameters.pseudoLabels).toBeGreaterThan(0);
  // Pseudo-labels are not labels: the model still counts the moderators' 80.
  expect(record.labelCount).toBe(80);
  expect(t.deps.moderation.server.current!.info.hyperparameters.selfTraining).toBe(true);
});
