import type { Request, Response } from 'express';
import { literal, Op, WhereOptions } from 'sequelize';
import type { Config } from '../config';
import { Comment, Permission, Post, Registration, User } from '../models';
import { and, visibleComments } from '../services/visibility';
import { forbidden, notFound } from '../web/http-error';
import { Pagination, pageParam, resolvePage } from '../web/pagination';
import { parseId, viewerOf } from './params';

// Comment moderation: every comment the moderator may read, newest first, with
// Enable / Disable. A class's assistants moderate the comments on its notes.

/** The comments this user may moderate, or null when none. */
async function moderationScope(req: Request): Promise<WhereOptions<Comment> | null> {
  const me = req.user!;
  if (me.can(Permission.MODERATE)) return visibleComments(viewerOf(req));
  const assisted = await Registration.findAll({ where: { studentId: me.id, role: 'assistant' }, attributes: ['classId'] });
  if (assisted.length === 0) return null;
  const ids = assisted.map((r) => Number(r.classId)).join(',');
  return { postId: { [Op.in]: literal(`(SELECT id FROM posts WHERE class_id IN (${ids}))`) } };
}

export function moderationHandlers(config: Config) {
  async function moderate(req: Request, res: Response) {
    const scope = await moderationScope(req);
    if (!scope) throw forbidden();
    const perPage = config.commentsPerPage;
    const total = await Comment.count({ where: scope });
    const at = resolvePage(Math.max(pageParam(req.query.page), 1), perPage, total);
    const comments = await Comment.findAll({
      where: scope,
      include: [
        { model: User, as: 'author' },
        { model: Post, as: 'post', attributes: ['id'] },
      ],
      order: [
        ['timestamp', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: perPage,
      offset: at.offset,
    });
    res.render('moderate.html', { comments, pagination: new Pagination(comments, at.page, perPage, total), moderate: true, page: at.page });
  }

  /** Enable / disable: POST acts and returns to the same page; the old GET links answer with a form. */
  function setDisabled(disabled: boolean) {
    return async (req: Request, res: Response) => {
      const scope = await moderationScope(req);
      if (!scope) throw forbidden();
      const comment = await Comment.findOne({ where: and({ id: parseId(req.params.id) }, scope) });
      if (!comment) throw notFound();
      const page = Math.max(pageParam(req.query.page), 1);
      if (req.method === 'GET') {
        return res.render('confirm_action.html', { title: `${disabled ? 'Disable' : 'Enable'} comment`, action: req.originalUrl, label: disabled ? 'Disable' : 'Enable' });
      }
      await comment.update({ disabled });
      res.redirect(`/moderate?page=${page}`);
    };
  }

  return { moderate, enable: setDisabled(false), disable: setDisabled(true) };
}
