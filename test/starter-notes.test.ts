import { Op } from 'sequelize';
import request from 'supertest';
import { createSeeder } from '../src/migrate';
import { Post, User } from '../src/models';
import { tagsOf } from '../src/services/notes';
import { SYSTEM_EMAIL, SYSTEM_USERNAME } from '../seeders/0005-starter-notes';
import { loadStarterNotes, parseStarterNote } from '../seeders/starter-notes/library';
import { createTestApp, submitForm, type TestApp } from './helpers';

const notes = loadStarterNotes();
const INLINE_MATH = /(^|\s)\$[^\s$](?:[^$\n]*[^\s$])?\$(?=[\s.,:?!，。：？！]|$)/m;
const DISPLAY_MATH = /^\$\$\n[\s\S]+?\n\$\$$/m;
const CODE_FENCE = /^```(python|typescript|ts|js|javascript)\n[\s\S]+?\n```$/m;

describe('the starter notes library', () => {
  it('has at least 15 notes, each with a title, 2–4 normalised tags and a body of 300–900 words of prose', () => {
    expect(notes.length).toBeGreaterThanOrEqual(15);
    for (const note of notes) {
      expect(note.title.length).toBeGreaterThan(3);
      expect(note.tags.length).toBeGreaterThanOrEqual(2);
      expect(note.tags.length).toBeLessThanOrEqual(4);
      const prose = note.body.replace(/```[\s\S]*?```/g, '');
      const words = prose.split(/\s+/).filter(Boolean).length;
      // Chinese has no spaces between words: count its characters instead.
      const han = (prose.match(/\p{Script=Han}/gu) ?? []).length;
      expect({ file: note.file, enough: words + han / 2 >= 300 && words <= 900 }).toEqual({ file: note.file, enough: true });
    }
    expect(new Set(notes.map((n) => n.title)).size).toBe(notes.length);
  });

  it('puts formulas in every note and code in at least 8', () => {
    for (const note of notes) {
      const math = INLINE_MATH.test(note.body) || DISPLAY_MATH.test(note.body);
      expect({ file: note.file, math }).toEqual({ file: note.file, math: true });
    }
    expect(notes.filter((note) => CODE_FENCE.test(note.body)).length).toBeGreaterThanOrEqual(8);
  });

  it('reuses tags across notes and includes a note in Chinese', () => {
    const counts = new Map<string, number>();
    for (const tag of notes.flatMap((n) => n.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(4);
    const chinese = notes.filter((n) => /\p{Script=Han}/u.test(n.title) && n.tags.some((t) => /\p{Script=Han}/u.test(t)));
    expect(chinese.length).toBeGreaterThanOrEqual(1);
  });

  it('rejects a file without front matter, a title or valid tags', () => {
    expect(() => parseStarterNote('x.md', 'Just text')).toThrow(/no front matter/);
    expect(() => parseStarterNote('x.md', '---\ntags: a, b\n---\nBody')).toThrow(/no title/);
    expect(() => parseStarterNote('x.md', '---\ntitle: T\ntags: a, b c!\n---\nBody')).toThrow(/not a valid tag/);
    expect(parseStarterNote('x.md', '---\ntitle: A: B\ntags: One, two\n---\nBody')).toEqual({ file: 'x.md', title: 'A: B', tags: ['one', 'two'], body: 'Body\n' });
  });
});

describe('the starter notes seeder', () => {
  let t: TestApp;
  const reports: string[] = [];
  // All seeders, as `npm run db:seed` runs them, with the profile of a real site.
  const seedAgain = () =>
    createSeeder({ sequelize: t.deps.sequelize, config: { ...t.config, profile: 'production' }, report: (line) => reports.push(line) }).up();

  beforeAll(async () => {
    t = await createTestApp();
    // The testing profile leaves them out (other suites count posts from zero)…
    expect(await User.count({ where: { username: SYSTEM_USERNAME } })).toBe(0);
    expect(await Post.count()).toBe(0);
    // …so this is the first seed of a real site.
    await seedAgain();
  });
  afterAll(() => t.close());
  const starterPosts = async () => {
    const author = await User.findOne({ where: { username: SYSTEM_USERNAME } });
    return Post.findAll({ where: { authorId: author!.id }, order: [['timestamp', 'DESC']] });
  };

  it('adds every note once, with its title and tags, by a system account nobody can log in to', async () => {
    expect(reports).toEqual([`Starter notes: ${notes.length} added by @${SYSTEM_USERNAME}.`]);
    const author = await User.findOne({ where: { email: SYSTEM_EMAIL } });
    expect(author).toMatchObject({ username: SYSTEM_USERNAME, confirmed: true, passwordHash: null });
    expect(await author!.verifyPassword('')).toBe(false);

    const posts = await starterPosts();
    // Newest first lists them in file order.
    expect(posts.map((p) => p.title)).toEqual(notes.map((n) => n.title));
    const tags = await tagsOf(posts.map((p) => p.id));
    expect(posts.map((p) => tags.get(p.id))).toEqual(notes.map((n) => [...n.tags].sort()));
  });

  it('renders every formula: MathML, no TeX error, no stray dollar sign outside code', async () => {
    for (const post of await starterPosts()) {
      const html = post.bodyHtml ?? '';
      const prose = html.replace(/<pre[\s\S]*?<\/pre>|<code[\s\S]*?<\/code>|<math[\s\S]*?<\/math>/g, '');
      expect({ title: post.title, math: html.includes('<math'), error: html.includes('math-error'), stray: prose.includes('$') }).toEqual({
        title: post.title,
        math: true,
        error: false,
        stray: false,
      });
    }
  });

  it('adds nothing when run again, and only a missing note after one is deleted', async () => {
    const before = await Post.count();
    expect(before).toBe(notes.length);
    await seedAgain();
    await seedAgain();
    expect(await Post.count()).toBe(before);
    expect(reports).toHaveLength(1);
    expect(await User.count({ where: { username: SYSTEM_USERNAME } })).toBe(1);

    const victim = (await starterPosts())[3];
    await victim.destroy();
    await seedAgain();
    expect(await Post.count()).toBe(before);
    const again = await Post.findAll({ where: { title: victim.title } });
    expect(again).toHaveLength(1);
    expect(again[0].id).not.toBe(victim.id);
    // Dated before every note already there, so it never buries what people wrote.
    const others = await Post.findAll({ where: { id: { [Op.ne]: again[0].id } } });
    expect(others.every((p) => p.timestamp > again[0].timestamp)).toBe(true);
  });

  it('does not add a note whose title another author already uses', async () => {
    const taken = notes[0];
    const mine = (await starterPosts()).find((p) => p.title === taken.title)!;
    const other = await User.create({ username: 'someone', email: 'someone@example.com', confirmed: true });
    await mine.update({ authorId: other.id });
    await seedAgain();
    expect(await Post.count({ where: { title: taken.title } })).toBe(1);
  });

  it('shows the notes on the system account’s page', async () => {
    const res = await request(t.app).get(`/user/${SYSTEM_USERNAME}`).expect(200);
    expect(res.text).toContain('Bias correction');
    expect(res.text).toContain('梯度下降');
  });

  it('cannot be logged in to', async () => {
    const res = await submitForm(request.agent(t.app), '/auth/login', { email: SYSTEM_EMAIL, password: 'anything-at-all' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Invalid email or password.');
  });
});
