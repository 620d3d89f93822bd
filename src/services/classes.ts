import { literal, Op, QueryTypes, Transaction, WhereOptions } from 'sequelize';
import { Comment, Permission, Post, Registration, StudyClass, User } from '../models';
import { Pagination, resolvePage } from '../web/pagination';
import type { Viewer } from './visibility';

// Classes as the pages and the API use them: who sees which, who may file a
// note into which, member counts, and deleting a class without leaking its notes.

/** Classes the viewer can see: every public class, plus private ones they teach or belong to (all, for admins). */
export function visibleClassesWhere(viewer: Viewer): WhereOptions<StudyClass> {
  if (viewer.can(Permission.ADMIN)) return {};
  if (viewer.id == null) return { visibility: 'public' };
  const id = Number(viewer.id);
  return {
    [Op.or]: [
      { visibility: 'public' },
      { teacherId: id },
      { id: { [Op.in]: literal(`(SELECT class_id FROM registrations WHERE student_id = ${id})`) } },
    ],
  };
}

/** Sets `memberCount` on each class with one grouped count. */
export async function withMemberCounts(classes: StudyClass[]): Promise<StudyClass[]> {
  if (classes.length === 0) return classes;
  const rows = (await Registration.count({ where: { classId: classes.map((c) => c.id) }, group: ['classId'] })) as unknown as {
    classId: number;
    count: number;
  }[];
  const counts = new Map(rows.map((r) => [Number(r.classId), Number(r.count)]));
  for (const klass of classes) klass.memberCount = counts.get(klass.id) ?? 0;
  return classes;
}

export async function pageClasses(where: WhereOptions<StudyClass>, page: number, perPage: number): Promise<Pagination<StudyClass>> {
  const total = await StudyClass.count({ where });
  const at = resolvePage(page, perPage, total);
  const classes = await StudyClass.findAll({
    where,
    include: [{ model: User, as: 'teacher' }],
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: perPage,
    offset: at.offset,
  });
  return new Pagination(await withMemberCounts(classes), at.page, perPage, total);
}

/** The classes a user belongs to (as student or assistant) that the viewer may see. */
export async function classesOf(user: User, viewer: Viewer): Promise<StudyClass[]> {
  const classes = await StudyClass.findAll({
    where: {
      [Op.and]: [{ id: { [Op.in]: literal(`(SELECT class_id FROM registrations WHERE student_id = ${Number(user.id)})`) } }, visibleClassesWhere(viewer)],
    },
    order: [['name', 'ASC']],
  });
  return classes;
}

/** Classes a user may file a note into: those they teach or belong to. */
export async function classesForNotes(user: User): Promise<StudyClass[]> {
  return StudyClass.findAll({
    where: {
      [Op.or]: [{ teacherId: user.id }, { id: { [Op.in]: literal(`(SELECT class_id FROM registrations WHERE student_id = ${Number(user.id)})`) } }],
    },
    order: [['name', 'ASC']],
  });
}

/** Checks a requested class for a note: null (no class) or one the author may file into. */
export async function classForNote(user: User, classId: number | null | undefined): Promise<number | null | 'invalid'> {
  if (classId == null) return null;
  const allowed = await classesForNotes(user);
  return allowed.some((c) => c.id === classId) ? classId : 'invalid';
}

/**
 * Deletes a class and its registrations in one transaction. A public class's
 * notes stay (no longer filed anywhere); a private class's notes and their
 * comments go with it, since they were never meant for anyone else.
 */
export async function deleteClass(klass: StudyClass): Promise<void> {
  await StudyClass.sequelize!.transaction(async (transaction: Transaction) => {
    await Registration.destroy({ where: { classId: klass.id }, transaction });
    if (klass.isPrivate) {
      const ids = (await Post.findAll({ where: { classId: klass.id }, attributes: ['id'], transaction })).map((p) => p.id);
      if (ids.length) {
        await Comment.destroy({ where: { postId: ids }, transaction });
        await Post.destroy({ where: { id: ids }, transaction });
      }
    } else {
      await Post.update({ classId: null }, { where: { classId: klass.id }, transaction, hooks: false });
    }
    await klass.destroy({ transaction });
  });
}

/** Members with their role and registration time, teacher excluded. */
export async function membersOf(klass: StudyClass): Promise<Registration[]> {
  return Registration.findAll({
    where: { classId: klass.id },
    include: [{ model: User, as: 'student' }],
    order: [['timestamp', 'ASC']],
  });
}

export async function isMember(klass: StudyClass, userId: number): Promise<boolean> {
  const [row] = await StudyClass.sequelize!.query<{ n: number }>(
    'SELECT COUNT(*) AS n FROM registrations WHERE class_id = :classId AND student_id = :userId',
    { type: QueryTypes.SELECT, replacements: { classId: klass.id, userId } },
  );
  return Number(row.n) > 0;
}
