import type { Request, Response } from 'express';
import type { Config } from '../config';
import { Comment, Post, User } from '../models';
import { notFound } from '../web/http-error';
import { Pagination, pageParam, resolvePage } from '../web/pagination';
import { parseId } from './params';

// Comment moderation: every comment, newest first, with Enable / Disable.

export function moderationHandlers(config: Config) {
  async function moderate(req: Request, res: Response) {
    const perPage = config.commentsPerPage;
    const total = await Comment.count();
    const at = resolvePage(Math.max(pageParam(req.query.page), 1), perPage, total);
    const comments = await Comment.findAll({
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
      const comment = await Comment.findByPk(parseId(req.params.id));
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
