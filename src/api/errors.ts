import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BaseError as SequelizeError, ConnectionError, TimeoutError } from 'sequelize';
import { HttpError } from '../web/http-error';

// Flasky's api/errors.py: every API error is `{"error": <name>, "message": ...}`
// JSON (404 is `{"error": "not found"}` alone, as upstream). Never HTML, never a stack.

const NAMES: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  413: 'payload too large',
  415: 'unsupported media type',
  429: 'too many requests',
  500: 'internal server error',
  503: 'service unavailable',
};

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = () => new HttpError(401, 'Invalid credentials');
export const forbidden = (message = 'Insufficient permissions') => new HttpError(403, message);
export const notFound = () => new HttpError(404);

/** Unknown URLs under /api/v1: 404 JSON, before any authentication (as Flask's routing). */
export const apiNotFound: RequestHandler = (_req, _res, next) => next(notFound());

// body-parser's error types, mapped to what the client did wrong.
const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'malformed JSON'],
  'entity.verify.failed': [400, 'malformed JSON'],
  'request.aborted': [400, 'request aborted'],
  'request.size.invalid': [400, 'request size did not match Content-Length'],
  'charset.unsupported': [415, 'unsupported charset'],
  'encoding.unsupported': [415, 'unsupported content encoding'],
};

function describe(err: unknown, bodyLimit: string): { status: number; message?: string } {
  if (err instanceof HttpError) {
    const message = err.message !== String(err.status) ? err.message : undefined;
    return { status: err.status, message: err.status === 404 ? undefined : message };
  }
  const e = err as { type?: string; status?: number } | undefined;
  if (e?.type === 'entity.too.large') return { status: 413, message: `request body is larger than ${bodyLimit}` };
  if (e?.type && BODY_ERRORS[e.type]) {
    const [status, message] = BODY_ERRORS[e.type];
    return { status, message };
  }
  if (err instanceof ConnectionError || err instanceof TimeoutError) return { status: 503, message: 'database unavailable' };
  if (err instanceof SequelizeError && /SQLITE_BUSY|database is locked/.test(String(err.message))) {
    return { status: 503, message: 'database busy, try again' };
  }
  const status = Number(e?.status);
  return { status: status >= 400 && status < 500 ? status : 500 };
}

export function apiErrorHandler(log: Logger, bodyLimit: string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, message } = describe(err, bodyLimit);
    if (status >= 500) log.error({ err, url: req.originalUrl }, 'api request failed');
    if (res.headersSent) return res.end();
    if (status === 401) res.set('WWW-Authenticate', 'Basic realm="Authentication Required"');
    if (status === 503) res.set('Retry-After', '1');
    const error = NAMES[status] ?? 'error';
    res.status(status).json(message ? { error, message } : { error });
  };
}
