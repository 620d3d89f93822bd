import { literal, Op, QueryTypes, Transaction, WhereOptions } from 'sequelize';
import { Post, PostTag, Tag } from '../models';
import { hiddenClassIds, type Viewer } from './visibility';

// What makes a post read like a note: its title (given, or derived from the Markdown),
// its tags (normalised names, many-to-many through post_tags), and the change events
// the per-process related-notes index listens to (services/related.ts).

export const TITLE_MAX = 200;
export const DERIVED_TITLE_MAX = 120;
export const TAG_MAX = 50;
export const TAGS_PER_NOTE = 10;

const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/gu;
const TAG_CHARS = /^[\p{L}\p{M}\p{N}_-]+$/u;

// --- tags ---

/** NFKC, lower case, trimmed, leading '#' dropped, spaces → '-'; null unless 1–50 letters, digits, '-', '_'. */
export function normaliseTag(raw: string): string | null {
  const name = raw.normalize('NFKC').toLowerCase().trim().replace(/^#+/, '').trim().replace(/\s+/g, '-');
  const length = [...name].length;
  return length >= 1 && length <= TAG_MAX && TAG_CHARS.test(name) ? name : null;
}

export type TagsResult = { ok: true; tags: string[] } | { ok: false; error: string };

/** A comma-separated field (or a list of names) → distinct normalised names, at most 10. */
export function parseTags(input: string | readonly string[] | null | undefined): TagsResult {
  const raw = typeof input === 'string' ? input.normalize('NFKC').split(/[,\n、]/) : [...(input ?? [])];
  const tags: string[] = [];
  for (const item of raw) {
    if (typeof input === 'string' && item.trim().replace(/^#+/, '') === '') continue;
    const name = typeof item === 'string' ? normaliseTag(item) : null;
    if (name === null) {
      const shown = String(item).replace(CONTROL, '').slice(0, 60);
      return { ok: false, error: `"${shown}" is not a valid tag: 1–${TAG_MAX} letters, digits, '-' or '_'.` };
    }
    if (!tags.includes(name)) tags.push(name);
  }
  if (tags.length > TAGS_PER_NOTE) return { ok: false, error: `A note can have at most ${TAGS_PER_NOTE} tags.` };
  return { ok: true, tags };
}

/** Names already validated by parseTags (API schemas, forms), normalised. */
export function normaliseTags(names: readonly string[]): string[] {
  const parsed = parseTags(names);
  return parsed.ok ? parsed.tags : [];
}

/** The post's tag names, replaced by `names` (already normalised); tags are created as needed. */
export async function setTags(post: { id: number; tagNames?: string[] }, names: readonly string[], transaction?: Transaction): Promise<void> {
  const wanted = [...new Set(names)].slice(0, TAGS_PER_NOTE);
  const current = (await tagsOf([post.id], transaction)).get(post.id) ?? [];
  if (current.length !== wanted.length || wanted.some((n) => !current.includes(n))) {
    // INSERT … ON CONFLICT DO NOTHING: two notes creating the same new tag at once never collide.
    if (wanted.length) await Tag.bulkCreate(wanted.map((name) => ({ name })), { ignoreDuplicates: true, transaction });
    const tags = wanted.length ? await Tag.findAll({ where: { name: wanted }, transaction }) : [];
    await PostTag.destroy({ where: { postId: post.id }, transaction });
    await PostTag.bulkCreate(tags.map((tag) => ({ postId: post.id, tagId: tag.id })), { transaction });
    await Post.update({ updatedAt: new Date() }, { where: { id: post.id }, transaction, hooks: false });
    announce({ id: post.id, deleted: false }, transaction);
  }
  post.tagNames = [...wanted].sort();
}

/** Tag names of each post, alphabetical, in one query. */
export async function tagsOf(postIds: readonly number[], transaction?: Transaction): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (postIds.length === 0) return out;
  const rows = await Post.sequelize!.query<{ post_id: number; name: string }>(
    'SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id IN (:ids)',
    { type: QueryTypes.SELECT, replacements: { ids: [...postIds] }, transaction },
  );
  for (const row of rows) {
    const id = Number(row.post_id);
    out.set(id, [...(out.get(id) ?? []), String(row.name)]);
  }
  // Sorted here, by code point: database collations order other scripts differently.
  for (const names of out.values()) names.sort();
  return out;
}

/** Sets `tagNames` on each post (or listing item) with one query. */
export async function withTags<P extends { id: number; tagNames?: string[] }>(posts: P[]): Promise<P[]> {
  const tags = await tagsOf(posts.map((p) => p.id));
  for (const post of posts) post.tagNames = tags.get(post.id) ?? [];
  return posts;
}

/** The tag's id, if the name (normalised) is a tag. */
export async function findTagId(name: string): Promise<number | null> {
  const normal = normaliseTag(name);
  const tag = normal ? await Tag.findOne({ where: { name: normal }, attributes: ['id'] }) : null;
  return tag?.id ?? null;
}

/** Posts with this tag (null: none), for a where clause. */
export function taggedWith(tagId: number | null): WhereOptions<Post> {
  return { id: { [Op.in]: literal(`(SELECT post_id FROM post_tags WHERE tag_id = ${Number(tagId ?? 0)})`) } };
}

/**
 * Tags with the number of notes the viewer may read, most used first. A tag found only
 * on a private class's notes is not listed to outsiders: its name would leak.
 */
export async function visibleTagCounts(viewer: Viewer, offset: number, limit: number): Promise<{ tags: { name: string; count: number }[]; total: number }> {
  const hidden = await hiddenClassIds(viewer);
  const where = hidden.length ? 'WHERE p.class_id IS NULL OR p.class_id NOT IN (:hidden)' : '';
  const from = `FROM post_tags pt JOIN posts p ON p.id = pt.post_id ${where}`;
  const db = Post.sequelize!;
  const [{ n }] = await db.query<{ n: number | string }>(`SELECT COUNT(DISTINCT pt.tag_id) AS n ${from}`, { type: QueryTypes.SELECT, replacements: { hidden } });
  const rows = await db.query<{ name: string; n: number | string }>(
    `SELECT t.name, COUNT(*) AS n FROM tags t JOIN (SELECT pt.tag_id ${from}) v ON v.tag_id = t.id
     GROUP BY t.id, t.name ORDER BY COUNT(*) DESC, t.name LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements: { hidden, limit, offset } },
  );
  return { tags: rows.map((r) => ({ name: String(r.name), count: Number(r.n) })), total: Number(n) };
}

// --- titles and plain text ---

/** A title as stored: whitespace collapsed, trimmed; empty is null. Validate length and control characters first. */
export function cleanTitle(title: string | null | undefined): string | null {
  const clean = (title ?? '').replace(/\s+/g, ' ').trim();
  return clean === '' ? null : clean.slice(0, TITLE_MAX);
}

export const hasControlCharacters = (s: string) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;

/** One line of Markdown as plain text: links, images, emphasis, code and math markers, HTML tags dropped. */
export function inlineText(line: string): string {
  return line
    .replace(/^ {0,3}(?:>\s?)+/, '')
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<\/?[A-Za-z][^>]*>/g, '')
    .replace(/(\*\*|__|~~|\*|`+|\${1,2})/g, '')
    .replace(/(^|\s)_(\S)/g, '$1$2')
    .replace(/(\S)_(\s|$)/g, '$1$2')
    .replace(/\|/g, ' ')
    .replace(CONTROL, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The first heading of a note's Markdown, else its first line of text; plain, at most 120 characters. */
export function deriveTitle(body: string): string {
  const lines = body.slice(0, 8_000).split(/\r\n|\r|\n/);
  let inFence = false;
  let firstLine = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || line.trim() === '') continue;
    const atx = ATX.exec(line);
    const heading = atx ? inlineText(atx[1] ?? '') : i + 1 < lines.length && SETEXT.test(lines[i + 1]) && !SETEXT.test(line) ? inlineText(line) : '';
    if (heading) return clip(heading, DERIVED_TITLE_MAX);
    if (!firstLine && !atx && !SETEXT.test(line)) firstLine = inlineText(line);
  }
  return clip(firstLine, DERIVED_TITLE_MAX);
}

/** What pages and the API call a note: its title, else one derived from its text. */
export function noteTitle(post: { id?: number; title?: string | null; body: string }): string {
  return post.title || deriveTitle(post.body) || (post.id ? `Note ${post.id}` : 'Untitled note');
}

/** A note's Markdown as one line of plain text (code and math kept as text), at most `max` characters. */
export function plainText(body: string, max = 2_000): string {
  const out: string[] = [];
  let length = 0;
  for (const line of body.slice(0, Math.max(max * 4, 4_000)).split(/\r\n|\r|\n/)) {
    if (FENCE.test(line) || SETEXT.test(line)) continue;
    const atx = ATX.exec(line);
    const text = inlineText(atx ? (atx[1] ?? '') : line);
    if (!text) continue;
    out.push(text);
    length += text.length + 1;
    if (length > max) break;
  }
  return clip(out.join(' '), max);
}

// --- writing notes ---

export interface NoteFields {
  body?: string;
  title?: string | null;
  /** Normalised names (parseTags); undefined keeps the note's tags. */
  tags?: readonly string[];
  classId?: number | null;
}

const writeTransaction = <T>(work: (t: Transaction) => Promise<T>) =>
  Post.sequelize!.transaction({ type: Transaction.TYPES.IMMEDIATE }, work);

/** A new note with its tags, in one transaction. */
export async function createNote(authorId: number, fields: NoteFields & { body: string }): Promise<Post> {
  return writeTransaction(async (transaction) => {
    const post = await Post.create({ authorId, body: fields.body, title: cleanTitle(fields.title), classId: fields.classId ?? null }, { transaction });
    await setTags(post, fields.tags ?? [], transaction);
    return post;
  });
}

/** Changes the fields given (undefined ones are kept), tags included, in one transaction. */
export async function updateNote(post: Post, fields: NoteFields): Promise<Post> {
  return writeTransaction(async (transaction) => {
    if (fields.body !== undefined) post.body = fields.body;
    if (fields.title !== undefined) post.title = cleanTitle(fields.title);
    if (fields.classId !== undefined) post.classId = fields.classId;
    await post.save({ transaction });
    if (fields.tags !== undefined) await setTags(post, fields.tags, transaction);
    else await withTags([post]);
    return post;
  });
}

// --- change events ---

/** A note written or deleted; `id: null` when a bulk write changed notes we cannot name. */
export type NoteChange = { id: number; deleted: boolean } | { id: null };
type Listener = (change: NoteChange) => void;

const listeners = new Set<Listener>();

function announce(change: NoteChange, transaction?: Transaction | null): void {
  const emit = () => listeners.forEach((listener) => listener(change));
  // Inside a transaction, only once it commits: a rolled-back write changed nothing.
  if (transaction) transaction.afterCommit(emit);
  else emit();
}

/**
 * Calls `listener` after every committed write to a note: Post hooks (create, save,
 * destroy, bulk writes) and tag changes. Returns the unsubscribe function. The hooks are
 * (re)installed by name, as initModels() resets a model's hooks.
 */
export function onNoteChange(listener: Listener): () => void {
  const hooks = {
    afterSave: (post: Post, options: { transaction?: Transaction | null }) => announce({ id: post.id, deleted: false }, options.transaction),
    afterDestroy: (post: Post, options: { transaction?: Transaction | null }) => announce({ id: post.id, deleted: true }, options.transaction),
    afterBulkCreate: (_posts: Post[], options: { transaction?: Transaction | null }) => announce({ id: null }, options.transaction),
    afterBulkUpdate: (options: { transaction?: Transaction | null }) => announce({ id: null }, options.transaction),
    afterBulkDestroy: (options: { transaction?: Transaction | null }) => announce({ id: null }, options.transaction),
  };
  for (const [name, hook] of Object.entries(hooks)) {
    Post.removeHook(name as keyof typeof hooks, 'notes');
    Post.addHook(name as keyof typeof hooks, 'notes', hook as never);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
