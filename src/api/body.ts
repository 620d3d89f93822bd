import express, { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from '../web/http-error';
import { badRequest } from './errors';

// JSON request bodies: parsed only after authentication (as Flasky reads
// request.json inside the view), limited in size, then validated by the same zod
// schema the OpenAPI document shows. The handler sees only the fields it names.

const JSON_TYPES = ['application/json', 'application/*+json'];

export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const type = req.is(JSON_TYPES);
    const empty = type === null || (req.get('content-length') === '0' && !req.get('content-type'));
    if (empty) return next(badRequest('request body must be a JSON object'));
    if (type === false) return next(new HttpError(415, 'Content-Type must be application/json'));
    next();
  };
  return [requireJson, express.json({ limit, type: JSON_TYPES, strict: true })];
}

/** The first problem of a failed validation, naming the field. */
export function describeIssues(issues: z.core.$ZodIssue[]): string {
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    return `unknown or read-only field${unknown.keys.length > 1 ? 's' : ''}: ${unknown.keys.join(', ')}`;
  }
  const first = issues[0];
  if (!first || first.path.length === 0) return 'request body must be a JSON object';
  return first.message;
}

export function validateBody(schema: z.ZodType): RequestHandler {
  return (req, _res, next) => {
    const result = schema.safeParse(req.body);
    if (!result.success) return next(badRequest(describeIssues(result.error.issues)));
    req.body = result.data;
    next();
  };
}
