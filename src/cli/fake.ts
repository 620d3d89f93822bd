import { faker } from '@faker-js/faker';
import bcrypt from 'bcrypt';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Op, Sequelize } from 'sequelize';
import type { Config } from '../config';
import type { AppDeps } from '../deps';
import { prepareDatabase } from '../migrate';
import { Comment, Follow, Post, Role, User, gravatarHash } from '../models';
import { renderMarkdown } from '../services/markdown';

// Flasky's app/fake.py, made fast enough for benchmark databases: rows go in
// with one multi-row INSERT per batch, one transaction per batch, so 100,000
// posts take about a minute instead of an hour of one-by-one saves. bulkCreate
// runs no per-row hooks, so what the hooks would do is done here: body_html
// rendered, avatar hash and role set, users following themselves. The big
// INSERTs are kept out of the slow-query log: they are slow on purpose.

export const FAKE_PASSWORD = 'password';
const YEAR_MS = 365 * 86_400_000;
const MAX_FOLLOWS = 10;

export interface FakeOptions {
  /** Rows per INSERT (and per transaction). */
  batchSize?: number;
  /** Called after each batch with the number of rows made so far. */
  onProgress?: (done: number) => void;
  now?: Date;
}

export class FakeError extends Error {}

const TOPICS = [
  'gradient descent', 'attention heads', 'overfitting', 'batch normalization', 'learning-rate schedules',
  'tokenizers', 'cross-validation', 'embeddings', 'dropout', 'convolutions', 'beam search', 'weight decay',
  'transformers', 'decision trees', 'k-means', 'the bias-variance trade-off', 'contrastive learning', 'LoRA',
];

function db(): Sequelize {
  if (!User.sequelize) throw new FakeError('Models are not initialised (createDeps first).');
  return User.sequelize;
}

const ms = (d: Date | string) => new Date(d).getTime();
const between = (from: number, to: number) => new Date(faker.number.int({ min: Math.min(from, to), max: to }));

async function inBatches(count: number, opts: FakeOptions, makeBatch: (n: number) => Promise<void>): Promise<number> {
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  let done = 0;
  while (done < count) {
    const n = Math.min(batchSize, count - done);
    await makeBatch(n);
    done += n;
    opts.onProgress?.(done);
  }
  return done;
}

/** Up to n distinct elements (faker's arrayElements copies the whole array per call). */
function pickSome<T>(items: T[], n: number): Set<T> {
  const picked = new Set<T>();
  for (let tries = 0; picked.size < n && tries < n * 4; tries++) picked.add(faker.helpers.arrayElement(items));
  return picked;
}

/** Faker's pick if it is free, else the same with digits added: unique without a failed INSERT. */
function unique(taken: Set<string>, candidate: string, vary: (value: string, suffix: string) => string): string {
  let value = candidate;
  while (taken.has(value.toLowerCase())) value = vary(candidate, String(faker.number.int({ min: 1, max: 99_999 })));
  taken.add(value.toLowerCase());
  return value;
}

function fakeUsername(): string {
  let name = faker.internet.username().replace(/[^A-Za-z0-9_.]/g, '');
  if (!/^[A-Za-z]/.test(name)) name = `u${name}`;
  return name.slice(0, 48);
}

function fakeEmail(): string {
  const [local, domain] = faker.internet.email().toLowerCase().split('@');
  return `${local.slice(0, 40)}@${domain}`;
}

/**
 * Confirmed users with the password 'password' (hashed once for all), unique
 * usernames and emails, joined over the past year, each following itself and
 * up to ten random others.
 */
export async function fakeUsers(count: number, opts: FakeOptions = {}): Promise<number> {
  const now = ms(opts.now ?? new Date());
  const role = await Role.findOne({ where: { default: true } });
  if (!role) throw new FakeError('No default role: run `npm run db:seed` first.');
  const passwordHash = await bcrypt.hash(FAKE_PASSWORD, User.settings.bcryptRounds);
  const existing = await User.findAll({ attributes: ['id', 'username', 'email', 'memberSince'] });
  const usernames = new Set(existing.map((u) => u.username.toLowerCase()));
  const emails = new Set(existing.map((u) => u.email.toLowerCase()));
  const joined = new Map(existing.map((u) => [u.id, ms(u.memberSince)]));
  const pool = existing.map((u) => u.id);

  return inBatches(count, opts, async (n) => {
    const rows = Array.from({ length: n }, () => {
      const email = unique(emails, fakeEmail(), (v, s) => v.replace('@', `${s}@`));
      const memberSince = between(now - YEAR_MS, now);
      return {
        email,
        username: unique(usernames, fakeUsername(), (v, s) => `${v}${s}`),
        passwordHash,
        confirmed: true,
        roleId: role.id,
        name: faker.person.fullName().slice(0, 64),
        location: faker.location.city().slice(0, 64),
        aboutMe: faker.lorem.sentence(),
        memberSince,
        lastSeen: between(ms(memberSince), now),
        avatarHash: gravatarHash(email),
      };
    });
    await db().transaction(async (transaction) => {
      await User.bulkCreate(rows, { transaction, logging: false });
      const made = await User.findAll({ where: { email: rows.map((r) => r.email) }, attributes: ['id', 'memberSince'], transaction });
      for (const u of made) {
        joined.set(u.id, ms(u.memberSince));
        pool.push(u.id);
      }
      const follows = made.flatMap((u) => {
        const others = pickSome(pool, faker.number.int({ min: 0, max: Math.min(MAX_FOLLOWS, pool.length) }));
        return [u.id, ...[...others].filter((id) => id !== u.id)].map((followedId) => ({
          followerId: u.id,
          followedId,
          timestamp: between(Math.max(joined.get(u.id)!, joined.get(followedId)!), now),
        }));
      });
      await Follow.bulkCreate(follows, { transaction, ignoreDuplicates: true, logging: false });
    });
  });
}

function postBody(): string {
  const topic = faker.helpers.arrayElement(TOPICS);
  const parts: string[] = [];
  if (faker.datatype.boolean(0.4)) parts.push(`## Notes on ${topic}`);
  parts.push(faker.lorem.paragraph({ min: 1, max: 4 }));
  if (faker.datatype.boolean(0.25)) {
    parts.push(Array.from({ length: faker.number.int({ min: 2, max: 4 }) }, () => `- ${faker.lorem.sentence()}`).join('\n'));
  }
  if (faker.datatype.boolean(0.1)) parts.push('```python\n' + `loss = model.fit(x, y, epochs=${faker.number.int({ min: 1, max: 50 })})\n` + '```');
  if (faker.datatype.boolean(0.3)) parts.push(`I keep coming back to **${topic}**: ${faker.lorem.sentence()}`);
  return parts.join('\n\n');
}

/** Posts in Markdown (body_html rendered) by random users who can write, after each author joined. */
export async function fakePosts(count: number, opts: FakeOptions = {}): Promise<number> {
  const now = ms(opts.now ?? new Date());
  const authors = await User.findAll({ where: { roleId: { [Op.ne]: null } }, attributes: ['id', 'memberSince'] });
  if (count > 0 && authors.length === 0) throw new FakeError('No users to write posts: make some first (fake --users N).');
  const joined = authors.map((a) => ({ id: a.id, since: ms(a.memberSince) }));

  return inBatches(count, opts, async (n) => {
    const rows = Array.from({ length: n }, () => {
      const author = faker.helpers.arrayElement(joined);
      const body = postBody();
      return { body, bodyHtml: renderMarkdown(body, 'post'), timestamp: between(author.since, now), authorId: author.id };
    });
    await db().transaction((transaction) => Post.bulkCreate(rows, { transaction, logging: false }));
  });
}

function commentBody(): string {
  const sentence = faker.lorem.sentence();
  return faker.datatype.boolean(0.2) ? `**${faker.word.interjection()}**, ${sentence}` : sentence;
}

/** Comments (body_html rendered) by random users on random posts, after each post was written. */
export async function fakeComments(count: number, opts: FakeOptions = {}): Promise<number> {
  const now = ms(opts.now ?? new Date());
  const posts = (await Post.findAll({ attributes: ['id', 'timestamp'] })).map((p) => ({ id: p.id, at: ms(p.timestamp) }));
  const authors = (await User.findAll({ where: { roleId: { [Op.ne]: null } }, attributes: ['id'] })).map((u) => u.id);
  if (count > 0 && (posts.length === 0 || authors.length === 0)) throw new FakeError('No posts to comment on: make some first (fake --posts N).');

  return inBatches(count, opts, async (n) => {
    const rows = Array.from({ length: n }, () => {
      const post = faker.helpers.arrayElement(posts);
      const body = commentBody();
      return { body, bodyHtml: renderMarkdown(body, 'comment'), timestamp: between(post.at, now), postId: post.id, authorId: faker.helpers.arrayElement(authors) };
    });
    await db().transaction((transaction) => Comment.bulkCreate(rows, { transaction, logging: false }));
  });
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw new FakeError(`Not a count: ${value}`);
  return n;
}

type RunWithDeps = (fn: (deps: AppDeps, config: Config) => Promise<void>) => Promise<void>;

/** `fake --users N --posts N --comments N [--seed S]`, with a progress bar per kind. */
export function addFakeCommand(program: Command, withDeps: RunWithDeps): void {
  program
    .command('fake')
    .description(`fill the database with Faker data (every fake user's password is "${FAKE_PASSWORD}")`)
    .option('--users <n>', 'users to make', count, 0)
    .option('--posts <n>', 'posts to make', count, 0)
    .option('--comments <n>', 'comments to make', count, 0)
    .option('--seed <n>', 'Faker seed, for the same data every time', count)
    .option('--batch <n>', 'rows per INSERT and transaction', count, 1000)
    .action((opts: { users: number; posts: number; comments: number; seed?: number; batch: number }) =>
      withDeps(async ({ sequelize }, config) => {
        await prepareDatabase({ sequelize, config, report: (line) => console.log(line) });
        if (opts.seed !== undefined) faker.seed(opts.seed);
        const steps = [
          ['users', opts.users, fakeUsers],
          ['posts', opts.posts, fakePosts],
          ['comments', opts.comments, fakeComments],
        ] as const;
        for (const [label, total, make] of steps) {
          if (total > 0) await withProgress(label, total, (onProgress) => make(total, { batchSize: opts.batch, onProgress }));
        }
      }),
    );
}

async function withProgress(label: string, total: number, run: (onProgress: (done: number) => void) => Promise<number>): Promise<void> {
  const started = Date.now();
  const bar = new SingleBar({
    format: `${label.padEnd(8)} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
    hideCursor: true,
  });
  bar.start(total, 0);
  try {
    await run((done) => bar.update(done));
  } finally {
    bar.stop();
  }
  console.log(`${total} ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
