import { literal, Op, WhereOptions } from 'sequelize';
import { Comment, Post, StudyClass, User } from '../models';
import { Pagination, resolvePage } from '../web/pagination';

// The post listings the pages show: newest first, with authors and comment counts.

/** Posts by the users `userId` follows (itself included, through the self-follow). */
export function followedBy(userId: number): WhereOptions<Post> {
  return { authorId: { [Op.in]: literal(`(SELECT followed_id FROM follows WHERE follower_id = ${Number(userId)})`) } };
}

/** Sets `commentCount` on each post with one grouped query. */
export async function withCommentCounts(posts: Post[]): Promise<Post[]> {
  if (posts.length === 0) return posts;
  const rows = (await Comment.count({
    where: { postId: posts.map((p) => p.id) },
    group: ['postId'],
  })) as unknown as { postId: number; count: number }[];
  const counts = new Map(rows.map((r) => [r.postId, Number(r.count)]));
  for (const post of posts) post.commentCount = counts.get(post.id) ?? 0;
  return posts;
}

export async function pagePosts(where: WhereOptions<Post>, page: number, perPage: number): Promise<Pagination<Post>> {
  const total = await Post.count({ where });
  const at = resolvePage(page, perPage, total);
  const posts = await Post.findAll({
    where,
    include: [
      { model: User, as: 'author' },
      { model: StudyClass, as: 'studyClass', attributes: ['id', 'name', 'slug', 'visibility'] },
    ],
    order: [
      ['timestamp', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: perPage,
    offset: at.offset,
  });
  return new Pagination(await withCommentCounts(posts), at.page, perPage, total);
}
