import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Config } from '../config';
import type { Tokens } from '../services/tokens';
import { HttpError } from '../web/http-error';
import { requirePermission } from './authentication';
import { jsonBody, validateBody } from './body';
import { notFound } from './errors';
import { IdParams } from './schemas';

// The API's route table. One entry per operation drives both the Express routes
// and the OpenAPI document, so the document cannot drift from what is served.

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface ApiResponse {
  description: string;
  schema?: z.ZodType;
  /** 201s carry the new resource's absolute URL (202s: the job's). */
  location?: boolean;
}

export interface ApiRoute {
  method: Method;
  /** Express path under /api/v1, e.g. /posts/:id */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** false: no credentials needed (the OpenAPI document). Default true. */
  auth?: boolean;
  permission?: number;
  /** JSON request body, validated before the handler runs. */
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Run after authentication and the permission check, before the body is read (e.g. a per-user rate limit). */
  before?: RequestHandler[];
  responses: Partial<Record<200 | 201 | 202 | 204, ApiResponse>>;
  /** Errors beyond those derived from what the route does, for the document: status → description. */
  errors?: Record<number, string>;
  handler: (req: Request, res: Response) => Promise<unknown> | unknown;
}

/** What the resource modules' route factories are given. */
export interface RouteContext {
  config: Config;
  tokens: Tokens;
}

/** 201 with an absolute Location, as Flasky's tests expect ('http://localhost' + json['url']). */
export function sendCreated(config: Config, req: Request, res: Response, body: { url: string }): void {
  const origin = config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
  res.status(201).location(`${origin}${body.url}`).json(body);
}

export interface MountOptions {
  authenticated: RequestHandler[];
  bodyLimit: string;
}

/** Express path → OpenAPI path template: /posts/:id → /posts/{id} */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The methods a path answers, as an Allow header. */
export function allowHeader(routes: ApiRoute[]): string {
  const methods = routes.flatMap((r) => (r.method === 'get' ? ['GET', 'HEAD'] : [r.method.toUpperCase()]));
  return [...methods, 'OPTIONS'].join(', ');
}

export function mountRoutes(router: Router, routes: ApiRoute[], options: MountOptions): void {
  // Flask's <int:id>: a path whose id is not an integer is not an API URL (404 before auth).
  router.param('id', (_req, _res, next, value) => next(IdParams.shape.id.safeParse(value).success ? undefined : notFound()));

  const byPath = new Map<string, ApiRoute[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  for (const [path, group] of byPath) {
    const allow = allowHeader(group);
    const route = router.route(path);
    route.options(answerOptions(allow));
    for (const op of group) route[op.method](...chain(op, options));
    route.all((req, res, next) => {
      res.set('Allow', allow);
      next(new HttpError(405, `${req.method} is not allowed on this URL`));
    });
  }
}

function chain(op: ApiRoute, { authenticated, bodyLimit }: MountOptions): RequestHandler[] {
  const handlers: RequestHandler[] = op.auth === false ? [] : [...authenticated];
  if (op.permission) handlers.push(requirePermission(op.permission));
  if (op.before) handlers.push(...op.before);
  if (op.body) handlers.push(...jsonBody(bodyLimit), validateBody(op.body));
  handlers.push(async (req, res) => {
    await op.handler(req, res);
  });
  return handlers;
}

/** OPTIONS (and CORS preflight) on a known URL: 204 with Allow, no authentication. */
function answerOptions(allow: string): RequestHandler {
  return (req, res) => {
    res.set('Allow', allow);
    if (res.locals.corsAllowed && req.get('access-control-request-method')) {
      res.set({
        'Access-Control-Allow-Methods': allow,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
    }
    res.status(204).end();
  };
}

/**
 * CORS, off unless origins are configured. The API authenticates with headers,
 * never cookies, so credentials are not allowed and '*' is safe to offer.
 */
export function cors(origins: string[]): RequestHandler {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (origins.length === 0) return next();
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin && (anyOrigin || allowed.has(origin))) {
      res.set({
        'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
        'Access-Control-Expose-Headers': 'Location, WWW-Authenticate, Retry-After',
      });
      res.locals.corsAllowed = true;
    }
    next();
  };
}
