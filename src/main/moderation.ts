import type { Request, Response } from 'express';
import { literal, Op, WhereOptions } from 'sequelize';
import type { Config } from '../config';
import { Comment, CommentLabel, Permission, Registration } from '../models';
import { FINE, UNWANTED, type Label } from '../models/moderation';
import { moderationPage, parseView, VIEWS } from '../services/moderation-queue';
import { and, visibleComments } from '../services/visibility';
import { forbidden, notFound } from '../web/http-error';
import { Pagination, pageParam } from '../web/pagination';
import { parseId, viewerOf } from './params';

// Comment moderation: every comment the moderator may read, with Approve / Enable /
// Disable, each recorded as a label the moderation model learns from. Three views:
// ?view=queue (unlabelled, the model's least certain first), ?view=likely (unlabelled,
// likeliest unwanted first) and ?view=all, upstream's newest-first list and the default,
// so /moderate and its links stay what they were. A class's assistants moderate the
// comments on its notes.

/** The comments this user may moderate, or null when none. */
async function moderationScope(req: Request): Promise<WhereOptions<Comment> | null> {
  const me = req.user!;
  if (me.can(Permission.MODERATE)) return visibleComments(viewerOf(req));
  const assisted = await Registration.findAll({ where: { studentId: me.id, role: 'assistant' }, attributes: ['classId'] });
  if (assisted.length === 0) return null;
  const ids = assisted.map((r) => Number(r.classId)).join(',');
  return { postId: { [Op.in]: literal(`(SELECT id FROM posts WHERE class_id IN (${ids}))`) } };
}

/** `view=…&` for links and redirects when a view was asked for; upstream's URLs otherwise. */
function viewArg(req: Request): string {
  return req.query.view === undefined ? '' : `view=${parseView(req.query.view)}&`;
}

const ACTIONS: Record<'approve' | 'enable' | 'disable', { label: Label; title: string }> = {
  approve: { label: FINE, title: 'Approve' },
  enable: { label: FINE, title: 'Enable' },
  disable: { label: UNWANTED, title: 'Disable' },
};

export function moderationHandlers(config: Config) {
  async function moderate(req: Request, res: Response) {
    const scope = await moderationScope(req);
    if (!scope) throw forbidden();
    const view = parseView(req.query.view);
    const perPage = config.commentsPerPage;
    const page = Math.max(pageParam(req.query.page), 1);
    const { comments, total } = await moderationPage(scope, view, { offset: (page - 1) * perPage, limit: perPage, withAuthors: true });
    res.render('moderate.html', {
      comments,
      pagination: new Pagination(comments, page, perPage, total),
      moderate: true,
      page,
      view,
      views: VIEWS,
      view_arg: viewArg(req),
    });
  }

  /** POST acts, records the label and returns to the same page; the GET URLs answer with a form. */
  function act(action: keyof typeof ACTIONS) {
    const { label, title } = ACTIONS[action];
    return async (req: Request, res: Response) => {
      const scope = await moderationScope(req);
      if (!scope) throw forbidden();
      const comment = await Comment.findOne({ where: and({ id: parseId(req.params.id) }, scope) });
      if (!comment) throw notFound();
      const page = Math.max(pageParam(req.query.page), 1);
      if (req.method === 'GET') {
        return res.render('confirm_action.html', { title: `${title} comment`, action: req.originalUrl, label: title });
      }
      await CommentLabel.record(comment, req.user!.id, label);
      res.redirect(`/moderate?${viewArg(req)}page=${page}`);
    };
  }

  return { moderate, approve: act('approve'), enable: act('enable'), disable: act('disable') };
}
