import type { Request } from 'express';
import { Post, User } from '../models';
import { and, visiblePosts } from '../services/visibility';
import { currentUser } from './authentication';
import { notFound } from './errors';
import { postPage } from './pagination';
import type { ApiRoute, RouteContext } from './routing';
import { ListQuery, PostPage, UserJson } from './schemas';
import { postJson, urls, userJson } from './serializers';

// Flasky's api/users.py:
//   GET /users/:id             auth   getUser
//   GET /users/:id/posts/      auth   userPosts   newest first
//   GET /users/:id/timeline/   auth   timeline    posts of followed users (own included), newest first

async function loadUser(req: Request): Promise<User> {
  const user = await User.findByPk(Number(req.params.id));
  if (!user) throw notFound();
  return user;
}

export function userRoutes({ config }: RouteContext): ApiRoute[] {
  const perPage = config.postsPerPage;
  return [
    {
      method: 'get',
      path: '/users/:id',
      tag: 'users',
      summary: 'One user',
      responses: { 200: { description: 'The user (no email, role or confirmation state)', schema: UserJson } },
      handler: async (req, res) => {
        const user = await loadUser(req);
        res.json(userJson(user, await Post.count({ where: and({ authorId: user.id }, await visiblePosts(currentUser(req))) })));
      },
    },
    {
      method: 'get',
      path: '/users/:id/posts/',
      tag: 'users',
      summary: "A user's posts, newest first",
      query: ListQuery,
      responses: { 200: { description: 'A page of posts', schema: PostPage } },
      handler: async (req, res) => {
        const user = await loadUser(req);
        const page = await postPage(req, { authorId: user.id, viewer: currentUser(req) }, { perPage, path: urls.userPosts(user.id) });
        res.json({ posts: page.items.map(postJson), prev: page.prev, next: page.next, count: page.count });
      },
    },
    {
      method: 'get',
      path: '/users/:id/timeline/',
      tag: 'users',
      summary: 'Posts of the users a user follows (its own included), newest first',
      query: ListQuery,
      responses: { 200: { description: 'A page of posts', schema: PostPage } },
      handler: async (req, res) => {
        const user = await loadUser(req);
        const page = await postPage(req, { followedBy: user.id, viewer: currentUser(req) }, { perPage, path: urls.timeline(user.id) });
        res.json({ posts: page.items.map(postJson), prev: page.prev, next: page.next, count: page.count });
      },
    },
  ];
}
