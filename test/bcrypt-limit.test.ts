import { comparePassword, hashPassword, limited, setBcryptConcurrency } from '../src/auth/bcrypt-limit';

// At most N bcrypt computations at once per process; the rest wait their turn.

afterAll(() => setBcryptConcurrency(undefined));

/** Work that stays in flight until released, recording how many ran at once. */
function tracker() {
  let now = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const work = (fail = false) => () =>
    new Promise<string>((resolve, reject) => {
      now++;
      most = Math.max(most, now);
      releases.push(() => {
        now--;
        if (fail) reject(new Error('boom'));
        else resolve('done');
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  return { work, releases, tick, most: () => most, running: () => now };
}

test('no more than the limit run at once, and every one finishes in turn', async () => {
  setBcryptConcurrency(2);
  const t = tracker();
  const all = Promise.all(Array.from({ length: 5 }, () => limited(t.work())));
  await t.tick();
  expect(t.running()).toBe(2);
  while (t.releases.length) {
    t.releases.shift()!();
    await t.tick();
  }
  expect(await all).toEqual(['done', 'done', 'done', 'done', 'done']);
  expect(t.most()).toBe(2);
});

test('a failure frees its slot for the next one', async () => {
  setBcryptConcurrency(1);
  const t = tracker();
  const first = limited(t.work(true));
  const second = limited(t.work());
  await t.tick();
  expect(t.running()).toBe(1);
  t.releases.shift()!();
  await expect(first).rejects.toThrow('boom');
  await t.tick();
  expect(t.running()).toBe(1);
  t.releases.shift()!();
  await expect(second).resolves.toBe('done');
});

test('raising the limit starts work that was waiting', async () => {
  setBcryptConcurrency(1);
  const t = tracker();
  const all = Promise.all([limited(t.work()), limited(t.work()), limited(t.work())]);
  await t.tick();
  expect(t.running()).toBe(1);
  setBcryptConcurrency(3);
  await t.tick();
  expect(t.running()).toBe(3);
  t.releases.forEach((r) => r());
  await all;
});

test('hashes and compares through the limit', async () => {
  setBcryptConcurrency(1);
  const hashes = await Promise.all(['a', 'b', 'c'].map((p) => hashPassword(p, 4)));
  expect(await Promise.all(hashes.map((h, i) => comparePassword(['a', 'b', 'c'][i], h)))).toEqual([true, true, true]);
  expect(await comparePassword('b', hashes[0])).toBe(false);
});
