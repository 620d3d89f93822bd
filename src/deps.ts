import session from 'express-session';
import SequelizeStoreInit from 'connect-session-sequelize';
import pino, { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Config } from './config';
import { createSequelize } from './db';
import { initModels } from './models';
import { createMailer, Mailer } from './services/mailer';
import { createTokens, Tokens } from './services/tokens';
import { createViews } from './web/views';

/** The I/O the app depends on, made once per process and injected into createApp. */
export interface AppDeps {
  sequelize: Sequelize;
  log: Logger;
  mailer: Mailer;
  tokens: Tokens;
  sessionStore: session.Store;
  /** Closes what was opened here (database, mail transport, store timers). */
  close(): Promise<void>;
}

export function createDeps(config: Config, overrides: Partial<Omit<AppDeps, 'close'>> = {}): AppDeps {
  const log = overrides.log ?? pino({ level: config.logLevel });
  const sequelize = overrides.sequelize ?? createSequelize(config);
  initModels(sequelize, { bcryptRounds: config.bcryptRounds, adminEmail: config.flaskyAdmin });
  const mailer = overrides.mailer ?? createMailer(config, createViews(config), log);
  const tokens = overrides.tokens ?? createTokens(config.secretKey);

  const store = overrides.sessionStore ? undefined : createSessionStore(sequelize, config);
  const sessionStore = overrides.sessionStore ?? store!;

  return {
    sequelize,
    log,
    mailer,
    tokens,
    sessionStore,
    async close() {
      store?.stopExpiringSessions();
      mailer.close();
      await sequelize.close();
    },
  };
}

/**
 * Sessions in the app's own database. The table comes from the migrations; touch
 * is off because the idle timeout is tracked in the session itself (one write a
 * minute, not one a request); the owner's id is kept so sessions can be ended.
 */
function createSessionStore(sequelize: Sequelize, config: Config) {
  const SequelizeStore = SequelizeStoreInit(session.Store);
  return new SequelizeStore({
    db: sequelize,
    table: 'Session',
    expiration: config.session.idleTimeoutMs + 60_000,
    disableTouch: true,
    extendDefaultFields: (defaults, data: { passport?: { user?: number } }) => ({ ...defaults, userId: data.passport?.user ?? null }),
  } as ConstructorParameters<ReturnType<typeof SequelizeStoreInit>>[0]);
}
