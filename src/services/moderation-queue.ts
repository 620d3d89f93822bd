import { literal, Op, Order, WhereOptions } from 'sequelize';
import { Comment, Post, User } from '../models';
import { and } from './visibility';

// What moderators look at, for the /moderate page and the API:
// - queue: comments nobody has labelled yet, those the model is least sure of first
//   (uncertainty sampling: their labels teach it most), unscored ones last, newest first
//   among equals, so before any model is trained the queue is simply newest first;
// - likely: unlabelled comments, the likeliest unwanted first;
// - all: every comment, newest first (upstream's page).

export type ModerationView = 'queue' | 'likely' | 'all';
export const VIEWS: readonly ModerationView[] = ['queue', 'likely', 'all'];

/** |score − ½|, unscored as 1; the expression indexed by migration 0004 (comments_uncertainty). */
const UNCERTAINTY = literal('COALESCE(ABS("Comment"."score" - 0.5), 1)');
const UNLABELLED = literal('NOT EXISTS (SELECT 1 FROM comment_labels WHERE comment_labels.comment_id = "Comment"."id")');

export function parseView(value: unknown, fallback: ModerationView = 'all'): ModerationView {
  return VIEWS.includes(value as ModerationView) ? (value as ModerationView) : fallback;
}

function whereFor(scope: WhereOptions<Comment>, view: ModerationView): WhereOptions<Comment> {
  return view === 'all' ? scope : and<Comment>(scope, { [Op.and]: [UNLABELLED] });
}

function orderFor(view: ModerationView): Order {
  const newest: Order = [
    ['timestamp', 'DESC'],
    ['id', 'DESC'],
  ];
  if (view === 'queue') return [[UNCERTAINTY, 'ASC'], ...newest];
  if (view === 'likely') return [['score', 'DESC NULLS LAST'], ...newest];
  return newest;
}

/** One page of a view, within the comments the moderator may moderate (scope). */
export async function moderationPage(
  scope: WhereOptions<Comment>,
  view: ModerationView,
  page: { offset: number; limit: number; withAuthors?: boolean },
): Promise<{ comments: Comment[]; total: number }> {
  const where = whereFor(scope, view);
  const include = page.withAuthors
    ? [
        { model: User, as: 'author' },
        { model: Post, as: 'post', attributes: ['id'] },
      ]
    : [];
  const [total, comments] = await Promise.all([
    Comment.count({ where }),
    Comment.findAll({ where, include, order: orderFor(view), limit: page.limit, offset: page.offset }),
  ]);
  return { comments, total };
}
