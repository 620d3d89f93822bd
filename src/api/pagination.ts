import type { Request } from 'express';
import { Op, WhereOptions } from 'sequelize';
import { Comment, Post } from '../models';
import { listPosts, PostFilter, PostItem } from '../services/posts';
import { badRequest } from './errors';
import { ListQuery } from './schemas';

// Flasky's paginated lists, in two forms:
// - `?page=N` as upstream: `prev`/`next` are built from the request's page value
//   (a page past the end still has `prev`), junk pages are page 1, `count` is the total.
// - `?cursor=` keyset pagination: an opaque base64url (timestamp, id) of the last item
//   seen, so the cost of a page does not grow with its depth. `next` carries the
//   following cursor; `prev` is null (walk back by keeping the cursors you were given).

export interface ListPage<T> {
  items: T[];
  prev: string | null;
  next: string | null;
  count: number;
}

type Listed = typeof Post | typeof Comment;
type Row<M extends Listed> = InstanceType<M>;

interface ListSpec {
  where: WhereOptions;
  direction: 'ASC' | 'DESC';
  perPage: number;
  /** The list's canonical path, e.g. /api/v1/posts/1/comments/ */
  path: string;
}

/** `?page=` as Flask's `request.args.get('page', 1, type=int)`, with pages below 1 as 1. */
export function pageNumber(value: unknown): number {
  return typeof value === 'string' && /^\s*\+?\d{1,9}\s*$/.test(value) ? Math.max(1, Number(value)) : 1;
}

export function encodeCursor(row: { timestamp: Date; id: number }): string {
  return Buffer.from(JSON.stringify([new Date(row.timestamp).getTime(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { timestamp: Date; id: number } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [ms, id] = value as unknown[];
    if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(id) || Math.abs(ms as number) > 8.64e15) return null;
    return { timestamp: new Date(ms as number), id: id as number };
  } catch {
    return null;
  }
}

/** One page of a list ordered by (timestamp, id), in the form the request asks for. */
export async function listPage<M extends Listed>(model: M, req: Request, spec: ListSpec): Promise<ListPage<Row<M>>> {
  const { direction, perPage, path } = spec;
  const order: [string, string][] = [
    ['timestamp', direction],
    ['id', direction],
  ];
  const finder = model as unknown as typeof Post;
  const count = await finder.count({ where: spec.where });

  if (req.query.cursor !== undefined) {
    const after = cursorOf(req);
    const where = after ? { [Op.and]: [spec.where, keyset(direction, after)] } : spec.where;
    const rows = (await finder.findAll({ where, order, limit: perPage + 1 })) as Row<M>[];
    const items = rows.slice(0, perPage);
    const next = rows.length > perPage ? `${path}?cursor=${encodeCursor(items[items.length - 1])}` : null;
    return { items, prev: null, next, count };
  }

  const page = pageNumber(req.query.page);
  const items = (await finder.findAll({ where: spec.where, order, limit: perPage, offset: (page - 1) * perPage })) as Row<M>[];
  return {
    items,
    prev: page > 1 ? `${path}?page=${page - 1}` : null,
    next: page < Math.ceil(count / perPage) ? `${path}?page=${page + 1}` : null,
    count,
  };
}

/** The boundary `?cursor=` names (null: from the start); 400 for a junk cursor. */
function cursorOf(req: Request): { timestamp: Date; id: number } | null {
  const raw = ListQuery.shape.cursor.safeParse(req.query.cursor);
  const after = raw.success && raw.data ? decodeCursor(raw.data) : null;
  if (!raw.success || (raw.data && !after)) throw badRequest('invalid cursor');
  return after;
}

/** Rows strictly after (timestamp, id) in the list's order: uses the (timestamp, id) indexes. */
function keyset(direction: 'ASC' | 'DESC', after: { timestamp: Date; id: number }): WhereOptions {
  const beyond = direction === 'DESC' ? Op.lt : Op.gt;
  return {
    [Op.or]: [{ timestamp: { [beyond]: after.timestamp } }, { timestamp: after.timestamp, id: { [beyond]: after.id } }],
  };
}

/**
 * A page of posts with their comment counts and tags, in either form. Read with
 * the listings' SQL (services/posts.ts) into plain objects: the total from the
 * kept count, no model instances.
 */
export async function postPage(req: Request, filter: PostFilter, spec: { perPage: number; path: string }): Promise<ListPage<PostItem>> {
  const { perPage, path } = spec;
  if (req.query.cursor !== undefined) {
    const after = cursorOf(req);
    const { items: rows, total } = await listPosts(filter, { limit: perPage + 1, after: after ?? undefined });
    const items = rows.slice(0, perPage);
    const next = rows.length > perPage ? `${path}?cursor=${encodeCursor(items[items.length - 1])}` : null;
    return { items, prev: null, next, count: total };
  }
  const page = pageNumber(req.query.page);
  const { items, total } = await listPosts(filter, { limit: perPage, offset: (page - 1) * perPage });
  return {
    items,
    prev: page > 1 ? `${path}?page=${page - 1}` : null,
    next: page < Math.ceil(total / perPage) ? `${path}?page=${page + 1}` : null,
    count: total,
  };
}
