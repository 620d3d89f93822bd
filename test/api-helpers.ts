import type { Express } from 'express';
import request, { Response } from 'supertest';
import { OpenApiDocument } from '../src/api/openapi';
import { responseSchemas } from '../src/api/schemas';

// A small API client for the tests, in the manner of Flasky's get_api_headers(),
// that records every response so each test file can check them all against the
// OpenAPI document the API serves.

export type Headers = Record<string, string>;

/** Flasky's get_api_headers(username, password): Basic auth + JSON. */
export function basic(username: string, password: string): Headers {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, Accept: 'application/json' };
}

export function bearer(token: string): Headers {
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}

export interface Recorded {
  method: string;
  path: string;
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}

export interface SendOptions {
  headers?: Headers;
  /** An object is sent as JSON; a string is sent as is (set Content-Type in headers). */
  body?: object | string;
}

export class ApiClient {
  readonly records: Recorded[] = [];
  constructor(private readonly app: Express) {}

  async send(method: string, url: string, { headers = {}, body }: SendOptions = {}): Promise<Response> {
    let req = request(this.app)[method.toLowerCase() as 'get'](url).set(headers);
    if (body !== undefined) req = req.send(body as object);
    const res = await req;
    this.records.push({
      method: method.toUpperCase(),
      path: new URL(url, 'http://localhost').pathname,
      status: res.status,
      body: res.body,
      text: res.text ?? '',
      headers: res.headers as Record<string, string>,
    });
    return res;
  }

  get = (url: string, headers?: Headers) => this.send('GET', url, { headers });
  post = (url: string, body?: object | string, headers?: Headers) => this.send('POST', url, { headers, body });
  put = (url: string, body?: object | string, headers?: Headers) => this.send('PUT', url, { headers, body });
  delete = (url: string, headers?: Headers) => this.send('DELETE', url, { headers });
}

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** The document's path template for a request path under /api/v1, if any. */
export function templateFor(doc: OpenApiDoc, path: string): string | undefined {
  const rel = path.replace(/^\/api\/v1/, '');
  return Object.keys(doc.paths).find((template) => {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}/?$`);
    return pattern.test(rel) || pattern.test(`${rel}/`);
  });
}

/**
 * Checks each recorded response against the document: its (method, path
 * template, status) is documented, and its body matches the documented schema
 * (checked with the zod schema the component was generated from). Unknown URLs
 * and wrong methods must be JSON 404 / 405; OPTIONS and HEAD have no body.
 * Returns the problems found (empty when everything conforms).
 */
export function undocumented(records: Recorded[], doc: OpenApiDoc): string[] {
  const problems: string[] = [];
  const errorSchema = responseSchemas.Error;
  for (const r of records) {
    const where = `${r.method} ${r.path} → ${r.status}`;
    const template = templateFor(doc, r.path);
    const op = template ? doc.paths[template][r.method.toLowerCase()] : undefined;
    if (r.method === 'OPTIONS' || r.method === 'HEAD') {
      if (![200, 204, 404].includes(r.status) || (r.status === 204 && r.text)) problems.push(`${where}: unexpected`);
      continue;
    }
    if (!op) {
      const expected = template ? 405 : 404;
      if (r.status !== expected || !errorSchema.safeParse(r.body).success) problems.push(`${where}: not in the document`);
      continue;
    }
    const documented = op.responses[String(r.status)];
    if (!documented) {
      problems.push(`${where}: status not documented for ${template}`);
      continue;
    }
    const ref = documented.content?.['application/json']?.schema?.$ref;
    if (!ref) {
      if (r.text) problems.push(`${where}: documented without a body, got one`);
      continue;
    }
    const schema = { ...responseSchemas, OpenApiDocument }[ref.replace('#/components/schemas/', '')];
    if (!schema) {
      problems.push(`${where}: no schema for ${ref}`);
      continue;
    }
    const result = schema.safeParse(r.body);
    if (!result.success) problems.push(`${where}: body does not match ${ref}: ${result.error.issues[0].message} at ${result.error.issues[0].path.join('.')}`);
  }
  return problems;
}
