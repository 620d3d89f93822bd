import type { Request } from 'express';
import { Transaction } from 'sequelize';
import { Comment, Permission, Post, User } from '../models';
import { currentUser } from './authentication';
import { forbidden, notFound } from './errors';
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

export async function loadPost(req: Request): Promise<Post> {
  const post = await Post.findByPk(Number(req.params.id));
  if (!post) throw notFound();
  return post;
}

async function withCommentCount(post: Post): Promise<Post> {
  post.commentCount = await Comment.count({ where: { postId: post.id } });
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
        const page = await postPage(req, { where: {}, direction: 'DESC', perPage: config.postsPerPage, path: '/api/v1/posts/' });
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
        const { body } = req.body as PostCreateBody;
        const post = await Post.create({ body, authorId: currentUser(req).id });
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
        const { body } = req.body as PostUpdateBody;
        if (body !== undefined) await post.update({ body });
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
