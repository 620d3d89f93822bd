import { Post, Tag } from '../src/models';
import { createNote, deriveTitle, noteTitle, normaliseTag, parseTags, plainText, setTags, tagsOf, updateNote } from '../src/services/notes';
import { createTestApp, makeUser, TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('titles', () => {
  test('the first heading wins, stripped of Markdown', () => {
    expect(deriveTitle('Some intro\n\n## The **Adam** optimizer [paper](https://x.org) ##\n\ntext')).toBe('The Adam optimizer paper');
    expect(deriveTitle('Setext title\n============\n\nbody')).toBe('Setext title');
  });

  test('else the first line of text, skipping code fences', () => {
    expect(deriveTitle('\n\n> *Momentum* with `beta = 0.9`\nsecond line')).toBe('Momentum with beta = 0.9');
    expect(deriveTitle('```python\n# not a heading\nx = 1\n```\n- first item')).toBe('first item');
    expect(deriveTitle('Inline math $E = mc^2$ and snake_case names')).toBe('Inline math E = mc^2 and snake_case names');
  });

  test('at most 120 characters, ending in an ellipsis when cut', () => {
    const title = deriveTitle('word '.repeat(100));
    expect([...title].length).toBeLessThanOrEqual(120);
    expect(title.endsWith('…')).toBe(true);
  });

  test('Chinese titles', () => {
    expect(deriveTitle('# 机器学习笔记：*梯度下降*\n正文')).toBe('机器学习笔记：梯度下降');
  });

  test('a given title is used as is; an empty note still has a name', () => {
    expect(noteTitle({ title: 'Given', body: '# Heading' })).toBe('Given');
    expect(noteTitle({ title: null, body: '# Heading' })).toBe('Heading');
    expect(noteTitle({ id: 7, title: null, body: '```\ncode only\n```' })).toBe('Note 7');
  });

  test('plain text drops markup and HTML but keeps code and math text', () => {
    expect(plainText('# Title\n\n<script>alert(1)</script> **bold** `x+1`\n\n```\ny = 2\n```')).toBe('Title alert(1) bold x+1 y = 2');
  });
});

describe('tag names', () => {
  test('normalised: NFKC, lower case, trimmed, # stripped, spaces → -', () => {
    expect(normaliseTag('  #Deep Learning ')).toBe('deep-learning');
    expect(normaliseTag('ＦＵＬＬ＿ｗｉｄｔｈ')).toBe('full_width');
    expect(normaliseTag('机器学习')).toBe('机器学习');
    expect(normaliseTag('हिन्दी')).toBe('हिन्दी');
  });

  test('rejected: empty, too long, punctuation, control characters', () => {
    for (const bad of ['', '#', 'x'.repeat(51), 'c++', 'a/b', 'tab\u0000', '<b>']) expect(normaliseTag(bad)).toBeNull();
    expect(normaliseTag('x'.repeat(50))).toBe('x'.repeat(50));
  });

  test('a comma-separated field: distinct, at most ten, empty items ignored', () => {
    expect(parseTags('ML, #ml , deep learning,, 优化，强化学习、RL')).toEqual({ ok: true, tags: ['ml', 'deep-learning', '优化', '强化学习', 'rl'] });
    expect(parseTags('')).toEqual({ ok: true, tags: [] });
    expect(parseTags(Array.from({ length: 11 }, (_, i) => `t${i}`).join(','))).toMatchObject({ ok: false });
    expect(parseTags('fine, not/fine')).toMatchObject({ ok: false, error: expect.stringContaining('not/fine') });
  });
});

describe('notes with tags', () => {
  test('created, edited and read back with their tags', async () => {
    const author = await makeUser();
    const post = await createNote(author.id, { body: 'A note on **SGD**', title: '  Stochastic   gradient descent ', tags: ['optimization', 'sgd'] });
    expect(post.title).toBe('Stochastic gradient descent');
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['optimization', 'sgd']);

    await updateNote(post, { tags: ['sgd', '优化'], title: '' });
    const again = (await Post.findByPk(post.id))!;
    expect(again.title).toBeNull();
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['sgd', '优化']);
    expect(again.updatedAt).toBeInstanceOf(Date);

    await updateNote(again, { body: 'Changed body' });
    expect((await tagsOf([post.id])).get(post.id)).toEqual(['sgd', '优化']);
    expect(await Tag.count({ where: { name: 'optimization' } })).toBe(1);
  });

  test('two notes sharing a new tag make one tag row', async () => {
    const author = await makeUser();
    const [a, b] = await Promise.all([
      createNote(author.id, { body: 'one', tags: ['shared-new'] }),
      createNote(author.id, { body: 'two', tags: ['shared-new'] }),
    ]);
    expect(await Tag.count({ where: { name: 'shared-new' } })).toBe(1);
    const tags = await tagsOf([a.id, b.id]);
    expect([tags.get(a.id), tags.get(b.id)]).toEqual([['shared-new'], ['shared-new']]);
  });

  test('deleting a note removes its tag links', async () => {
    const author = await makeUser();
    const post = await Post.create({ body: 'temporary', authorId: author.id });
    await setTags(post, ['temp']);
    await post.destroy();
    expect((await tagsOf([post.id])).size).toBe(0);
  });
});
