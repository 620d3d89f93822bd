import crypto from 'node:crypto';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { RememberToken, User } from '../models';

// Flask-Login's session handling, done as ../shared/spec/port-decisions.md asks:
// 'strong' session protection, idle and absolute timeouts, fresh logins, and
// server-stored, revocable remember-me tokens.

export const REMEMBER_COOKIE = 'remember_token';
const ACTIVITY_RESOLUTION_MS = 60_000;

/** sha512 of "<client ip>|<User-Agent>"; req.ip honours TRUST_PROXY, never a raw X-Forwarded-For. */
export function clientIdentifier(req: Request): string {
  const ip = (req.ip ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return crypto.createHash('sha512').update(`${ip}|${req.get('user-agent') ?? ''}`).digest('hex');
}

const promisify =
  (fn: (cb: (err?: unknown) => void) => void) =>
  () =>
    new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

export function createLoginSessions(config: Config, log: Logger) {
  const rememberCookie: CookieOptions = {
    httpOnly: true,
    path: '/',
    maxAge: config.session.rememberDays * 86_400_000,
    sameSite: 'lax',
    secure: config.session.secureCookies,
  };

  /** Drops the login: a new, empty server session replaces (and destroys) the old one. */
  async function endLogin(req: Request): Promise<void> {
    await promisify((cb) => req.session.regenerate(cb))();
    req.user = undefined;
  }

  /** Logs a user in: new session id (Passport regenerates it), identifier bound, freshness recorded. */
  async function logIn(req: Request, res: Response, user: User, opts: { remember: boolean; fresh: boolean }) {
    await promisify((cb) => req.login(user, cb))();
    const now = Date.now();
    Object.assign(req.session, { _id: clientIdentifier(req), _fresh: opts.fresh, loginAt: now, lastActive: now });
    if (opts.remember) res.cookie(REMEMBER_COOKIE, await RememberToken.issue(user.id, config.session.rememberDays), rememberCookie);
  }

  /** Revokes the remember token this browser presents (server side) and deletes its cookie. */
  async function forgetBrowser(req: Request, res: Response): Promise<void> {
    const token = await RememberToken.findValid(req.cookies?.[REMEMBER_COOKIE]);
    await token?.destroy();
    res.clearCookie(REMEMBER_COOKIE, { path: '/' });
  }

  /** Logs out: revokes this browser's remember token and destroys the server session. */
  async function logOut(req: Request, res: Response): Promise<void> {
    await forgetBrowser(req, res);
    await promisify((cb) => req.logout(cb))();
  }

  /** After Passport has loaded req.user: timeouts, then the identifier check. */
  const protect: RequestHandler = async (req, res, next) => {
    if (!req.user) return next();
    const s = req.session;
    const now = Date.now();
    const expired =
      (s.loginAt !== undefined && now - s.loginAt > config.session.absoluteTimeoutMs) ||
      (s.lastActive !== undefined && now - s.lastActive > config.session.idleTimeoutMs);
    if (expired) {
      await endLogin(req);
      return next();
    }
    if (config.sessionProtection !== 'off' && s._id !== clientIdentifier(req)) {
      if (config.sessionProtection === 'basic') {
        s._fresh = false;
      } else {
        log.warn({ event: 'session_protection', userId: req.user.id, ip: req.ip }, 'session protection: login dropped');
        await endLogin(req);
        req.sessionProtectionFailed = true;
        // The remember cookie travelled with the stolen session: revoked too, or
        // the thief (who keeps its value) would simply log in again with it.
        await forgetBrowser(req, res);
        return next();
      }
    }
    if (s.lastActive === undefined || now - s.lastActive > ACTIVITY_RESOLUTION_MS) s.lastActive = now;
    next();
  };

  /** When there is no login but a remember-me cookie: log in again (not fresh) and rotate the token. */
  const remember: RequestHandler = async (req, res, next) => {
    const value = req.cookies?.[REMEMBER_COOKIE];
    if (req.user || req.sessionProtectionFailed || !value) return next();
    const token = await RememberToken.findValid(value);
    const user = token && (await User.findWithRole(token.userId));
    if (!token || !user) {
      res.clearCookie(REMEMBER_COOKIE, { path: '/' });
      return next();
    }
    await token.destroy();
    await logIn(req, res, user, { remember: true, fresh: false });
    next();
  };

  /** Fresh login required (Flask-Login's fresh_login_required): re-authenticate after a remember-me restore. */
  const isFresh = (req: Request) => req.session._fresh === true;

  return { logIn, logOut, protect, remember, isFresh };
}

export type LoginSessions = ReturnType<typeof createLoginSessions>;

