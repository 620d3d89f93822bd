import type { Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Config } from '../config';
import { authenticate } from '../auth/passport';
import type { AppDeps } from '../deps';
import { User } from '../models';
import { HttpError } from '../web/http-error';
import { forbidden, unauthorized } from './errors';

// Flasky's api/authentication.py: HTTP Basic with email + password, or with a
// token as the username and an empty password; plus `Authorization: Bearer`.
// Hand-written because passport-http rejects empty passwords and splits on every ':'.
// No session and no cookie is ever consulted.

export type Credentials = { kind: 'password'; email: string; password: string } | { kind: 'token'; token: string } | { kind: 'invalid' };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Flasky's g.current_user: set by `authenticated` on every API route that needs it. */
      apiUser?: InstanceType<typeof User>;
      /** Flasky's g.token_used: true when the request authenticated with a token. */
      tokenUsed?: boolean;
      apiCredentials?: Credentials | null;
    }
  }
}

/** The credentials of an Authorization header; null when there is none. */
export function readCredentials(header: string | undefined): Credentials | null {
  if (!header) return null;
  const basic = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':'); // only the first ':' separates: passwords may contain more
    if (colon < 0) return { kind: 'invalid' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (!username) return { kind: 'invalid' };
    return password ? { kind: 'password', email: username, password } : { kind: 'token', token: username };
  }
  const bearer = /^Bearer +(\S+)$/i.exec(header.trim());
  if (bearer) return { kind: 'token', token: bearer[1] };
  return { kind: 'invalid' };
}

const credentialsOf = (req: Request) => {
  if (req.apiCredentials === undefined) req.apiCredentials = readCredentials(req.get('authorization'));
  return req.apiCredentials;
};

/**
 * Failed authentications are limited per client and, for email + password, per
 * account (an unknown email counts like a known one). Only failures count: a
 * client that authenticates correctly is never slowed down. Counters are shared
 * between processes when Redis is configured.
 */
function failureLimits(config: Config, deps: Pick<AppDeps, 'rateLimitStore'>): RequestHandler[] {
  const { windowMs, perClient, perAccount } = config.api.rateLimit;
  const store = (name: string) => {
    const shared = deps.rateLimitStore(name);
    return shared ? { store: shared } : {};
  };
  const common: Partial<Options> = {
    windowMs,
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    // The token API needs no Redis: while it is away the counters are skipped
    // (fail open) rather than every API request failing.
    passOnStoreError: true,
    handler: (_req, res, next) => {
      res.set('Retry-After', String(Math.ceil(windowMs / 1000)));
      next(new HttpError(429, 'Too many failed authentication attempts; try again later'));
    },
  };
  return [
    rateLimit({ ...common, ...store('api-client'), limit: perClient, skip: (req) => credentialsOf(req) === null }),
    rateLimit({
      ...common,
      ...store('api-account'),
      limit: perAccount,
      skip: (req) => credentialsOf(req)?.kind !== 'password',
      keyGenerator: (req) => {
        const credentials = credentialsOf(req);
        return `account:${credentials?.kind === 'password' ? credentials.email.trim().toLowerCase() : ''}`;
      },
    }),
  ];
}

/** Flasky's before_request: 401 without valid credentials, 403 for an unconfirmed account. */
export function authenticated(config: Config, deps: Pick<AppDeps, 'tokens' | 'rateLimitStore'>): RequestHandler[] {
  const { tokens } = deps;
  const verify: RequestHandler = async (req, _res, next) => {
    const credentials = credentialsOf(req);
    let user: User | null = null;
    if (credentials?.kind === 'password') user = await authenticate(credentials.email, credentials.password, config.bcryptRounds);
    else if (credentials?.kind === 'token') user = await User.verifyAuthToken(tokens, credentials.token);
    if (!user) throw unauthorized();
    if (!user.confirmed) throw forbidden('Unconfirmed account');
    req.apiUser = user;
    req.tokenUsed = credentials?.kind === 'token';
    next();
  };
  return [...failureLimits(config, deps), verify];
}

/** Flasky's api permission_required: 403 JSON. */
export const requirePermission =
  (perm: number): RequestHandler =>
  (req, _res, next) =>
    next(req.apiUser?.can(perm) ? undefined : forbidden());

/** The authenticated user of a request that went through `authenticated`. */
export function currentUser(req: Request): User {
  if (!req.apiUser) throw unauthorized();
  return req.apiUser;
}
