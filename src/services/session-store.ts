import SequelizeStoreInit from 'connect-session-sequelize';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { Sequelize } from 'sequelize';
import type { Config } from '../config';
import { Session } from '../models';
import type { Redis } from './redis';

/** The session store, plus what the store alone cannot do: end every session of one user. */
export interface SessionStores {
  store: session.Store;
  endAllFor(userId: number, exceptSid?: string): Promise<void>;
  close(): void;
}

type SessionWithUser = session.SessionData & { passport?: { user?: number } };

/**
 * Sessions in the app's own database. The table comes from the migrations; touch
 * is off because the idle timeout is tracked in the session itself (one write a
 * minute, not one a request); the owner's id is kept so sessions can be ended.
 */
export function databaseSessions(sequelize: Sequelize, config: Config): SessionStores {
  const SequelizeStore = SequelizeStoreInit(session.Store);
  const store = new SequelizeStore({
    db: sequelize,
    table: 'Session',
    expiration: config.session.idleTimeoutMs + 60_000,
    disableTouch: true,
    extendDefaultFields: (defaults, data: SessionWithUser) => ({ ...defaults, userId: data.passport?.user ?? null }),
  } as ConstructorParameters<ReturnType<typeof SequelizeStoreInit>>[0]);
  return {
    store,
    endAllFor: (userId, exceptSid) => Session.endAllFor(userId, exceptSid),
    close: () => store.stopExpiringSessions(),
  };
}

const PREFIX = 'mlnotes:sess:';
const userKey = (userId: number) => `mlnotes:user-sessions:${userId}`;

/** Sessions in Redis (shared by every process), indexed by user in a set per user. */
export function redisSessions(redis: Redis, config: Config): SessionStores {
  const ttlSeconds = Math.ceil((config.session.idleTimeoutMs + 60_000) / 1000);
  class IndexedRedisStore extends RedisStore {
    async set(sid: string, sess: SessionWithUser, cb?: (err?: unknown) => void) {
      const userId = sess.passport?.user;
      if (typeof userId === 'number') {
        try {
          await redis.multi().sAdd(userKey(userId), sid).expire(userKey(userId), ttlSeconds).exec();
        } catch (err) {
          return cb?.(err);
        }
      }
      return super.set(sid, sess, cb);
    }
  }
  const store = new IndexedRedisStore({ client: redis, prefix: PREFIX, ttl: ttlSeconds, disableTouch: true });
  return {
    store,
    async endAllFor(userId, exceptSid) {
      const sids = (await redis.sMembers(userKey(userId))).filter((sid) => sid !== exceptSid);
      if (sids.length) await redis.del(sids.map((sid) => PREFIX + sid));
      if (sids.length) await redis.sRem(userKey(userId), sids);
    },
    close: () => {},
  };
}
