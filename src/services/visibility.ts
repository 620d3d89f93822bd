import { literal, Op, QueryTypes, WhereOptions } from 'sequelize';
import { Comment, Permission, Post, StudyClass } from '../models';

// Who may read what: a private class's notes and their comments are for its
// members, its teacher and administrators only. Everyone else is told they do
// not exist: every listing, count and lookup goes through these filters.

export interface Viewer {
  id: number | null;
  can(perm: number): boolean;
}

/**
 * The rule below as SQL, for queries that filter inside the database: a
 * subquery of the private classes the viewer is not in, with its replacements;
 * null when nothing is hidden from the viewer (administrators).
 */
export function hiddenClassesSql(viewer: Viewer): { sql: string; replacements: Record<string, unknown> } | null {
  if (viewer.can(Permission.ADMIN)) return null;
  if (viewer.id == null) return { sql: "SELECT id FROM classes WHERE visibility = 'private'", replacements: {} };
  return {
    sql: `SELECT id FROM classes WHERE visibility = 'private' AND teacher_id <> :hiddenViewer
            AND id NOT IN (SELECT class_id FROM registrations WHERE student_id = :hiddenViewer)`,
    replacements: { hiddenViewer: viewer.id },
  };
}

/** Private classes the viewer is not in: their notes are hidden from the viewer. */
export async function hiddenClassIds(viewer: Viewer): Promise<number[]> {
  const hidden = hiddenClassesSql(viewer);
  if (!hidden) return [];
  const rows = await StudyClass.sequelize!.query<{ id: number }>(hidden.sql, { type: QueryTypes.SELECT, replacements: hidden.replacements });
  return rows.map((r) => Number(r.id));
}

const idList = (ids: number[]) => ids.map((id) => Number(id)).join(',');

/** A where clause for posts the viewer may read (combine with Op.and). */
export async function visiblePosts(viewer: Viewer): Promise<WhereOptions<Post>> {
  const hidden = await hiddenClassIds(viewer);
  if (hidden.length === 0) return {};
  return { [Op.or]: [{ classId: null }, { classId: { [Op.notIn]: hidden } }] };
}

/** A where clause for comments on posts the viewer may read. */
export async function visibleComments(viewer: Viewer): Promise<WhereOptions<Comment>> {
  const hidden = await hiddenClassIds(viewer);
  if (hidden.length === 0) return {};
  return { postId: { [Op.notIn]: literal(`(SELECT id FROM posts WHERE class_id IN (${idList(hidden)}))`) } };
}

/** Whether the viewer may read this post (an invisible post is a 404 for them). */
export async function canSee(viewer: Viewer, post: Pick<Post, 'classId'>): Promise<boolean> {
  if (post.classId == null) return true;
  const klass = await StudyClass.findByPk(post.classId);
  return !klass || (await klass.admits(viewer));
}

/** Both clauses, for a where that must also hold. */
export function and<T>(...clauses: WhereOptions<T>[]): WhereOptions<T> {
  const present = clauses.filter((c) => Object.keys(c as object).length || Object.getOwnPropertySymbols(c as object).length);
  return present.length <= 1 ? (present[0] ?? {}) : { [Op.and]: present };
}
