import { Request, RequestHandler, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { UniqueConstraintError } from 'sequelize';
import type { Config } from '../config';
import type { AppDeps } from '../deps';
import { RememberToken, User } from '../models';
import type { Mailer } from '../services/mailer';
import type { Tokens } from '../services/tokens';
import { FieldErrors, parseForm, safeNext } from '../web/forms';
import { anonymousOnly, loginRequired } from '../web/guards';
import type { LoginSessions } from '../web/login-session';
import * as forms from './forms';
import type { PassportInstance } from './passport';

export interface AuthDeps {
  config: Config;
  passport: PassportInstance;
  sessions: LoginSessions;
  mailer: Mailer;
  tokens: Tokens;
  /** Ends a user's sessions in whichever store holds them (database or Redis). */
  endSessionsOf: AppDeps['endSessionsOf'];
  /** Counters shared by every process (Redis), or undefined for this process's memory. */
  rateLimitStore: AppDeps['rateLimitStore'];
}

// Flasky's auth blueprint, mounted at /auth:
//   GET  /login                   loginPage
//   POST /login                   loginLimits           login
//   GET  /logout                  loginRequired         logoutPage (a form: logout is a POST)
//   POST /logout                  loginRequired         logout
//   GET  /register                                      registerPage
//   POST /register                                      register
//   GET  /confirm/:token          loginRequired         confirm
//   GET  /confirm                 loginRequired         resendConfirmation
//   GET  /unconfirmed                                   unconfirmed
//   GET  /change-password         loginRequired         changePasswordPage
//   POST /change-password         loginRequired         changePassword
//   GET  /reset                   anonymousOnly         resetRequestPage
//   POST /reset                   anonymousOnly         resetRequest
//   GET  /reset/:token            anonymousOnly         resetPage
//   POST /reset/:token            anonymousOnly         reset
//   GET  /change_email            loginRequired         changeEmailPage
//   POST /change_email            loginRequired         changeEmailRequest
//   GET  /change_email/:token     loginRequired         changeEmail
export function createAuthRouter(deps: AuthDeps): Router {
  const { config, passport, sessions, mailer, tokens, endSessionsOf, rateLimitStore } = deps;
  const router = Router();

  const form = (res: Response, view: string, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200) =>
    res.status(status).render(view, { form: values, errors });

  const externalUrl = (req: Request, path: string) => `${config.baseUrl ?? `${req.protocol}://${req.get('host')}`}${path}`;

  async function sendConfirmation(req: Request, user: User) {
    const token = user.generateConfirmationToken(tokens);
    await mailer.sendEmail(user.email, 'Confirm Your Account', 'auth/email/confirm', {
      user,
      url: externalUrl(req, `/auth/confirm/${token}`),
    });
  }

  // Failed logins are limited per client and per account, and a limited unknown
  // email looks exactly like a limited known one.
  const limitOptions = {
    windowMs: config.loginRateLimit.windowMs,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    requestWasSuccessful: (_req: Request, res: Response) => res.statusCode === 302,
    skipSuccessfulRequests: true,
    handler: (req: Request, res: Response) =>
      form(res, 'auth/login.html', { ...req.body, next: req.query.next }, { _form: ['Too many login attempts. Please try again later.'] }, 429),
  };
  const loginLimits: RequestHandler[] = [
    rateLimit({ ...limitOptions, limit: config.loginRateLimit.perClient, store: rateLimitStore('login-client') }),
    rateLimit({
      ...limitOptions,
      limit: config.loginRateLimit.perAccount,
      store: rateLimitStore('login-account'),
      keyGenerator: (req: Request) => `account:${String(req.body?.email ?? '').trim().toLowerCase()}`,
    }),
  ];

  const verifyCredentials = (req: Request, res: Response) =>
    new Promise<User | false>((resolve, reject) =>
      passport.authenticate('local', { session: false }, (err: unknown, user: User | false) => (err ? reject(err) : resolve(user)))(
        req,
        res,
        reject,
      ),
    );

  router.get('/login', (req, res) => form(res, 'auth/login.html', { next: req.query.next }));
  router.post('/login', ...loginLimits, async (req: Request, res: Response) => {
    const parsed = parseForm(forms.loginForm, req.body);
    if (!parsed.ok) return form(res, 'auth/login.html', { ...req.body, next: req.query.next }, parsed.errors);
    const user = await verifyCredentials(req, res);
    if (!user) {
      req.flash('Invalid email or password.');
      return form(res, 'auth/login.html', { email: parsed.data.email, next: req.query.next });
    }
    await sessions.logIn(req, res, user, { remember: parsed.data.remember_me, fresh: true });
    res.redirect(safeNext(req.query.next ?? req.body.next));
  });

  router.get('/logout', loginRequired, (_req, res) => res.render('auth/logout.html'));
  router.post('/logout', loginRequired, async (req, res) => {
    await sessions.logOut(req, res);
    req.flash('You have been logged out.');
    res.redirect('/');
  });

  router.get('/register', (_req, res) => form(res, 'auth/register.html'));
  async function takenErrors(email: string, username: string, errors: FieldErrors): Promise<FieldErrors> {
    if (!errors.email && (await User.findOne({ where: { email } }))) errors.email = ['Email already registered.'];
    if (!errors.username && (await User.findOne({ where: { username } }))) errors.username = ['Username already in use.'];
    return errors;
  }

  router.post('/register', async (req, res) => {
    const parsed = parseForm(forms.registrationForm, req.body);
    const email = String(req.body?.email ?? '').trim().toLowerCase();
    const username = String(req.body?.username ?? '').trim();
    const errors = await takenErrors(email, username, parsed.ok ? {} : parsed.errors);
    if (!parsed.ok || Object.keys(errors).length) return form(res, 'auth/register.html', { email, username }, errors);
    const user = User.build({ email, username });
    await user.setPassword(parsed.data.password);
    try {
      await user.save();
    } catch (err) {
      // A concurrent registration took the email or username after the check above.
      if (!(err instanceof UniqueConstraintError)) throw err;
      return form(res, 'auth/register.html', { email, username }, await takenErrors(email, username, {}));
    }
    await sendConfirmation(req, user);
    req.flash('A confirmation email has been sent to you by email.');
    res.redirect('/auth/login');
  });

  router.get('/confirm/:token', loginRequired, async (req, res) => {
    const user = req.user!;
    if (user.confirmed) return res.redirect('/');
    if (await user.confirm(tokens, String(req.params.token))) req.flash('You have confirmed your account. Thanks!');
    else req.flash('The confirmation link is invalid or has expired.');
    res.redirect('/');
  });

  router.get('/confirm', loginRequired, async (req, res) => {
    await sendConfirmation(req, req.user!);
    req.flash('A new confirmation email has been sent to you by email.');
    res.redirect('/');
  });

  router.get('/unconfirmed', (req, res) => {
    if (!req.user || req.user.confirmed) return res.redirect('/');
    res.render('auth/unconfirmed.html');
  });

  router.get('/change-password', loginRequired, (_req, res) => form(res, 'auth/change_password.html'));
  router.post('/change-password', loginRequired, async (req, res) => {
    const parsed = parseForm(forms.changePasswordForm, req.body);
    if (!parsed.ok) return form(res, 'auth/change_password.html', {}, parsed.errors);
    const user = req.user!;
    if (!(await user.verifyPassword(parsed.data.old_password))) {
      req.flash('Invalid password.');
      return form(res, 'auth/change_password.html');
    }
    await user.setPassword(parsed.data.password);
    await user.save();
    // The password changed: every other session, remember token and API token dies;
    // this session carries on under a new id.
    await RememberToken.revokeAllFor(user.id);
    res.clearCookie('remember_token', { path: '/' });
    await sessions.logIn(req, res, user, { remember: false, fresh: true });
    await endSessionsOf(user.id, req.sessionID);
    req.flash('Your password has been updated.');
    res.redirect('/');
  });

  router.get('/reset', anonymousOnly, (_req, res) => form(res, 'auth/reset_password.html'));
  router.post('/reset', anonymousOnly, async (req, res) => {
    const parsed = parseForm(forms.passwordResetRequestForm, req.body);
    if (!parsed.ok) return form(res, 'auth/reset_password.html', req.body, parsed.errors);
    const user = await User.findOne({ where: { email: parsed.data.email.toLowerCase() } });
    if (user) {
      const token = user.generateResetToken(tokens);
      await mailer.sendEmail(user.email, 'Reset Your Password', 'auth/email/reset_password', {
        user,
        url: externalUrl(req, `/auth/reset/${token}`),
      });
    }
    req.flash('An email with instructions to reset your password has been sent to you.');
    res.redirect('/auth/login');
  });

  router.get('/reset/:token', anonymousOnly, (_req, res) => res.render('auth/reset_password.html', { form: {}, errors: {}, resetting: true }));
  router.post('/reset/:token', anonymousOnly, async (req, res) => {
    const parsed = parseForm(forms.passwordResetForm, req.body);
    if (!parsed.ok) return res.render('auth/reset_password.html', { form: {}, errors: parsed.errors, resetting: true });
    const user = await User.resetPassword(tokens, String(req.params.token), parsed.data.password);
    if (!user) return res.redirect('/');
    await RememberToken.revokeAllFor(user.id);
    await endSessionsOf(user.id);
    req.flash('Your password has been updated.');
    res.redirect('/auth/login');
  });

  router.get('/change_email', loginRequired, (_req, res) => form(res, 'auth/change_email.html'));
  router.post('/change_email', loginRequired, async (req, res) => {
    const parsed = parseForm(forms.changeEmailForm, req.body);
    const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
    const newEmail = String(req.body?.email ?? '').trim().toLowerCase();
    if (!errors.email && (await User.findOne({ where: { email: newEmail } }))) errors.email = ['Email already registered.'];
    if (!parsed.ok || Object.keys(errors).length) return form(res, 'auth/change_email.html', { email: newEmail }, errors);
    const user = req.user!;
    if (!(await user.verifyPassword(parsed.data.password))) {
      req.flash('Invalid email or password.');
      return form(res, 'auth/change_email.html', { email: newEmail });
    }
    const token = user.generateEmailChangeToken(tokens, newEmail);
    await mailer.sendEmail(newEmail, 'Confirm your email address', 'auth/email/change_email', {
      user,
      url: externalUrl(req, `/auth/change_email/${token}`),
    });
    req.flash('An email with instructions to confirm your new email address has been sent to you.');
    res.redirect('/');
  });

  router.get('/change_email/:token', loginRequired, async (req, res) => {
    req.flash((await req.user!.changeEmail(tokens, String(req.params.token))) ? 'Your email address has been updated.' : 'Invalid request.');
    res.redirect('/');
  });

  return router;
}
