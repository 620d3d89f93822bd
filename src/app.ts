import crypto from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { csrfSync } from 'csrf-sync';
import type { Config } from './config';
import type { AppDeps } from './deps';
import { createApiRouter } from './api';
import { createDocsRouter } from './api/docs';
import { createAuthRouter } from './auth/router';
import { createPassport } from './auth/passport';
import { createMainRouter } from './main/router';
import { AnonymousUser, Permission } from './models';
import { createHealthRouter } from './web/availability';
import { htmlErrorHandler, pageNotFound } from './web/errors';
import { confirmedOnly } from './web/guards';
import { createLoginSessions } from './web/login-session';
import { saveSessionBeforeRedirect } from './web/save-before-redirect';
import { createViews } from './web/views';
import './web/types';

/** Builds the Express app from a config and its dependencies. Listens on nothing. */
export function createApp(config: Config, deps: AppDeps): Express {
  const app = express();
  const { log } = deps;
  const production = config.profile === 'production';
  const passport = createPassport(config.bcryptRounds);
  const sessions = createLoginSessions(config, log);
  const csrf = csrfSync({
    getTokenFromRequest: (req) => req.body?.csrf_token ?? req.get('x-csrf-token'),
    errorConfig: { statusCode: 400, message: 'The CSRF token is missing or invalid.', code: 'EBADCSRFTOKEN' },
  });

  app.disable('x-powered-by');
  // req.ip (session protection, rate limits) honours only the proxies we were told about.
  app.set('trust proxy', config.trustProxy);
  createViews(config).express(app);
  app.set('view engine', 'html');

  // 0. Health checks first: no logs, no rate limits, no session.
  app.use(createHealthRouter(deps));

  // 1. Request log, so every response is logged, errors included; the request id
  //    is echoed back, credentials never reach the log.
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/static/') },
    }),
  );

  // 2. Security headers. Pages carry no inline script or style: the CSP allows only our own files.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'https:', 'http:'],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': production ? [] : null,
        },
      },
      hsts: production,
    }),
  );

  // 3. Static files before sessions: assets never touch the session store.
  app.use('/static/bootstrap', express.static(path.join(config.rootDir, 'node_modules', 'bootstrap', 'dist'), { maxAge: '7d' }));
  app.use('/static/highlight.js', express.static(path.join(config.rootDir, 'node_modules', 'highlight.js', 'styles'), { maxAge: '7d' }));
  app.use('/static', express.static(path.join(config.rootDir, 'views', 'static'), { maxAge: '1h' }));

  // 4. The JSON API: token or Basic auth on every request, no cookies, no
  //    session, no CSRF. Mounted before the session so a cookie grants it nothing.
  app.use('/api/v1', createApiRouter({ config, deps }));
  //    Its browsable reference (Swagger UI from node_modules), which needs no session either.
  app.use('/api/docs', createDocsRouter());

  // 5. Form bodies and cookies (remember-me, show_followed).
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 100 }));
  app.use(cookieParser());

  // 6. Server-side sessions in a real store; the cookie is non-persistent.
  app.use(
    session({
      name: config.session.cookieName,
      secret: config.secretKey,
      store: deps.sessionStore,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.session.secureCookies, path: '/' },
    }),
  );
  // A redirect waits for the session save, or the browser can outrun it.
  app.use(saveSessionBeforeRedirect);

  // 7. Passport restores req.user from the session; then session protection may
  //    drop it, and a remember-me cookie may bring a login back.
  app.use(passport.session());
  app.use(sessions.protect);
  app.use(sessions.remember);

  // 8. Flasky's ping: last_seen, written at most once a minute.
  app.use(async (req, _res, next) => {
    if (req.user) await req.user.ping();
    next();
  });

  // 9. One-shot messages and the template context every page uses.
  app.use((req, res, next) => {
    req.flash = (message, category = 'message') => {
      (req.session.flashes ??= []).push({ category, message });
    };
    res.locals.current_user = req.user ?? new AnonymousUser();
    res.locals.Permission = Permission;
    res.locals.request_path = req.path;
    // Lazy: only pages that build a form put a token in the session.
    res.locals.csrf_token = () => csrf.generateToken(req);
    res.locals.get_flashed_messages = () => {
      const flashes = req.session.flashes ?? [];
      if (flashes.length) req.session.flashes = [];
      return flashes;
    };
    next();
  });

  // 10. CSRF on every state-changing request of the HTML surface.
  app.use(csrf.csrfSynchronisedProtection);

  // 11. The blueprints.
  app.use('/auth', createAuthRouter({ config, passport, sessions, mailer: deps.mailer, tokens: deps.tokens, endSessionsOf: deps.endSessionsOf, rateLimitStore: deps.rateLimitStore }));
  app.use('/', confirmedOnly, createMainRouter({ config, moderation: deps.moderation, related: deps.related }));

  // 12. Anything else is a 404, and every error is rendered once, here.
  app.use(pageNotFound);
  app.use(htmlErrorHandler(log));
  return app;
}
