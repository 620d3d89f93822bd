import type { Request, Response } from 'express';
import type { Config } from '../config';
import { noteTitle, plainText } from '../services/notes';
import type { RelatedNotes } from '../services/related';
import { parseQuery, queryTerms, snippet } from '../services/snippets';
import type { Viewer } from '../services/visibility';
import { Pagination, pageParam } from '../web/pagination';
import { viewerOf } from './params';

// /search?q=: notes ranked by similarity to the query (this process's index,
// services/related.ts), with highlighted snippets. A blank query is a friendly empty
// page; a junk one (too long, control characters) is a form error, never a 500.

export function searchHandlers(config: Config, related: RelatedNotes) {
  async function search(req: Request, res: Response) {
    const parsed = parseQuery(req.query.q);
    if (!parsed.ok) return res.render('search.html', { q: '', results: [], errors: { q: [parsed.error] } });
    const q = parsed.q;
    if (!q) return res.render('search.html', { q, search_query: q, results: [], errors: {} });
    const perPage = config.postsPerPage;
    const page = Math.max(1, pageParam(req.query.page));
    const { hits, count } = await related.search(q, viewerOf(req), (page - 1) * perPage, perPage);
    const terms = queryTerms(q);
    const results = hits.map(({ post }) => ({ post, title: noteTitle(post), snippet: snippet(post.body, terms) }));
    res.render('search.html', { q, search_query: q, results, pagination: new Pagination(results, page, perPage, count), errors: {} });
  }

  return { search };
}

/** The post page's "Related notes" (views/_related.html): the closest notes the viewer may read. */
export async function relatedCards(related: RelatedNotes, postId: number, viewer: Viewer, k = 5) {
  const hits = await related.relatedIfReady(postId, viewer, k);
  return hits.map(({ post }) => ({ post, title: noteTitle(post), snippet: plainText(post.body, 160) }));
}
