import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

// loadConfig is pure: it reads only the object it is given.

const ROOT = path.join(__dirname, '..');

/** The ConfigError loadConfig throws for env, asserted to be one line. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('profiles', () => {
  test('development by default', () => {
    const c = loadConfig({});
    expect(c.profile).toBe('development');
    expect(c.secretKey).not.toBe('');
    expect(c.databaseUrl).toBe(`sqlite:${path.join(ROOT, 'data', 'mlnotes-dev.sqlite')}`);
    expect(c.session.secureCookies).toBe(false);
  });

  test('testing: fast bcrypt, silent logs, its own database', () => {
    for (const NODE_ENV of ['test', 'testing']) {
      const c = loadConfig({ NODE_ENV });
      expect(c.profile).toBe('testing');
      expect(c.bcryptRounds).toBe(4);
      expect(c.logLevel).toBe('silent');
      expect(c.databaseUrl).toBe(`sqlite:${path.join(ROOT, 'data', 'mlnotes-test.sqlite')}`);
    }
    expect(loadConfig({ NODE_ENV: 'testing', TEST_DATABASE_URL: 'sqlite::memory:' }).databaseUrl).toBe('sqlite::memory:');
  });

  test('FLASK_CONFIG wins over NODE_ENV, as in Flasky', () => {
    expect(loadConfig({ NODE_ENV: 'production', FLASK_CONFIG: 'testing' }).profile).toBe('testing');
    expect(loadConfig({ NODE_ENV: 'testing', FLASK_CONFIG: 'development' }).profile).toBe('development');
  });

  test('production needs SECRET_KEY and says so in one line', () => {
    expect(refusal({ NODE_ENV: 'production' })).toMatch(/SECRET_KEY/);
    expect(refusal({ NODE_ENV: 'production', SECRET_KEY: '   ' })).toMatch(/SECRET_KEY/);
  });

  test('production with SECRET_KEY: bcrypt 12, Secure cookies', () => {
    const c = loadConfig({ NODE_ENV: 'production', SECRET_KEY: 's3cret' });
    expect(c.secretKey).toBe('s3cret');
    expect(c.bcryptRounds).toBe(12);
    expect(c.session.secureCookies).toBe(true);
    expect(c.databaseUrl).toBe(`sqlite:${path.join(ROOT, 'data', 'mlnotes.sqlite')}`);
  });

  test('BCRYPT_ROUNDS below 12 is refused in production only', () => {
    expect(refusal({ NODE_ENV: 'production', SECRET_KEY: 's', BCRYPT_ROUNDS: '11' })).toMatch(/BCRYPT_ROUNDS/);
    expect(loadConfig({ NODE_ENV: 'production', SECRET_KEY: 's', BCRYPT_ROUNDS: '13' }).bcryptRounds).toBe(13);
    expect(loadConfig({ BCRYPT_ROUNDS: '6' }).bcryptRounds).toBe(6);
    expect(refusal({ BCRYPT_ROUNDS: '3' })).toMatch(/BCRYPT_ROUNDS/);
    expect(refusal({ BCRYPT_ROUNDS: 'many' })).toMatch(/BCRYPT_ROUNDS/);
  });

  test('the server exits non-zero with the one-line message', () => {
    // Run from an empty folder so no .env is read; only the variables given here exist.
    const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src', 'server.ts')], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/SECRET_KEY/)]);
  });
});

describe('defaults', () => {
  test("Flasky's settings", () => {
    const c = loadConfig({});
    expect(c.postsPerPage).toBe(20);
    expect(c.followersPerPage).toBe(50);
    expect(c.commentsPerPage).toBe(30);
    expect(c.slowDbQueryTime).toBe(0.5);
    expect(c.port).toBe(5000);
    expect(c.flaskyAdmin).toBeUndefined();
    expect(c.mail).toMatchObject({ server: undefined, port: 587, useTls: true, subjectPrefix: '[mlnotes]' });
  });

  test('sessions: strong protection, proxies not trusted, a year of remember-me', () => {
    const c = loadConfig({});
    expect(c.sessionProtection).toBe('strong');
    expect(c.trustProxy).toBe(false);
    expect(c.session.rememberDays).toBe(365);
    expect(c.session.idleTimeoutMs).toBeGreaterThan(0);
    expect(c.session.absoluteTimeoutMs).toBeGreaterThanOrEqual(c.session.idleTimeoutMs);
  });

  test('values are read and typed', () => {
    const c = loadConfig({
      PORT: '8080',
      FLASKY_POSTS_PER_PAGE: '5',
      FLASKY_ADMIN: 'Boss@Example.com',
      MAIL_SERVER: 'smtp.example.com',
      MAIL_PORT: '2525',
      MAIL_USE_TLS: 'false',
      SESSION_PROTECTION: 'basic',
      SESSION_IDLE_TIMEOUT: '600',
      BASE_URL: 'https://notes.example.org/',
    });
    expect(c.port).toBe(8080);
    expect(c.postsPerPage).toBe(5);
    expect(c.flaskyAdmin).toBe('boss@example.com');
    expect(c.mail).toMatchObject({ server: 'smtp.example.com', port: 2525, useTls: false });
    expect(c.sessionProtection).toBe('basic');
    expect(c.session.idleTimeoutMs).toBe(600_000);
    expect(c.baseUrl).toBe('https://notes.example.org');
  });

  test('MAIL_USE_TLS accepts true, on and 1, as Flasky', () => {
    for (const v of ['true', 'on', '1', 'TRUE']) expect(loadConfig({ MAIL_USE_TLS: v }).mail.useTls).toBe(true);
    for (const v of ['false', 'off', '0']) expect(loadConfig({ MAIL_USE_TLS: v }).mail.useTls).toBe(false);
  });

  test('bad values are refused in one line naming the variable', () => {
    expect(refusal({ SESSION_PROTECTION: 'paranoid' })).toMatch(/SESSION_PROTECTION/);
    expect(refusal({ FLASKY_POSTS_PER_PAGE: 'twenty' })).toMatch(/FLASKY_POSTS_PER_PAGE/);
    expect(refusal({ FLASKY_POSTS_PER_PAGE: '0' })).toMatch(/FLASKY_POSTS_PER_PAGE/);
    expect(refusal({ PORT: '70000' })).toMatch(/PORT/);
    expect(refusal({ SESSION_IDLE_TIMEOUT: '10' })).toMatch(/SESSION_IDLE_TIMEOUT/);
  });
});

describe('TRUST_PROXY', () => {
  test('off unless given', () => {
    for (const v of ['', '0', 'false', 'off', 'no']) expect(loadConfig({ TRUST_PROXY: v }).trustProxy).toBe(false);
  });

  test('a hop count', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: ' 2 ' }).trustProxy).toBe(2);
  });

  test('a list of proxy addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.1 ,,192.168.0.0/16' }).trustProxy).toEqual(['loopback', '10.0.0.1', '192.168.0.0/16']);
  });

  test('true is refused: it would trust a forged X-Forwarded-For', () => {
    for (const v of ['true', 'TRUE', 'on', 'yes']) expect(refusal({ TRUST_PROXY: v })).toMatch(/TRUST_PROXY/);
  });
});
