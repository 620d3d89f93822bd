import os from 'node:os';
import bcrypt from 'bcrypt';

// bcrypt at the production cost is a quarter of a second of CPU. Run on libuv's
// pool, as many hashes as there are pool threads run at once, and 20 logins then
// hold every core while page reads (whose SQLite statements share that pool) wait
// behind them. Letting only a few run at a time per process (by default one fewer
// than the cores) makes logins queue among themselves and leaves reads a core.

let limit = Math.max(1, os.availableParallelism() - 1);
let running = 0;
const waiting: (() => void)[] = [];

/** How many bcrypt computations may run at once in this process (BCRYPT_CONCURRENCY). */
export function setBcryptConcurrency(n: number | undefined): void {
  limit = n ?? Math.max(1, os.availableParallelism() - 1);
  while (running < limit && waiting.length) start();
}

function start(): void {
  running++;
  waiting.shift()!();
}

/** Runs `work` when a bcrypt slot is free (exported for tests; the app uses the two below). */
export async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running < limit) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    running--;
    if (waiting.length && running < limit) start();
  }
}

export const hashPassword = (password: string, rounds: number) => limited(() => bcrypt.hash(password, rounds));
export const comparePassword = (password: string, hash: string) => limited(() => bcrypt.compare(password, hash));
