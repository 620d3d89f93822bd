import type { RequestHandler } from 'express';
import { forbidden } from './http-error';

// Flasky's decorators.py for pages: login_required, permission_required, admin_required.

export const loginRequired: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  req.flash('Please log in to access this page.');
  res.redirect(`/auth/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Checked after login, so anonymous users get the login redirect, not a 403. */
export const requirePermission =
  (perm: number): RequestHandler =>
  (req, res, next) =>
    loginRequired(req, res, () => (req.user!.can(perm) ? next() : next(forbidden())));

export const requireAdmin = requirePermission(16);

/** Pages only for visitors who are not logged in (password reset). */
export const anonymousOnly: RequestHandler = (req, res, next) => (req.user ? res.redirect('/') : next());

/** Flasky's before_app_request: a logged-in, unconfirmed user sees only /auth pages until confirmed. */
export const confirmedOnly: RequestHandler = (req, res, next) => {
  if (req.user && !req.user.confirmed) return res.redirect('/auth/unconfirmed');
  next();
};

/** Flask-Login's fresh_login_required: a login restored by remember-me must re-enter the password first. */
export const freshLoginRequired: RequestHandler = (req, res, next) =>
  loginRequired(req, res, () => {
    if (req.session._fresh === true) return next();
    req.flash('Please reauthenticate to access this page.');
    res.redirect(`/auth/login?next=${encodeURIComponent(req.originalUrl)}`);
  });
