import { OpenAPIRegistry, OpenApiGeneratorV31, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ApiRoute, openApiPath } from './routing';
import { ErrorJson, IdParams } from './schemas';

// The OpenAPI 3.1 document, generated from the route table and the zod schemas
// that validate requests. The errors every operation can answer are derived from
// what the operation does (authenticates, takes an id, takes a body, lists).

export const OpenApiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .openapi('OpenApiDocument');

export type OpenApiDoc = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const error = (description: string, headers?: ResponseConfig['headers']): ResponseConfig => ({
  description,
  headers,
  content: { 'application/json': { schema: ErrorJson } },
});

const DESCRIPTION = `The mlnotes JSON API, compatible with Flasky's API v1.

Authenticate every request with HTTP Basic: your email and password, or a token as the username and an empty password.
\`Authorization: Bearer <token>\` works too. \`POST /tokens/\` issues a token (only to email + password).
No cookies, sessions or CSRF tokens are used. Failed authentications are rate limited (429).

Lists take \`?page=N\` (as Flasky) or \`?cursor=\` (keyset pagination: start with an empty cursor and follow \`next\`).
Errors are \`{"error": ..., "message": ...}\` JSON.`;

function errorsOf(route: ApiRoute): Record<number, ResponseConfig> {
  const errors: Record<number, ResponseConfig> = {};
  if (route.body || route.query) errors[400] = error(route.body ? 'Malformed JSON or an invalid field (the message names it)' : 'Invalid cursor');
  if (route.auth !== false) {
    errors[401] = error('Invalid or missing credentials', {
      'WWW-Authenticate': { description: 'Basic realm="Authentication Required"', schema: { type: 'string' } },
    });
    errors[403] = error('Unconfirmed account, or insufficient permissions');
    errors[429] = error('Too many failed authentications from this client or for this account', {
      'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
    });
  }
  if (route.path.includes(':id')) errors[404] = error('No such resource (or the id is not an integer)');
  if (route.body) {
    errors[413] = error('Request body over the configured limit');
    errors[415] = error('Content-Type is not application/json');
  }
  for (const [status, description] of Object.entries(route.errors ?? {})) errors[Number(status)] = error(description);
  return errors;
}

function successOf(route: ApiRoute): Record<number, ResponseConfig> {
  const out: Record<number, ResponseConfig> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    out[Number(status)] = {
      description: response.description,
      headers: response.location
        ? { Location: { description: status === '202' ? 'Absolute URL of the job' : 'Absolute URL of the new resource', schema: { type: 'string', format: 'uri' } } }
        : undefined,
      content: response.schema ? { 'application/json': { schema: response.schema } } : undefined,
    };
  }
  return out;
}

export function buildDocument(routes: ApiRoute[]): OpenApiDoc {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'basicAuth', {
    type: 'http',
    scheme: 'basic',
    description: 'Email and password, or a token as the username with an empty password',
  });
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'A token from POST /tokens/' });
  for (const route of routes) {
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      tags: [route.tag],
      summary: route.summary,
      description: route.description,
      security: route.auth === false ? [] : [{ basicAuth: [] }, { bearerAuth: [] }],
      request: {
        params: route.path.includes(':id') ? IdParams : undefined,
        query: route.query,
        body: route.body ? { required: true, content: { 'application/json': { schema: route.body } } } : undefined,
      },
      responses: { ...successOf(route), ...errorsOf(route) },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'mlnotes API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/api/v1' }],
  });
}
