import { Post, User } from '../src/models';
import type { Seeder } from '../src/migrate';
import { setTags } from '../src/services/notes';
import { loadStarterNotes } from './starter-notes/library';

export const SYSTEM_USERNAME = 'mlnotes';
export const SYSTEM_EMAIL = 'notes@mlnotes.invalid';
const MINUTE = 60_000;

// Every profile: the library of starter notes (seeders/starter-notes/*.md), so a new site
// does not start empty. Written by a system account that nobody can log in to (no password;
// its .invalid address receives no mail). A note is added only if no note has its title
// yet, so seeding again adds nothing and never duplicates a note someone has kept.
export const up: Seeder = async ({ context: { sequelize, report } }) => {
  const notes = loadStarterNotes();
  const present = await Post.findAll({ attributes: ['title'], where: { title: notes.map((n) => n.title) } });
  const taken = new Set(present.map((post) => post.title));
  const missing = notes.filter((note) => !taken.has(note.title));
  if (missing.length === 0) return;

  const author = await systemAccount();
  if (!author) {
    report(`Starter notes skipped: the username "${SYSTEM_USERNAME}" belongs to another account.`);
    return;
  }
  // Listings are newest first: the first file is the newest note, the others a minute apart.
  const now = Date.now();
  for (const [position, note] of notes.entries()) {
    if (taken.has(note.title)) continue;
    await sequelize.transaction(async (transaction) => {
      const post = await Post.create(
        { authorId: author.id, title: note.title, body: note.body, timestamp: new Date(now - position * MINUTE) },
        { transaction },
      );
      await setTags(post, note.tags, transaction);
    });
  }
  report(`Starter notes: ${missing.length} added by @${SYSTEM_USERNAME}.`);
};

/** The system account, created (confirmed, without a password) when missing; null if its username is taken. */
async function systemAccount(): Promise<User | null> {
  const existing = await User.findOne({ where: { email: SYSTEM_EMAIL } });
  if (existing) return existing;
  if (await User.findOne({ where: { username: SYSTEM_USERNAME } })) return null;
  return User.create({
    username: SYSTEM_USERNAME,
    email: SYSTEM_EMAIL,
    confirmed: true,
    passwordHash: null,
    name: 'mlnotes',
    aboutMe: 'The starter notes that come with mlnotes: machine-learning topics, with formulas and code.',
  });
}
