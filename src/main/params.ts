import type { Request } from 'express';
import { AnonymousUser } from '../models';
import type { Viewer } from '../services/visibility';
import { notFound } from '../web/http-error';

/** `<int:id>` as Flask matches it: digits only, else 404. */
export function parseId(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw notFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}

/** Whoever is looking: the logged-in user or an anonymous visitor. */
export function viewerOf(req: Request): Viewer {
  return req.user ?? new AnonymousUser();
}
