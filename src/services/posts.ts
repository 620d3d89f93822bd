import { literal, Op, QueryTypes, WhereOptions } from 'sequelize';
import { Post, User } from '../models';
import { Pagination, resolvePage } from '../web/pagination';
import { noteTitle } from './notes';
import { hiddenClassesSql, Viewer } from './visibility';

// The post listings the pages show: newest first, with authors, classes and
// comment counts. Listings are read with one SQL query per page into plain
// objects (PostItem): building Sequelize instances for a page of posts and
// their authors cost several times more CPU than the query and the template
// together. The SQL is portable (SQLite and PostgreSQL).

/** Posts by the users `userId` follows (itself included, through the self-follow). */
export function followedBy(userId: number): WhereOptions<Post> {
  return { authorId: { [Op.in]: literal(`(SELECT followed_id FROM follows WHERE follower_id = ${Number(userId)})`) } };
}

/** A post as the listings show it (what _posts.html reads). */
export interface PostItem {
  id: number;
  body: string;
  bodyHtml: string | null;
  timestamp: Date;
  authorId: number;
  classId: number | null;
  /** The note's title, or one derived from its text (notes.ts); `titled`: one was given. */
  title: string;
  titled: boolean;
  tagNames: string[];
  commentCount: number;
  author: { id: number; username: string; email: string; avatarHash: string | null; gravatar(size?: number): string };
  studyClass: { id: number; name: string; slug: string; visibility: string } | null;
}

/** Which posts a listing shows. */
export interface PostFilter {
  authorId?: number;
  /** Only posts by the users this user follows. */
  followedBy?: number;
  classId?: number;
  /** Only notes with this tag. */
  tagId?: number;
  /** Leave out what this viewer may not read (visibility.ts decides which classes). */
  viewer?: Viewer;
}

type Row = Record<string, unknown>;

const db = () => Post.sequelize!;
const num = (v: unknown) => Number(v);

interface Conditions {
  /** WHERE clause on `p` (the posts table), or ''. */
  where: string;
  replacements: Record<string, unknown>;
  /** A subquery of the private classes whose notes the viewer may not read, or '' when none are hidden. */
  hidden: string;
  /** Whether the filter narrows the listing to an author, a class or followed authors. */
  narrowed: boolean;
}

function conditions(filter: PostFilter): Conditions {
  const where: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (filter.authorId !== undefined) {
    where.push('p.author_id = :authorId');
    replacements.authorId = filter.authorId;
  }
  if (filter.followedBy !== undefined) {
    where.push('p.author_id IN (SELECT followed_id FROM follows WHERE follower_id = :follower)');
    replacements.follower = filter.followedBy;
  }
  if (filter.classId !== undefined) {
    where.push('p.class_id = :classId');
    replacements.classId = filter.classId;
  }
  if (filter.tagId !== undefined) {
    where.push('p.id IN (SELECT post_id FROM post_tags WHERE tag_id = :tagId)');
    replacements.tagId = filter.tagId;
  }
  const narrowed = where.length > 0;
  // visiblePosts() in visibility.ts, in SQL: notes outside a class, or in a class
  // the viewer may read. Its rule runs inside the listing's query rather than
  // as a query of its own before it.
  const hidden = filter.viewer ? hiddenClassesSql(filter.viewer) : null;
  if (hidden) {
    where.push(`(p.class_id IS NULL OR p.class_id NOT IN (${hidden.sql}))`);
    Object.assign(replacements, hidden.replacements);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', replacements, hidden: hidden?.sql ?? '', narrowed };
}

/**
 * SQL for how many posts the listing has. A narrowed listing counts through its
 * index (an author's posts, a class's, the followed authors'); the whole
 * listing is the total the triggers keep (migration 0003) less the hidden
 * classes' notes, so it costs the same at any size.
 */
function countSql(c: Conditions): string {
  if (c.narrowed) return `SELECT COUNT(*) FROM posts p ${c.where}`;
  const total = 'SELECT posts FROM post_counts WHERE id = 1';
  return c.hidden ? `SELECT (${total}) - (SELECT COUNT(*) FROM posts WHERE class_id IN (${c.hidden}))` : total;
}

async function countPosts(c: Conditions): Promise<number> {
  const [row] = await db().query<{ n: number | string }>(`SELECT (${countSql(c)}) AS n`, { type: QueryTypes.SELECT, replacements: c.replacements });
  return Number(row?.n ?? 0);
}

/**
 * The post (and author, class, comment count, tags) columns of a listing row. Tag
 * names hold no spaces (normaliseTag), so the row carries them space-separated
 * rather than costing a second query per page.
 */
const itemColumns = () => {
  const tags = db().getDialect() === 'postgres' ? "string_agg(t.name, ' ')" : "group_concat(t.name, ' ')";
  return `p.id, p.title, p.body, p.body_html, p.timestamp, p.author_id, p.class_id,
  u.username, u.email, u.avatar_hash, k.name AS class_name, k.slug AS class_slug, k.visibility AS class_visibility,
  (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
  (SELECT ${tags} FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id) AS tag_names`;
};
const ITEM_JOINS = 'JOIN users u ON u.id = p.author_id LEFT JOIN classes k ON k.id = p.class_id';

// The author's avatar URL, computed as the User model does it (a borrowed method).
const gravatar = User.prototype.gravatar;

function toItem(r: Row): PostItem {
  const classId = r.class_id == null ? null : num(r.class_id);
  const body = String(r.body);
  return {
    id: num(r.id),
    title: noteTitle({ id: num(r.id), title: (r.title as string | null) ?? null, body }),
    titled: Boolean(r.title),
    // Sorted here, by code point, as tagsOf() does: database collations order other scripts differently.
    tagNames: r.tag_names ? String(r.tag_names).split(' ').sort() : [],
    body,
    bodyHtml: r.body_html == null ? null : String(r.body_html),
    timestamp: new Date(r.timestamp as string | Date),
    authorId: num(r.author_id),
    classId,
    commentCount: num(r.comment_count),
    author: { id: num(r.author_id), username: String(r.username), email: String(r.email), avatarHash: (r.avatar_hash as string | null) ?? null, gravatar },
    studyClass:
      classId === null || r.class_slug == null
        ? null
        : { id: classId, name: String(r.class_name), slug: String(r.class_slug), visibility: String(r.class_visibility) },
  };
}

/** One page of posts, newest first, with the total the pagination widget numbers its pages by. */
export async function pagePosts(filter: PostFilter, page: number, perPage: number): Promise<Pagination<PostItem>> {
  const c = conditions(filter);
  // The last page (-1) needs the total first; any other page brings it along with its rows.
  const known = page === -1 ? await countPosts(c) : undefined;
  const at = resolvePage(page, perPage, known ?? 0);
  const { items, total } = await readPage(c, perPage, at.offset, known);
  return new Pagination(items, at.page, perPage, total);
}

/**
 * Up to `limit` posts, newest first, skipping `offset` of them or starting after
 * the keyset boundary `after` (timestamp, id) in that order (the API's cursor),
 * with the listing's total.
 */
export async function listPosts(filter: PostFilter, at: { limit: number; offset?: number; after?: { timestamp: Date; id: number } }): Promise<{ items: PostItem[]; total: number }> {
  return readPage(conditions(filter), at.limit, at.offset ?? 0, undefined, at.after);
}

async function readPage(c: Conditions, limit: number, offset: number, known?: number, after?: { timestamp: Date; id: number }) {
  let where = c.where;
  const replacements: Record<string, unknown> = { ...c.replacements, limit, offset: Math.max(0, offset) };
  if (after) {
    // Written as two comparisons, not a row value: both databases range-scan the (timestamp, id) index with it.
    const beyond = '(p.timestamp < :afterTime OR (p.timestamp = :afterTime AND p.id < :afterId))';
    where = where ? `${where} AND ${beyond}` : `WHERE ${beyond}`;
    replacements.afterTime = after.timestamp;
    replacements.afterId = after.id;
  }
  // The page's ids first (from the (timestamp, id) or (author_id, timestamp) index
  // alone), then their rows: joins and counts run for 20 rows, not for every skipped one.
  const rows = await db().query<Row>(
    `SELECT ${itemColumns()}, (${countSql(c)}) AS total
     FROM (SELECT p.id FROM posts p ${where} ORDER BY p.timestamp DESC, p.id DESC LIMIT :limit${offset > 0 ? ' OFFSET :offset' : ''}) page
     JOIN posts p ON p.id = page.id ${ITEM_JOINS} ORDER BY p.timestamp DESC, p.id DESC`,
    { type: QueryTypes.SELECT, replacements },
  );
  const total = known ?? (rows.length ? Number(rows[0].total) : await countPosts(c));
  return { items: rows.map(toItem), total };
}

/** One post as the listings show it, or null. */
export async function findPostItem(id: number): Promise<PostItem | null> {
  const rows = await db().query<Row>(`SELECT ${itemColumns()} FROM posts p ${ITEM_JOINS} WHERE p.id = :id`, {
    type: QueryTypes.SELECT,
    replacements: { id },
  });
  return rows.length ? toItem(rows[0]) : null;
}

/** These posts as the listings show them, in no particular order; missing ids are left out. */
export async function findPostItems(ids: number[]): Promise<PostItem[]> {
  if (ids.length === 0) return [];
  const rows = await db().query<Row>(`SELECT ${itemColumns()} FROM posts p ${ITEM_JOINS} WHERE p.id IN (:ids)`, {
    type: QueryTypes.SELECT,
    replacements: { ids },
  });
  return rows.map(toItem);
}

/** A comment as the post page shows it (what _comments.html reads). */
export interface CommentItem {
  id: number;
  body: string;
  bodyHtml: string | null;
  timestamp: Date;
  disabled: boolean | null;
  authorId: number;
  postId: number;
  author: PostItem['author'];
}

/** One page of a post's comments, oldest first, with their authors. */
export async function pageComments(postId: number, offset: number, perPage: number): Promise<CommentItem[]> {
  const rows = await db().query<Row>(
    `SELECT c.id, c.body, c.body_html, c.timestamp, c.disabled, c.author_id, c.post_id, u.username, u.email, u.avatar_hash
     FROM comments c JOIN users u ON u.id = c.author_id WHERE c.post_id = :postId
     ORDER BY c.timestamp ASC, c.id ASC LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements: { postId, limit: perPage, offset: Math.max(0, offset) } },
  );
  return rows.map((r) => ({
    id: num(r.id),
    body: String(r.body),
    bodyHtml: r.body_html == null ? null : String(r.body_html),
    timestamp: new Date(r.timestamp as string | Date),
    disabled: r.disabled == null ? null : Boolean(r.disabled),
    authorId: num(r.author_id),
    postId: num(r.post_id),
    author: { id: num(r.author_id), username: String(r.username), email: String(r.email), avatarHash: (r.avatar_hash as string | null) ?? null, gravatar },
  }));
}
