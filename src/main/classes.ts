import type { Request, Response } from 'express';
import type { Config } from '../config';
import { StudyClass, User } from '../models';
import { classesOf, deleteClass, membersOf, pageClasses, visibleClassesWhere } from '../services/classes';
import { pagePosts } from '../services/posts';
import { FieldErrors, parseForm } from '../web/forms';
import { forbidden, notFound } from '../web/http-error';
import { pageParam } from '../web/pagination';
import { classForm, inviteForm, joinForm } from './forms';
import { viewerOf } from './params';

// Classes (study groups): the list, a class's page, creating and editing, and
// registrations: register / leave for public classes, invitation by the teacher
// or a rotatable join code for private ones.

export function classHandlers(config: Config) {
  /** The class, if the visitor may see it: a private class is a 404 to outsiders. */
  async function classOr404(req: Request): Promise<StudyClass> {
    const slug = typeof req.params.slug === 'string' ? req.params.slug : '';
    const klass = await StudyClass.findOne({ where: { slug }, include: [{ model: User, as: 'teacher' }] });
    if (!klass || !(await klass.admits(viewerOf(req)))) throw notFound();
    return klass;
  }

  const classUrl = (klass: StudyClass) => `/class/${encodeURIComponent(klass.slug)}`;

  async function managed(req: Request): Promise<StudyClass> {
    const klass = await classOr404(req);
    if (!klass.mayManage(req.user!)) throw forbidden();
    return klass;
  }

  async function list(req: Request, res: Response) {
    const pagination = await pageClasses(visibleClassesWhere(viewerOf(req)), pageParam(req.query.page), config.postsPerPage);
    const mine = req.user ? await classesOf(req.user, req.user) : [];
    res.render('classes/list.html', { classes: pagination.items, pagination, mine, form: {}, errors: {} });
  }

  async function show(req: Request, res: Response) {
    const klass = await classOr404(req);
    const [members, pagination, registration] = await Promise.all([
      membersOf(klass),
      pagePosts({ classId: klass.id }, pageParam(req.query.page), config.postsPerPage),
      req.user ? klass.registrationOf(req.user) : null,
    ]);
    const manager = req.user ? klass.mayManage(req.user) : false;
    res.render('classes/show.html', { klass, members, posts: pagination.items, pagination, registration, manager, form: {}, errors: {} });
  }

  async function create(req: Request, res: Response) {
    if (req.method === 'GET') return res.render('classes/edit.html', { form: { visibility: 'public' }, errors: {} });
    const parsed = parseForm(classForm, req.body);
    if (!parsed.ok) return res.render('classes/edit.html', { form: req.body, errors: parsed.errors });
    const { name, description, visibility } = parsed.data;
    const klass = await StudyClass.create({ name, description: description || null, visibility, slug: await StudyClass.freeSlug(name), teacherId: req.user!.id });
    req.flash(`The class ${klass.name} has been created.`);
    res.redirect(classUrl(klass));
  }

  async function edit(req: Request, res: Response) {
    const klass = await managed(req);
    if (req.method === 'GET') {
      return res.render('classes/edit.html', { klass, form: { name: klass.name, description: klass.description, visibility: klass.visibility }, errors: {} });
    }
    const parsed = parseForm(classForm, req.body);
    if (!parsed.ok) return res.render('classes/edit.html', { klass, form: req.body, errors: parsed.errors });
    const { name, description, visibility } = parsed.data;
    if (name !== klass.name) klass.slug = await StudyClass.freeSlug(name, klass.id);
    Object.assign(klass, { name, description: description || null, visibility });
    await klass.save();
    req.flash('The class has been updated.');
    res.redirect(classUrl(klass));
  }

  async function remove(req: Request, res: Response) {
    const klass = await managed(req);
    await deleteClass(klass);
    req.flash(`The class ${klass.name} has been deleted.`);
    res.redirect('/classes');
  }

  /** Anyone may register for a public class; a private one needs an invitation or the join code. */
  async function register(req: Request, res: Response) {
    const klass = await classOr404(req);
    if (klass.isPrivate && !klass.mayManage(req.user!)) throw forbidden('This class is private: ask its teacher for an invitation or the join code.');
    await klass.register(req.user!.id);
    req.flash(`You are registered for ${klass.name}.`);
    res.redirect(classUrl(klass));
  }

  async function leave(req: Request, res: Response) {
    const klass = await classOr404(req);
    req.flash((await klass.unregister(req.user!.id)) ? `You have left ${klass.name}.` : 'You are not registered for this class.');
    res.redirect(klass.isPrivate ? '/classes' : classUrl(klass));
  }

  async function join(req: Request, res: Response) {
    const parsed = parseForm(joinForm, req.body);
    const klass = parsed.ok ? await StudyClass.findOne({ where: { joinCode: parsed.data.code } }) : null;
    if (!klass) {
      const errors: FieldErrors = parsed.ok ? { code: ['Unknown join code.'] } : parsed.errors;
      const pagination = await pageClasses(visibleClassesWhere(viewerOf(req)), 1, config.postsPerPage);
      return res.render('classes/list.html', { classes: pagination.items, pagination, mine: await classesOf(req.user!, req.user!), form: req.body, errors });
    }
    await klass.register(req.user!.id);
    req.flash(`You are registered for ${klass.name}.`);
    res.redirect(classUrl(klass));
  }

  /** The teacher adds a user by username, or changes a member's role. */
  async function invite(req: Request, res: Response) {
    const klass = await managed(req);
    const parsed = parseForm(inviteForm, req.body);
    const user = parsed.ok ? await User.findOne({ where: { username: parsed.data.username } }) : null;
    if (!parsed.ok || !user) {
      req.flash(parsed.ok ? `There is no user called ${parsed.data.username}.` : 'Give a username and a role.');
      return res.redirect(classUrl(klass));
    }
    const existing = await klass.registrationOf(user);
    if (existing) await existing.update({ role: parsed.data.role });
    else await klass.register(user.id, parsed.data.role);
    req.flash(`${user.username} is now ${parsed.data.role === 'assistant' ? 'an assistant' : 'a student'} of ${klass.name}.`);
    res.redirect(classUrl(klass));
  }

  async function dismiss(req: Request, res: Response) {
    const klass = await managed(req);
    const user = typeof req.params.username === 'string' ? await User.findOne({ where: { username: req.params.username } }) : null;
    if (!user || !(await klass.unregister(user.id))) throw notFound();
    req.flash(`${user.username} has been removed from ${klass.name}.`);
    res.redirect(classUrl(klass));
  }

  async function rotateCode(req: Request, res: Response) {
    const klass = await managed(req);
    await klass.rotateJoinCode();
    req.flash('The join code has been changed: the old one no longer works.');
    res.redirect(classUrl(klass));
  }

  return { list, show, create, edit, remove, register, leave, join, invite, dismiss, rotateCode };
}
