import { Post, User } from '../src/models';
import type { Seeder } from '../src/migrate';
import { setTags } from '../src/services/notes';
import { loadStarterNotes } from './starter-notes/library';

export const SYSTEM_USERNAME = 'mlnotes';
export const SYSTEM_EMAIL = 'notes@mlnotes.invalid';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Development and production: the library of starter notes (seeders/starter-notes/*.md), so a
// new site does not start empty. Not in the testing profile, whose suites count posts from an
// empty table (test/starter-notes.test.ts seeds them explicitly). Written by a system account
// nobody can log in to (no password; its .invalid address receives no mail). A note is added
// only if no note has its title yet, so seeding again adds nothing and duplicates nothing.
export const up: Seeder = async ({ context: { sequelize, config, report } }) => {
  if (config.profile === 'testing') return;
  const notes = loadStarterNotes();
  const present = await Post.findAll({ attributes: ['title'], where: { title: notes.map((n) => n.title) } });
  const taken = new Set(present.map((post) => post.title));
  const missing = notes.filter((note) => !taken.has(note.title));
  if (missing.length === 0) return;

  // Listings are newest first: the first file is the newest note, the others a minute apart,
  // all older than any note already there, so the library never buries what people wrote.
  const oldest = await Post.findOne({ attributes: ['timestamp'], order: [['timestamp', 'ASC']] });
  const newest = Math.min(Date.now(), oldest ? oldest.timestamp.getTime() - HOUR : Infinity);
  const at = (position: number) => new Date(newest - position * MINUTE);

  const author = await systemAccount(at(notes.length));
  if (!author) {
    report(`Starter notes skipped: the username "${SYSTEM_USERNAME}" belongs to another account.`);
    return;
  }
  for (const [position, note] of notes.entries()) {
    if (taken.has(note.title)) continue;
    await sequelize.transaction(async (transaction) => {
      const post = await Post.create({ authorId: author.id, title: note.title, body: note.body, timestamp: at(position) }, { transaction });
      await setTags(post, note.tags, transaction);
    });
  }
  report(`Starter notes: ${missing.length} added by @${SYSTEM_USERNAME}.`);
};

/** The system account, created (confirmed, without a password) when missing; null if its username is taken. */
async function systemAccount(memberSince: Date): Promise<User | null> {
  const existing = await User.findOne({ where: { email: SYSTEM_EMAIL } });
  if (existing) return existing;
  if (await User.findOne({ where: { username: SYSTEM_USERNAME } })) return null;
  return User.create({
    username: SYSTEM_USERNAME,
    email: SYSTEM_EMAIL,
    confirmed: true,
    passwordHash: null,
    memberSince,
    name: 'mlnotes',
    aboutMe: 'The starter notes that come with mlnotes: machine-learning topics, with formulas and code.',
  });
}
