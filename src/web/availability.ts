import { Router } from 'express';
import type { AppDeps } from '../deps';

// When the database or Redis is away, requests that need them answer 503 (and
// recover by themselves when they return); /healthz and /readyz tell a load
// balancer whether to send traffic.

const UNAVAILABLE_ERRORS = new Set([
  // Sequelize: the database cannot be reached.
  'SequelizeConnectionError',
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionTimedOutError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeHostNotFoundError',
  'SequelizeHostNotReachableError',
  'SequelizeInvalidConnectionError',
  // node-redis: Redis cannot be reached.
  'ClientClosedError',
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError',
  'SocketTimeoutError',
]);

/** True for errors that mean "a backing service is away", not "this request is wrong". */
export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string; parent?: { code?: string }; original?: { code?: string } };
  // node-redis errors keep the name 'Error': their class tells what happened.
  if ((e.name && UNAVAILABLE_ERRORS.has(e.name)) || UNAVAILABLE_ERRORS.has(err.constructor?.name ?? '')) return true;
  const code = e.code ?? e.parent?.code ?? e.original?.code;
  // A database query that failed because its connection dropped mid-way, or SQLite stayed locked past the busy timeout.
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'SQLITE_BUSY', '57P01', '57P03', '08006', '08001', '08003'].includes(code ?? '');
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export function createHealthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await withTimeout(probe(), 2000);
        return 'ok';
      } catch {
        return 'unavailable';
      }
    };
    const database = await check(() => deps.sequelize.query('SELECT 1'));
    const redis = deps.redis ? await check(() => deps.redis!.ping()) : undefined;
    const ready = database === 'ok' && (redis === undefined || redis === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database, ...(redis ? { redis } : {}) });
  });
  return router;
}
