import type { Request, Response } from 'express';
import type { Config } from '../config';
import { findTagId, normaliseTag } from '../services/notes';
import { pagePosts } from '../services/posts';
import { notFound } from '../web/http-error';
import { Pagination, pageParam } from '../web/pagination';
import { viewerOf } from './params';

// A tag's page: the notes with that tag the visitor may read, newest first.
// `/tag/Deep%20Learning` redirects to the normalised `/tag/deep-learning`; a tag on
// no visible note is an empty page, exactly like a tag that does not exist.

export const tagUrl = (name: string) => `/tag/${encodeURIComponent(name)}`;

export function tagHandlers(config: Config) {
  async function tagPage(req: Request, res: Response) {
    const given = String(req.params.name);
    const name = normaliseTag(given);
    if (!name) throw notFound();
    if (name !== given) return res.redirect(301, tagUrl(name));
    const tagId = await findTagId(name);
    const page = pageParam(req.query.page);
    const pagination = tagId
      ? await pagePosts({ tagId, viewer: viewerOf(req) }, page, config.postsPerPage)
      : new Pagination([], 1, config.postsPerPage, 0);
    res.render('tag.html', { tag: name, posts: pagination.items, pagination });
  }

  return { tagPage };
}
