import type { Request } from 'express';
import { Transaction } from 'sequelize';
import { Comment, Permission, Post, User } from '../models';
import { classForNote } from '../services/classes';
import { createNote, normaliseTags, updateNote, withTags } from '../services/notes';
import { canSee } from '../services/visibility';
import { currentUser } from './authentication';
import { badRequest, forbidden, notFound } from './errors';
import { postPage } from './pagination';
import { ApiRoute, RouteContext, sendCreated } from './routing';
import { ListQuery, PostCreate, PostCreateBody, PostJson, PostPage, PostUpdate, PostUpdateBody } from './schemas';
import { postJson } from './serializers';

// Flasky's api/posts.py, plus DELETE:
//   GET    /posts/      auth                    listPosts    newest first (upstream: no order)
//   POST   /posts/      WRITE     PostCreate    newPost      201 + Location
//   GET    /posts/:id   auth                    getPost
//   PUT    /posts/:id   WRITE     PostUpdate    editPost     author or ADMIN
//   DELETE /posts/:id   auth                    deletePost   author or ADMIN; its comments go too

/** The post, if the reader may see it: a private class's note is a 404 to outsiders. */
export async function loadPost(req: Request): Promise<Post> {
  const post = await Post.findByPk(Number(req.params.id));
  if (!post || !(await canSee(currentUser(req), post))) throw notFound();
  return post;
}

/** Sets the comment count and the tags postJson needs. */
async function withCommentCount(post: Post): Promise<Post> {
  post.commentCount = await Comment.count({ where: { postId: post.id } });
  await withTags([post]);
  return post;
}

const mayChange = (user: User, post: Post) => post.authorId === user.id || user.can(Permission.ADMIN);

export function postRoutes({ config }: RouteContext): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/posts/',
      tag: 'posts',
      summary: 'All posts, newest first',
      query: ListQuery,
      responses: { 200: { description: `A page of posts (${config.postsPerPage} per page)`, schema: PostPage } },
      handler: async (req, res) => {
        const page = await postPage(req, { viewer: currentUser(req) }, { perPage: config.postsPerPage, path: '/api/v1/posts/' });
        res.json({ posts: page.items.map(postJson), prev: page.prev, next: page.next, count: page.count });
      },
    },
    {
      method: 'post',
      path: '/posts/',
      tag: 'posts',
      summary: 'Write a post',
      permission: Permission.WRITE,
      body: PostCreate,
      responses: { 201: { description: 'The new post', schema: PostJson, location: true } },
      handler: async (req, res) => {
        const { body, class_id, title, tags } = req.body as PostCreateBody;
        const classId = await classForNote(currentUser(req), class_id);
        if (classId === 'invalid') throw badRequest('class_id is not a class you belong to');
        const post = await createNote(currentUser(req).id, { body, title, tags: tags && normaliseTags(tags), classId });
        post.commentCount = 0;
        sendCreated(config, req, res, postJson(post));
      },
    },
    {
      method: 'get',
      path: '/posts/:id',
      tag: 'posts',
      summary: 'One post',
      responses: { 200: { description: 'The post', schema: PostJson } },
      handler: async (req, res) => {
        res.json(postJson(await withCommentCount(await loadPost(req))));
      },
    },
    {
      method: 'put',
      path: '/posts/:id',
      tag: 'posts',
      summary: "Edit a post (its author's or, for administrators, any)",
      description: '`{}` keeps the body, as upstream. Unlike upstream, an empty body is a 400.',
      permission: Permission.WRITE,
      body: PostUpdate,
      responses: { 200: { description: 'The edited post', schema: PostJson } },
      handler: async (req, res) => {
        const post = await loadPost(req);
        if (!mayChange(currentUser(req), post)) throw forbidden();
        const { body, class_id, title, tags } = req.body as PostUpdateBody;
        let classId: number | null | undefined;
        if (class_id !== undefined) {
          const author = post.authorId === currentUser(req).id ? currentUser(req) : await User.findByPk(post.authorId);
          const chosen = author ? await classForNote(author, class_id) : 'invalid';
          if (chosen === 'invalid') throw badRequest("class_id is not a class the post's author belongs to");
          classId = chosen;
        }
        await updateNote(post, { body, title, tags: tags && normaliseTags(tags), classId });
        res.json(postJson(await withCommentCount(post)));
      },
    },
    {
      method: 'delete',
      path: '/posts/:id',
      tag: 'posts',
      summary: "Delete a post and its comments (its author's or, for administrators, any)",
      responses: { 204: { description: 'Deleted' } },
      handler: async (req, res) => {
        const post = await loadPost(req);
        if (!mayChange(currentUser(req), post)) throw forbidden();
        await Post.sequelize!.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
          await Comment.destroy({ where: { postId: post.id }, transaction });
          await post.destroy({ transaction });
        });
        res.status(204).end();
      },
    },
  ];
}
