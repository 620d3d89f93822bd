import { findTagId, normaliseTag, visibleTagCounts } from '../services/notes';
import { currentUser } from './authentication';
import { pageNumber, postPage } from './pagination';
import { ApiRoute, RouteContext } from './routing';
import { ListQuery, PageQuery, PostPage, TagPage } from './schemas';
import { postJson, tagJson, urls } from './serializers';

// Tags (not in upstream Flasky). Only notes the reader may see are counted or listed.
//   GET /tags/              auth   listTags   tags with their visible note counts, most used first (?page=)
//   GET /tags/:name/posts/  auth   tagPosts   visible notes with the tag, newest first (?page= or ?cursor=);
//                                             an unknown tag is an empty list, like a tag on hidden notes only

const TAGS_PER_PAGE = 50;

export function tagRoutes({ config }: RouteContext): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/tags/',
      tag: 'tags',
      summary: 'Tags with the number of notes you may read',
      query: PageQuery,
      responses: { 200: { description: `A page of tags (${TAGS_PER_PAGE} per page)`, schema: TagPage } },
      handler: async (req, res) => {
        const page = pageNumber(req.query.page);
        const { tags, total } = await visibleTagCounts(currentUser(req), (page - 1) * TAGS_PER_PAGE, TAGS_PER_PAGE);
        res.json({
          tags: tags.map((t) => tagJson(t.name, t.count)),
          prev: page > 1 ? `/api/v1/tags/?page=${page - 1}` : null,
          next: page < Math.ceil(total / TAGS_PER_PAGE) ? `/api/v1/tags/?page=${page + 1}` : null,
          count: total,
        });
      },
    },
    {
      method: 'get',
      path: '/tags/:name/posts/',
      tag: 'tags',
      summary: 'Notes with a tag, newest first',
      description: 'The name is normalised as tags are (`Deep Learning` finds `deep-learning`); URL-encode names in other scripts.',
      query: ListQuery,
      responses: { 200: { description: `A page of posts (${config.postsPerPage} per page)`, schema: PostPage } },
      handler: async (req, res) => {
        const name = normaliseTag(String(req.params.name)) ?? String(req.params.name);
        // An unknown tag lists nothing: no tag has id 0.
        const page = await postPage(req, { tagId: (await findTagId(name)) ?? 0, viewer: currentUser(req) }, { perPage: config.postsPerPage, path: urls.tagPosts(name) });
        res.json({ posts: page.items.map(postJson), prev: page.prev, next: page.next, count: page.count });
      },
    },
  ];
}
