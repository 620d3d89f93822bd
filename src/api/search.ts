import type { Request } from 'express';
import type { Hit, RelatedNotes } from '../services/related';
import { decodeSearchCursor, encodeSearchCursor, parseQuery, queryTerms, snippet, snippetHtml } from '../services/snippets';
import { currentUser } from './authentication';
import { badRequest } from './errors';
import { loadPost } from './posts';
import { ApiRoute, RouteContext } from './routing';
import { RelatedPosts, RelatedQuery, SearchPage, SearchQuery } from './schemas';
import { postJson } from './serializers';

// Related notes and search (not in upstream Flasky), answered by this process's index
// (services/related.ts). A private class's notes are never returned to outsiders.
//   GET /posts/:id/related?k=5   auth   related   the k (1–20) notes most like this one; 404 if you cannot see it
//   GET /search?q=&cursor=       auth   search    notes ranked by similarity to q; the cursor carries q

const scored = (hit: Hit) => ({ ...postJson(hit.post), score: Math.round(hit.score * 1e4) / 1e4 });

/** `?k=` as an integer from 1 to 20 (default 5); anything else is a 400. */
function kParam(value: unknown): number {
  if (value === undefined) return 5;
  const k = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!(k >= 1 && k <= 20)) throw badRequest('k must be an integer from 1 to 20');
  return k;
}

/** The query and offset: from the cursor when one is given (it must agree with q), else from q. */
function searchParams(req: Request): { q: string; offset: number } {
  const { cursor } = req.query;
  const parsed = parseQuery(req.query.q);
  if (!parsed.ok) throw badRequest(parsed.error);
  if (cursor === undefined || cursor === '') return { q: parsed.q, offset: 0 };
  const at = typeof cursor === 'string' && cursor.length <= 2_000 ? decodeSearchCursor(cursor) : null;
  if (!at) throw badRequest('invalid cursor');
  if (req.query.q !== undefined && parsed.q !== at.q) throw badRequest('the cursor belongs to another query');
  return at;
}

export function searchRoutes({ config }: RouteContext, related: RelatedNotes): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/posts/:id/related',
      tag: 'posts',
      summary: 'Notes related to this one, most similar first',
      description: 'Cosine similarity of hashed TF-IDF vectors of title, tags and text, found through an LSH index.',
      query: RelatedQuery,
      responses: { 200: { description: 'Up to k notes you may read', schema: RelatedPosts } },
      handler: async (req, res) => {
        const k = kParam(req.query.k);
        const post = await loadPost(req);
        const hits = await related.related(post.id, currentUser(req), k);
        res.json({ posts: hits.map(scored), count: hits.length });
      },
    },
    {
      method: 'get',
      path: '/search',
      tag: 'posts',
      summary: 'Search notes',
      description: 'Notes ranked by cosine similarity to the query, with highlighted snippets. An empty query finds nothing.',
      query: SearchQuery,
      responses: { 200: { description: `A page of results (${config.postsPerPage} per page)`, schema: SearchPage } },
      handler: async (req, res) => {
        const { q, offset } = searchParams(req);
        const perPage = config.postsPerPage;
        if (!q) return res.json({ posts: [], prev: null, next: null, count: 0 });
        const { hits, count } = await related.search(q, currentUser(req), offset, perPage);
        const terms = queryTerms(q);
        res.json({
          posts: hits.map((hit) => ({ ...scored(hit), snippet_html: snippetHtml(snippet(hit.post.body, terms)) })),
          prev: offset > 0 ? `/api/v1/search?cursor=${encodeSearchCursor(q, Math.max(0, offset - perPage))}` : null,
          next: offset + perPage < count ? `/api/v1/search?cursor=${encodeSearchCursor(q, offset + perPage)}` : null,
          count,
        });
      },
    },
  ];
}
