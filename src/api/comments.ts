import type { Request } from 'express';
import { Comment, CommentLabel, Permission, User } from '../models';
import { and, visibleComments } from '../services/visibility';
import { currentUser } from './authentication';
import { forbidden, notFound } from './errors';
import { listPage } from './pagination';
import { loadPost } from './posts';
import { ApiRoute, RouteContext, sendCreated } from './routing';
import { CommentCreate, CommentCreateBody, CommentJson, CommentModerate, CommentModerateBody, CommentPage, ListQuery } from './schemas';
import { commentJson, urls } from './serializers';

// Flasky's api/comments.py, plus moderation and DELETE:
//   GET    /comments/             auth                        listComments    newest first
//   GET    /comments/:id          auth                        getComment
//   PUT    /comments/:id          MODERATE  CommentModerate   moderateComment {"disabled": bool}, recorded as a label
//   DELETE /comments/:id          auth                        deleteComment   author or ADMIN
//   GET    /posts/:id/comments/   auth                        postComments    oldest first
//   POST   /posts/:id/comments/   COMMENT   CommentCreate     newComment      201 + Location

/** The comment, if the reader may see its post: comments on a private class's notes are 404 to outsiders. */
async function loadComment(req: Request): Promise<Comment> {
  const comment = await Comment.findOne({ where: and({ id: Number(req.params.id) }, await visibleComments(currentUser(req))) });
  if (!comment) throw notFound();
  return comment;
}

const pageJson = (page: { items: Comment[]; prev: string | null; next: string | null; count: number }, reader: User) => ({
  comments: page.items.map((c) => commentJson(c, reader)),
  prev: page.prev,
  next: page.next,
  count: page.count,
});

export function commentRoutes({ config }: RouteContext): ApiRoute[] {
  const perPage = config.commentsPerPage;
  return [
    {
      method: 'get',
      path: '/comments/',
      tag: 'comments',
      summary: 'All comments, newest first',
      query: ListQuery,
      responses: { 200: { description: `A page of comments (${perPage} per page)`, schema: CommentPage } },
      handler: async (req, res) => {
        const where = await visibleComments(currentUser(req));
        const page = await listPage(Comment, req, { where, direction: 'DESC', perPage, path: '/api/v1/comments/' });
        res.json(pageJson(page, currentUser(req)));
      },
    },
    {
      method: 'get',
      path: '/comments/:id',
      tag: 'comments',
      summary: 'One comment',
      description: "A disabled comment's body is empty unless the reader can moderate.",
      responses: { 200: { description: 'The comment', schema: CommentJson } },
      handler: async (req, res) => {
        res.json(commentJson(await loadComment(req), currentUser(req)));
      },
    },
    {
      method: 'put',
      path: '/comments/:id',
      tag: 'comments',
      summary: 'Enable or disable a comment (moderators)',
      permission: Permission.MODERATE,
      body: CommentModerate,
      responses: { 200: { description: 'The moderated comment', schema: CommentJson } },
      handler: async (req, res) => {
        const comment = await loadComment(req);
        // A moderator's decision, recorded as a label for the moderation model like the page's buttons.
        await CommentLabel.record(comment, currentUser(req).id, (req.body as CommentModerateBody).disabled ? 1 : 0);
        res.json(commentJson(comment, currentUser(req)));
      },
    },
    {
      method: 'delete',
      path: '/comments/:id',
      tag: 'comments',
      summary: "Delete a comment (its author's or, for administrators, any)",
      responses: { 204: { description: 'Deleted' } },
      handler: async (req, res) => {
        const comment = await loadComment(req);
        const user = currentUser(req);
        if (comment.authorId !== user.id && !user.can(Permission.ADMIN)) throw forbidden();
        await comment.destroy();
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/posts/:id/comments/',
      tag: 'comments',
      summary: "A post's comments, oldest first",
      query: ListQuery,
      responses: { 200: { description: 'A page of comments', schema: CommentPage } },
      handler: async (req, res) => {
        const post = await loadPost(req);
        const path = urls.postComments(post.id);
        const page = await listPage(Comment, req, { where: { postId: post.id }, direction: 'ASC', perPage, path });
        res.json(pageJson(page, currentUser(req)));
      },
    },
    {
      method: 'post',
      path: '/posts/:id/comments/',
      tag: 'comments',
      summary: 'Comment on a post',
      permission: Permission.COMMENT,
      body: CommentCreate,
      responses: { 201: { description: 'The new comment', schema: CommentJson, location: true } },
      handler: async (req, res) => {
        const post = await loadPost(req);
        const { body } = req.body as CommentCreateBody;
        const comment = await Comment.create({ body, authorId: currentUser(req).id, postId: post.id });
        sendCreated(config, req, res, commentJson(comment, currentUser(req)));
      },
    },
  ];
}
