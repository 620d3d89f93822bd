import crypto from 'node:crypto';
import type session from 'express-session';
import type { Store as RateLimitStore } from 'express-rate-limit';
import pino, { Logger } from 'pino';
import { RedisStore as RedisRateLimitStore } from 'rate-limit-redis';
import type { Sequelize } from 'sequelize';
import type { Config } from './config';
import { setBcryptConcurrency } from './auth/bcrypt-limit';
import { createSequelize } from './db';
import { initModels } from './models';
import { createMailer, Mailer } from './services/mailer';
import { Moderation } from './services/moderation-model';
import { createRedis, Redis } from './services/redis';
import { RelatedNotes } from './services/related';
import { databaseSessions, redisSessions, SessionStores } from './services/session-store';
import { createTokens, Tokens } from './services/tokens';
import { createViews } from './web/views';

/** The I/O the app depends on, made once per process and injected into createApp. */
export interface AppDeps {
  sequelize: Sequelize;
  log: Logger;
  mailer: Mailer;
  tokens: Tokens;
  /** Present when REDIS_URL is set: sessions and rate-limit counters live there. */
  redis?: Redis;
  sessionStore: session.Store;
  /** The comment-moderation model this process serves, and its training jobs. */
  moderation: Moderation;
  /** This process's related-notes and search index (built on first use, kept current). */
  related: RelatedNotes;
  /** Ends a user's sessions (password change), whatever the store. */
  endSessionsOf(userId: number, exceptSid?: string): Promise<void>;
  /** A shared rate-limit counter store (Redis), or undefined for per-process memory. */
  rateLimitStore(prefix: string): RateLimitStore | undefined;
  /** Connects what needs connecting (Redis). */
  start(): Promise<void>;
  /** Closes what was opened here (database, Redis, mail transport, store timers). */
  close(): Promise<void>;
}

export function createDeps(config: Config, overrides: { log?: Logger; mailer?: Mailer; tokens?: Tokens } = {}): AppDeps {
  const log = overrides.log ?? pino({ level: config.logLevel });
  const slowMs = config.slowDbQueryTime * 1000;
  // Flasky's after_request hook: queries slower than FLASKY_SLOW_DB_QUERY_TIME are warnings.
  const sequelize = createSequelize(config, (sql: string, timing?: number) => {
    if (timing !== undefined && timing >= slowMs) log.warn({ durationMs: timing, sql: sql.slice(0, 500) }, 'slow query');
  });
  initModels(sequelize, { bcryptRounds: config.bcryptRounds, adminEmail: config.flaskyAdmin });
  setBcryptConcurrency(config.bcryptConcurrency);
  const mailer = overrides.mailer ?? createMailer(config, createViews(config), log);
  const tokens = overrides.tokens ?? createTokens(config.secretKey);
  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  const related = new RelatedNotes({ log });
  const moderation = new Moderation(config.moderation, log);
  const sessions: SessionStores = redis ? redisSessions(redis, config) : databaseSessions(sequelize, config);
  // Test files share one Redis: each app counts its own requests.
  const rateLimitPrefix = config.profile === 'testing' ? `mlnotes:rl:${crypto.randomBytes(4).toString('hex')}:` : 'mlnotes:rl:';

  return {
    sequelize,
    log,
    mailer,
    tokens,
    redis,
    sessionStore: sessions.store,
    moderation,
    related,
    endSessionsOf: (userId, exceptSid) => sessions.endAllFor(userId, exceptSid),
    rateLimitStore: (prefix) =>
      redis ? new RedisRateLimitStore({ prefix: `${rateLimitPrefix}${prefix}:`, sendCommand: (...args: string[]) => redis.sendCommand(args) }) : undefined,
    async start() {
      if (redis && !redis.isOpen) await redis.connect();
      moderation.start();
    },
    async close() {
      await moderation.close();
      related.close();
      sessions.close();
      mailer.close();
      if (redis?.isOpen) await redis.close();
      await sequelize.close();
    },
  };
}
