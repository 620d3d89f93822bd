import type { Request } from 'express';
import type { WhereOptions } from 'sequelize';
import { Permission, Registration, StudyClass, User } from '../models';
import { deleteClass, visibleClassesWhere, withMemberCounts } from '../services/classes';
import { and } from '../services/visibility';
import { currentUser } from './authentication';
import { badRequest, forbidden, notFound } from './errors';
import { pageNumber, postPage } from './pagination';
import { ApiRoute, RouteContext, sendCreated } from './routing';
import {
  ClassCreate,
  ClassCreateBody,
  ClassJson,
  ClassPage,
  ClassUpdate,
  ClassUpdateBody,
  ListQuery,
  PostPage,
  RegistrationCreate,
  RegistrationCreateBody,
  StudentJson,
  StudentPage,
} from './schemas';
import { classJson, postJson, studentJson, urls } from './serializers';

// Classes and registrations (not in upstream Flasky), in the style of the other resources:
//   GET    /classes/                      auth                       listClasses   public + yours, by name
//   POST   /classes/                      WRITE   ClassCreate        newClass      201 + Location
//   GET    /classes/:id                   auth                       getClass      private: members only, else 404
//   PUT    /classes/:id                   teacher or ADMIN  ClassUpdate editClass
//   DELETE /classes/:id                   teacher or ADMIN           deleteClass   204; registrations (and a private class's notes) go too
//   GET    /classes/:id/students/         auth                       listStudents
//   POST   /classes/:id/students/         auth    RegistrationCreate register      yourself (public, or with the join code), or the teacher registers user_id
//   DELETE /classes/:id/students/         auth                       leave         204
//   DELETE /classes/:id/students/:user    teacher or ADMIN           removeStudent 204
//   GET    /classes/:id/posts/            auth                       classPosts    newest first
//   GET    /users/:id/classes/            auth                       userClasses   the classes a user belongs to

async function loadClass(req: Request): Promise<StudyClass> {
  const klass = await StudyClass.findByPk(Number(req.params.id));
  if (!klass || !(await klass.admits(currentUser(req)))) throw notFound();
  return klass;
}

async function managedClass(req: Request): Promise<StudyClass> {
  const klass = await loadClass(req);
  if (!klass.mayManage(currentUser(req))) throw forbidden();
  return klass;
}

/** A page of any ordered list by `?page=`, with Flasky's prev / next / count. */
function pageLinks(path: string, page: number, perPage: number, count: number) {
  return {
    prev: page > 1 ? `${path}?page=${page - 1}` : null,
    next: page < Math.ceil(count / perPage) ? `${path}?page=${page + 1}` : null,
    count,
  };
}

export function classRoutes({ config }: RouteContext): ApiRoute[] {
  const perPage = config.postsPerPage;
  const json = (req: Request, klass: StudyClass) => classJson(klass, klass.mayManage(currentUser(req)));

  async function listOf(req: Request, where: WhereOptions<StudyClass>, path: string) {
    const page = pageNumber(req.query.page);
    const count = await StudyClass.count({ where });
    const rows = await StudyClass.findAll({ where, order: [['name', 'ASC'], ['id', 'ASC']], limit: perPage, offset: (page - 1) * perPage });
    await withMemberCounts(rows);
    return { classes: rows.map((k) => json(req, k)), ...pageLinks(path, page, perPage, count) };
  }

  return [
    {
      method: 'get',
      path: '/classes/',
      tag: 'classes',
      summary: 'Every public class and the private ones you teach or belong to, by name',
      query: ListQuery,
      responses: { 200: { description: 'A page of classes', schema: ClassPage } },
      handler: async (req, res) => res.json(await listOf(req, visibleClassesWhere(currentUser(req)), '/api/v1/classes/')),
    },
    {
      method: 'post',
      path: '/classes/',
      tag: 'classes',
      summary: 'Create a class; you are its teacher',
      permission: Permission.WRITE,
      body: ClassCreate,
      responses: { 201: { description: 'The new class', schema: ClassJson, location: true } },
      handler: async (req, res) => {
        const { name, description, visibility } = req.body as ClassCreateBody;
        const klass = await StudyClass.create({
          name,
          description: description || null,
          visibility: visibility ?? 'public',
          slug: await StudyClass.freeSlug(name),
          teacherId: currentUser(req).id,
        });
        klass.memberCount = 0;
        sendCreated(config, req, res, json(req, klass));
      },
    },
    {
      method: 'get',
      path: '/classes/:id',
      tag: 'classes',
      summary: 'One class',
      responses: { 200: { description: 'The class', schema: ClassJson } },
      handler: async (req, res) => res.json(json(req, (await withMemberCounts([await loadClass(req)]))[0])),
    },
    {
      method: 'put',
      path: '/classes/:id',
      tag: 'classes',
      summary: 'Edit a class (its teacher or an administrator)',
      body: ClassUpdate,
      responses: { 200: { description: 'The class', schema: ClassJson } },
      handler: async (req, res) => {
        const klass = await managedClass(req);
        const { name, description, visibility } = req.body as ClassUpdateBody;
        if (name !== undefined && name !== klass.name) Object.assign(klass, { name, slug: await StudyClass.freeSlug(name, klass.id) });
        if (description !== undefined) klass.description = description || null;
        if (visibility !== undefined) klass.visibility = visibility;
        await klass.save();
        res.json(json(req, (await withMemberCounts([klass]))[0]));
      },
    },
    {
      method: 'delete',
      path: '/classes/:id',
      tag: 'classes',
      summary: "Delete a class: its registrations go, a private class's notes and comments too, a public class's notes stay",
      responses: { 204: { description: 'Deleted' } },
      handler: async (req, res) => {
        await deleteClass(await managedClass(req));
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/classes/:id/students/',
      tag: 'classes',
      summary: "A class's students and assistants, in order of registration",
      query: ListQuery,
      responses: { 200: { description: 'A page of students', schema: StudentPage } },
      handler: async (req, res) => {
        const klass = await loadClass(req);
        const page = pageNumber(req.query.page);
        const count = await Registration.count({ where: { classId: klass.id } });
        const rows = await Registration.findAll({
          where: { classId: klass.id },
          include: [{ model: User, as: 'student' }],
          order: [['timestamp', 'ASC'], ['studentId', 'ASC']],
          limit: perPage,
          offset: (page - 1) * perPage,
        });
        res.json({ students: rows.map(studentJson), ...pageLinks(urls.classStudents(klass.id), page, perPage, count) });
      },
    },
    {
      method: 'post',
      path: '/classes/:id/students/',
      tag: 'classes',
      summary: 'Register for a class: yourself (a public class, or a private one with its join code), or, for the teacher, another user',
      body: RegistrationCreate,
      responses: { 201: { description: 'The registration', schema: StudentJson, location: true } },
      handler: async (req, res) => {
        const me = currentUser(req);
        const { user_id, role, join_code } = req.body as RegistrationCreateBody;
        const klass = await StudyClass.findByPk(Number(req.params.id));
        const byCode = Boolean(klass?.isPrivate && join_code && klass.joinCode === join_code);
        if (!klass || (!byCode && !(await klass.admits(me)))) throw notFound();
        const manager = klass.mayManage(me);
        if ((user_id !== undefined && user_id !== me.id) || role !== undefined) {
          if (!manager) throw forbidden('Only the teacher registers other users or sets roles');
        } else if (klass.isPrivate && !byCode && !manager) {
          throw forbidden('This class is private: use its join code or ask its teacher');
        }
        const student = user_id === undefined ? me : await User.findByPk(user_id);
        if (!student) throw badRequest('user_id is not a user');
        await klass.register(student.id, role ?? 'student');
        if (role) await Registration.update({ role }, { where: { classId: klass.id, studentId: student.id } });
        const registration = (await Registration.findOne({ where: { classId: klass.id, studentId: student.id }, include: [{ model: User, as: 'student' }] }))!;
        const body = studentJson(registration);
        res.status(201).location(`${config.baseUrl ?? `${req.protocol}://${req.get('host')}`}${urls.classStudents(klass.id)}`).json(body);
      },
    },
    {
      method: 'delete',
      path: '/classes/:id/students/',
      tag: 'classes',
      summary: 'Leave a class',
      responses: { 204: { description: 'Left (or was not registered)' } },
      handler: async (req, res) => {
        await (await loadClass(req)).unregister(currentUser(req).id);
        res.status(204).end();
      },
    },
    {
      method: 'delete',
      path: '/classes/:id/students/:user',
      tag: 'classes',
      summary: 'Remove a student (the teacher or an administrator; anyone may remove themselves)',
      responses: { 204: { description: 'Removed' } },
      handler: async (req, res) => {
        const klass = await loadClass(req);
        const userId = /^\d{1,15}$/.test(String(req.params.user)) ? Number(req.params.user) : NaN;
        if (userId !== currentUser(req).id && !klass.mayManage(currentUser(req))) throw forbidden();
        if (!Number.isSafeInteger(userId) || !(await klass.unregister(userId))) throw notFound();
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/classes/:id/posts/',
      tag: 'classes',
      summary: "A class's notes, newest first",
      query: ListQuery,
      responses: { 200: { description: 'A page of posts', schema: PostPage } },
      handler: async (req, res) => {
        const klass = await loadClass(req);
        const page = await postPage(req, { classId: klass.id }, { perPage, path: urls.classPosts(klass.id) });
        res.json({ posts: page.items.map(postJson), prev: page.prev, next: page.next, count: page.count });
      },
    },
    {
      method: 'get',
      path: '/users/:id/classes/',
      tag: 'classes',
      summary: 'The classes a user belongs to (those you may see)',
      query: ListQuery,
      responses: { 200: { description: 'A page of classes', schema: ClassPage } },
      handler: async (req, res) => {
        const user = await User.findByPk(Number(req.params.id));
        if (!user) throw notFound();
        const memberOf: WhereOptions<StudyClass> = { id: (await Registration.findAll({ where: { studentId: user.id }, attributes: ['classId'] })).map((r) => r.classId) };
        res.json(await listOf(req, and(memberOf, visibleClassesWhere(currentUser(req))), urls.userClasses(user.id)));
      },
    },
  ];
}
