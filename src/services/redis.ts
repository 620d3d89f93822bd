import { createClient, RedisClientType } from 'redis';
import type { Logger } from 'pino';

export type Redis = RedisClientType;

/**
 * A Redis client that fails fast while Redis is away (no offline queue: a request
 * gets a 503 at once instead of hanging) and reconnects by itself when it returns.
 */
export function createRedis(url: string, log: Logger): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.error({ err: err.message }, 'redis unavailable');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('redis available again');
    down = false;
  });
  return client as unknown as Redis;
}
