import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AnonymousUser, Permission } from '../models';
import { isUnavailable } from './availability';
import { HttpError } from './http-error';

const NAMES: Record<number, string> = {
  400: 'bad request',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  413: 'payload too large',
  429: 'too many requests',
  500: 'internal server error',
  503: 'service unavailable',
};
const PAGES = new Set([403, 404, 500, 503]);

/** Flasky's content negotiation: JSON only when the client accepts JSON and not HTML. */
export const prefersJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

export const pageNotFound: RequestHandler = (_req, _res, next) => next(new HttpError(404));

/** The HTML surface's one error handler: 403/404/500 pages, or JSON when preferred. Never a stack trace. */
export function htmlErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const raw = Number(err?.status ?? err?.statusCode);
    const status = isUnavailable(err) ? 503 : raw >= 400 && raw < 600 ? raw : 500;
    if (status >= 500) log.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return res.end();
    const name = NAMES[status] ?? 'error';
    const given = status < 500 && typeof err?.message === 'string' ? err.message : undefined;
    const message = given && given !== String(status) ? given : undefined;
    res.status(status);
    // The error may come before the template context was set up (a body too large, say).
    res.locals.current_user ??= new AnonymousUser();
    res.locals.Permission ??= Permission;
    res.locals.csrf_token ??= () => '';
    res.locals.get_flashed_messages ??= () => [];
    if (prefersJson(req)) return res.json(message ? { error: name, message } : { error: name });
    // A page that fails to render must not fall through to Express's default handler, which prints the stack.
    res.render(PAGES.has(status) ? `${status}.html` : 'error.html', { status, name, message }, (renderErr: unknown, html: string) => {
      if (!renderErr) return res.send(html);
      log.error({ err: renderErr, url: req.originalUrl }, 'error page failed to render');
      res.type('text/plain').send(`${status} ${name}`);
    });
  };
}
