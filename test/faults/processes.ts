import net from 'node:net';
import path from 'node:path';
import { ChildServer, serverCommand, startChildServer } from '../support/child-server';

// The real server as a child process on a database that outlives it, and a
// small cookie-keeping client that speaks to it like a browser would.

export const PASSWORD = 'fault-demo-password';

export function spawnServer(dir: string, env: Record<string, string>): Promise<ChildServer> {
  return startChildServer({
    name: 'server',
    args: serverCommand().args,
    dir,
    logName: (port) => `server-${port}.log`,
    env: {
      NODE_ENV: 'development',
      MAIL_OUTBOX: path.join(dir, 'outbox'),
      BCRYPT_ROUNDS: '4',
      DEMO_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      ...env,
    },
    readyPath: '/healthz',
    timeoutMs: 90_000,
  });
}

export class WebClient {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(this.base + pathname, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  async csrf(pathname = '/'): Promise<string> {
    const html = await (await this.request(pathname)).text();
    const match = /name="csrf_token" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no csrf token on ${pathname}`);
    return match[1];
  }

  postForm(pathname: string, fields: Record<string, string>): Promise<Response> {
    return this.request(pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async logIn(email: string, password = PASSWORD): Promise<void> {
    const res = await this.postForm('/auth/login', { email, password, csrf_token: await this.csrf('/auth/login') });
    if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  }
}

/** A TCP proxy in front of a server, which a test can cut and restore. */
export async function startProxy(targetPort: number, targetHost = '127.0.0.1') {
  let cut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => {
      cut = true;
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
