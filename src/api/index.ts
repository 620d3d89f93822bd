import { Router } from 'express';
import type { Config } from '../config';
import type { AppDeps } from '../deps';
import { authenticated } from './authentication';
import { classRoutes } from './classes';
import { commentRoutes } from './comments';
import { apiErrorHandler, apiNotFound } from './errors';
import { modelRoutes } from './models';
import { buildDocument, OpenApiDoc, OpenApiDocument } from './openapi';
import { postRoutes } from './posts';
import { ApiRoute, cors, mountRoutes, RouteContext } from './routing';
import { searchRoutes } from './search';
import { tagRoutes } from './tags';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

export interface ApiDeps {
  config: Config;
  deps: AppDeps;
}

// Flasky's api blueprint, mounted at /api/v1 before the session middleware: it
// authenticates every request itself (Basic or Bearer), reads no cookie, needs no CSRF.
//   CORS (off unless CORS_ORIGINS) → route table (tokens, posts, users, comments,
//   openapi.json; each: OPTIONS 204, auth → permission → JSON body → handler, else 405)
//   → 404 JSON for unknown URLs (no auth) → the API's JSON error handler.
// The route table is listed at the top of tokens.ts, posts.ts, users.ts, comments.ts, classes.ts,
// tags.ts, search.ts and models.ts.
//   GET /openapi.json   no auth   the OpenAPI 3.1 document built from the same table
export function createApiRouter({ config, deps }: ApiDeps): Router {
  const router = Router();
  const context: RouteContext = { config, tokens: deps.tokens };
  const routes: ApiRoute[] = [
    ...tokenRoutes(context),
    ...postRoutes(context),
    ...userRoutes(context),
    ...commentRoutes(context),
    ...classRoutes(context),
    ...modelRoutes(context, deps),
    ...tagRoutes(context),
    ...searchRoutes(context, deps.related),
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'documentation',
      summary: 'This API, as an OpenAPI 3.1 document',
      auth: false,
      responses: { 200: { description: 'The OpenAPI document', schema: OpenApiDocument } },
      handler: (_req, res) => {
        res.json(document);
      },
    },
  ];
  const document: OpenApiDoc = buildDocument(routes);

  router.use(cors(config.api.corsOrigins));
  mountRoutes(router, routes, { authenticated: authenticated(config, deps), bodyLimit: config.api.bodyLimit });
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps.log, config.api.bodyLimit));
  return router;
}
