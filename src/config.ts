import path from 'node:path';
import { z } from 'zod';

// One typed configuration, parsed from the environment, with Flasky's variable
// names where Flasky has them and development / testing / production profiles
// in the manner of Flasky's config.py subclasses.

export type Profile = 'development' | 'testing' | 'production';
export type SessionProtection = 'strong' | 'basic' | 'off';
/** Express 'trust proxy': off, a hop count, or a list of proxy addresses. Never `true`. */
export type TrustProxy = false | number | string[];

export interface Config {
  profile: Profile;
  rootDir: string;
  secretKey: string;
  databaseUrl: string;
  /** PostgreSQL only: the schema to use (tests use a fresh one per file). */
  databaseSchema?: string;
  /** Sessions and rate-limit counters go to Redis when set. */
  redisUrl?: string;
  /** Worker processes (node:cluster); more than 1 needs PostgreSQL. */
  webConcurrency: number;
  port: number;
  baseUrl?: string;
  sessionProtection: SessionProtection;
  trustProxy: TrustProxy;
  bcryptRounds: number;
  /** bcrypt computations at once per process; undefined: one fewer than the cores (at least one). */
  bcryptConcurrency?: number;
  flaskyAdmin?: string;
  postsPerPage: number;
  followersPerPage: number;
  commentsPerPage: number;
  slowDbQueryTime: number;
  logLevel: string;
  mail: {
    server?: string;
    port: number;
    useTls: boolean;
    username?: string;
    password?: string;
    subjectPrefix: string;
    sender: string;
    outboxDir: string;
  };
  session: {
    cookieName: string;
    secureCookies: boolean;
    idleTimeoutMs: number;
    absoluteTimeoutMs: number;
    rememberDays: number;
  };
  loginRateLimit: { windowMs: number; perClient: number; perAccount: number };
  api: {
    /** Origins allowed by CORS; empty = CORS off, ['*'] = any origin (the API uses no cookies). */
    corsOrigins: string[];
    /** Largest JSON body accepted (body-parser syntax, e.g. '512kb'); larger is a 413. */
    bodyLimit: string;
    /** Lifetime of the tokens POST /api/v1/tokens/ issues, in seconds. */
    tokenExpiration: number;
    /** Failed API authentications allowed per client and per account in a window. */
    rateLimit: { windowMs: number; perClient: number; perAccount: number };
  };
  moderation: {
    /** Train again after this many new labels (0: only when asked). */
    retrainEvery: number;
    /** Hold (create disabled) new comments the trusted model scores at or above holdThreshold. */
    autoHold: boolean;
    holdThreshold: number;
    /** The model is trusted for auto-hold with this many labels and this validation precision. */
    minLabels: number;
    minPrecision: number;
    /** How often each process looks for a newer model version. */
    pollMs: number;
    /** POST /api/v1/models/moderation/predict calls per user per minute. */
    predictPerMinute: number;
    /**
     * Also learn from confident predictions on unlabelled comments (self-training). Off by
     * default: it did not help in the benchmark (docs/moderation-model.md).
     */
    selfTraining: boolean;
  };
}

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    if (v === '' || ['0', 'false', 'off', 'no'].includes(v.toLowerCase())) return false;
    if (/^\d+$/.test(v)) return Number(v);
    if (['true', 'on', 'yes'].includes(v.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        message: 'TRUST_PROXY=true would trust a forged X-Forwarded-For; give a hop count or proxy addresses',
      });
      return z.NEVER;
    }
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  });

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  FLASK_CONFIG: z.string().optional(),
  SECRET_KEY: optionalText,
  DATABASE_URL: optionalText,
  DEV_DATABASE_URL: optionalText,
  TEST_DATABASE_URL: optionalText,
  DATABASE_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').optional(),
  REDIS_URL: optionalText,
  WEB_CONCURRENCY: int(1, 64).default(1),
  PORT: int(0, 65535).default(5000),
  BASE_URL: optionalText,
  SESSION_PROTECTION: z.enum(['strong', 'basic', 'off']).default('strong'),
  TRUST_PROXY: trustProxy.default(false),
  BCRYPT_ROUNDS: int(4, 15).optional(),
  BCRYPT_CONCURRENCY: int(1, 64).optional(),
  FLASKY_ADMIN: optionalText,
  FLASKY_POSTS_PER_PAGE: int(1, 500).default(20),
  FLASKY_FOLLOWERS_PER_PAGE: int(1, 500).default(50),
  FLASKY_COMMENTS_PER_PAGE: int(1, 500).default(30),
  FLASKY_SLOW_DB_QUERY_TIME: z.coerce.number().positive().default(0.5),
  FLASKY_MAIL_SUBJECT_PREFIX: z.string().default('[mlnotes]'),
  FLASKY_MAIL_SENDER: z.string().default('mlnotes Admin <mlnotes@example.com>'),
  MAIL_SERVER: optionalText,
  MAIL_PORT: int(1, 65535).default(587),
  MAIL_USE_TLS: bool.default(true),
  MAIL_USERNAME: optionalText,
  MAIL_PASSWORD: optionalText,
  MAIL_OUTBOX: optionalText,
  SESSION_IDLE_TIMEOUT: int(60, 60 * 60 * 24 * 30).default(60 * 60 * 12),
  SESSION_ABSOLUTE_TIMEOUT: int(60, 60 * 60 * 24 * 365).default(60 * 60 * 24 * 7),
  LOGIN_RATE_LIMIT_PER_CLIENT: int(1, 100000).default(30),
  LOGIN_RATE_LIMIT_PER_ACCOUNT: int(1, 100000).default(10),
  LOGIN_RATE_LIMIT_WINDOW: int(1, 86400).default(15 * 60),
  CORS_ORIGINS: z.string().default(''),
  API_BODY_LIMIT: z
    .string()
    .trim()
    .regex(/^\d{1,9}(b|kb|mb)?$/i, 'a size such as 512kb or 1mb')
    .default('512kb'),
  API_TOKEN_EXPIRATION: int(60, 60 * 60 * 24 * 30).default(3600),
  API_RATE_LIMIT_PER_CLIENT: int(1, 100000).default(30),
  API_RATE_LIMIT_PER_ACCOUNT: int(1, 100000).default(10),
  API_RATE_LIMIT_WINDOW: int(1, 86400).default(15 * 60),
  MODERATION_RETRAIN_EVERY: int(0, 1_000_000).default(50),
  MODERATION_AUTO_HOLD: bool.default(false),
  MODERATION_HOLD_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.9),
  MODERATION_MIN_LABELS: int(0, 10_000_000).default(100),
  MODERATION_MIN_PRECISION: z.coerce.number().min(0).max(1).default(0.9),
  MODERATION_POLL_SECONDS: int(1, 3600).default(30),
  MODERATION_PREDICT_PER_MINUTE: int(1, 100_000).default(60),
  MODERATION_SELF_TRAINING: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export class ConfigError extends Error {}

function profileOf(env: Record<string, string | undefined>): Profile {
  const name = (env.FLASK_CONFIG || env.NODE_ENV || 'development').toLowerCase();
  if (name === 'test' || name === 'testing') return 'testing';
  if (name === 'production') return 'production';
  return 'development';
}

// Compiled code runs from dist/src, sources from src: both resolve to the project root.
const ROOT_DIR = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === 'dist' ? '../..' : '..');

/** Parses the environment into a Config. Pure: reads nothing but `env`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const profile = profileOf(env);
  const dataDir = path.join(ROOT_DIR, 'data');

  if (profile === 'production' && !e.SECRET_KEY) {
    throw new ConfigError('SECRET_KEY must be set in production (see .env.example)');
  }
  const defaults = {
    development: {
      secretKey: 'development-only-secret-not-for-production',
      databaseUrl: e.DEV_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'mlnotes-dev.sqlite')}`,
      bcryptRounds: 10,
      logLevel: 'info',
    },
    testing: {
      secretKey: 'testing-secret',
      databaseUrl: e.TEST_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'mlnotes-test.sqlite')}`,
      bcryptRounds: 4,
      logLevel: 'silent',
    },
    production: {
      secretKey: '',
      databaseUrl: `sqlite:${path.join(dataDir, 'mlnotes.sqlite')}`,
      bcryptRounds: 12,
      logLevel: 'info',
    },
  }[profile];
  const bcryptRounds = e.BCRYPT_ROUNDS ?? defaults.bcryptRounds;
  if (profile === 'production' && bcryptRounds < 12) {
    throw new ConfigError('BCRYPT_ROUNDS must be 12 or more in production');
  }

  return {
    profile,
    rootDir: ROOT_DIR,
    secretKey: e.SECRET_KEY ?? defaults.secretKey,
    databaseUrl: e.DATABASE_URL ?? defaults.databaseUrl,
    databaseSchema: e.DATABASE_SCHEMA,
    redisUrl: e.REDIS_URL,
    webConcurrency: e.WEB_CONCURRENCY,
    port: e.PORT,
    baseUrl: e.BASE_URL?.replace(/\/+$/, ''),
    sessionProtection: e.SESSION_PROTECTION,
    trustProxy: e.TRUST_PROXY,
    bcryptRounds,
    bcryptConcurrency: e.BCRYPT_CONCURRENCY,
    flaskyAdmin: e.FLASKY_ADMIN?.toLowerCase(),
    postsPerPage: e.FLASKY_POSTS_PER_PAGE,
    followersPerPage: e.FLASKY_FOLLOWERS_PER_PAGE,
    commentsPerPage: e.FLASKY_COMMENTS_PER_PAGE,
    slowDbQueryTime: e.FLASKY_SLOW_DB_QUERY_TIME,
    logLevel: e.LOG_LEVEL ?? defaults.logLevel,
    mail: {
      server: e.MAIL_SERVER,
      port: e.MAIL_PORT,
      useTls: e.MAIL_USE_TLS,
      username: e.MAIL_USERNAME,
      password: e.MAIL_PASSWORD,
      subjectPrefix: e.FLASKY_MAIL_SUBJECT_PREFIX,
      sender: e.FLASKY_MAIL_SENDER,
      outboxDir: e.MAIL_OUTBOX ?? path.join(dataDir, 'outbox'),
    },
    session: {
      cookieName: 'session',
      secureCookies: profile === 'production',
      idleTimeoutMs: e.SESSION_IDLE_TIMEOUT * 1000,
      absoluteTimeoutMs: e.SESSION_ABSOLUTE_TIMEOUT * 1000,
      rememberDays: 365,
    },
    loginRateLimit: {
      windowMs: e.LOGIN_RATE_LIMIT_WINDOW * 1000,
      perClient: e.LOGIN_RATE_LIMIT_PER_CLIENT,
      perAccount: e.LOGIN_RATE_LIMIT_PER_ACCOUNT,
    },
    api: {
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
      bodyLimit: e.API_BODY_LIMIT.toLowerCase(),
      tokenExpiration: e.API_TOKEN_EXPIRATION,
      rateLimit: {
        windowMs: e.API_RATE_LIMIT_WINDOW * 1000,
        perClient: e.API_RATE_LIMIT_PER_CLIENT,
        perAccount: e.API_RATE_LIMIT_PER_ACCOUNT,
      },
    },
    moderation: {
      retrainEvery: e.MODERATION_RETRAIN_EVERY,
      autoHold: e.MODERATION_AUTO_HOLD,
      holdThreshold: e.MODERATION_HOLD_THRESHOLD,
      minLabels: e.MODERATION_MIN_LABELS,
      minPrecision: e.MODERATION_MIN_PRECISION,
      pollMs: e.MODERATION_POLL_SECONDS * 1000,
      predictPerMinute: e.MODERATION_PREDICT_PER_MINUTE,
      selfTraining: e.MODERATION_SELF_TRAINING,
    },
  };
}
