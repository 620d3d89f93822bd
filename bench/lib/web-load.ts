import os from 'node:os';
import { WebClient } from '../../test/faults/processes';
import type { Served } from './web-server';

// Load through autocannon on loopback, and what one case reports: throughput,
// latency percentiles (of every response, measured here rather than
// autocannon's 2xx-only histogram), errors and server CPU per request.

/** What every request carries: TLS ended at a (trusted) proxy, one browser's User-Agent. */
export const BASE_HEADERS = { 'x-forwarded-proto': 'https', 'user-agent': 'mlnotes-bench/1.0' };

interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, string>) => AcRequest;
  onResponse?: (status: number, body: string, context: Record<string, string>, headers: Record<string, string>) => void;
}
interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AcRequest[];
  timeout?: number;
  overallRate?: number;
}
interface AcResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AcInstance {
  on(event: 'response', cb: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', cb: (result: AcResult) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: AcOptions) => AcInstance;

export interface Load {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A request sequence instead of one request (the login case). */
  requests?: AcRequest[];
  /** Responses that count as one unit of work (2 for "GET the form, POST it"). */
  responsesPerUnit?: number;
  /** Only responses with this status are timed (the POST of a sequence). */
  timedStatus?: number;
  connections?: number;
  overallRate?: number;
}

export interface Measured {
  /** Units of work per second (requests, or logins). */
  rps: number;
  units: number;
  p50: number;
  p99: number;
  /** Responses with status >= 400, plus socket errors and timeouts. */
  errors: number;
  statuses: Record<string, number>;
  /** Server CPU (process and workers, all threads) per unit, in ms. */
  cpuMs: number;
  /** Load average at the start of the case: other work on the machine. */
  load1: number;
  /** How the figures were obtained when the case could not be measured under load. */
  note?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const WARMUP_RESPONSES = 300;
const PROBE_SECONDS = 20;

function fire(url: string, load: Load, seconds: number, onResponse?: (status: number, ms: number) => void): Promise<AcResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: url + load.path,
      connections: load.connections ?? 50,
      duration: seconds,
      method: load.method ?? 'GET',
      headers: { ...BASE_HEADERS, ...load.headers },
      body: load.body,
      requests: load.requests,
      timeout: 30,
      overallRate: load.overallRate,
    });
    if (onResponse) instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms));
    instance.on('done', resolve);
    instance.on('error', reject);
  });
}

/**
 * Waits until the server is idle: requests a load generator gave up on (bcrypt
 * logins, above all) are still being worked on when it stops, and would be
 * billed to the next case.
 */
export async function settle(server: Served, maxSeconds = 30): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 2) {
    const before = server.cpuMs();
    await new Promise((r) => setTimeout(r, 250));
    quiet = server.cpuMs() - before <= 25 ? quiet + 1 : 0;
  }
}

/** Warms the server up, then loads it for `seconds` and measures. */
export async function measure(server: Served, load: Load, seconds: number, warmupSeconds: number): Promise<Measured> {
  await settle(server);
  // JIT and caches warm: a few seconds, and at least a few hundred responses when the case is slow.
  if (warmupSeconds > 0) {
    let seen = 0;
    for (let round = 0; round < 5 && (round === 0 || seen < WARMUP_RESPONSES); round++) {
      const r = await fire(server.url, load, warmupSeconds);
      seen += Object.values(r.statusCodeStats).reduce((a, b) => a + Number(b.count), 0);
    }
  }
  await settle(server);
  const latencies: number[] = [];
  const load1 = os.loadavg()[0];
  const cpuBefore = server.cpuMs();
  const result = await fire(server.url, load, seconds, (status, ms) => {
    if (load.timedStatus === undefined || status === load.timedStatus) latencies.push(ms);
  });
  const cpu = server.cpuMs() - cpuBefore;
  const measured = summarize(result, latencies, cpu, load, load1);
  if (measured.units >= (load.connections ?? 50)) return measured;
  // Fewer responses than connections: each request outlasts the window. Time a
  // few of them one at a time instead, so the case still has a cost per request.
  await settle(server, 120);
  const one: Load = { ...load, connections: 1 };
  const probeLatencies: number[] = [];
  const probeCpu = server.cpuMs();
  const probe = await fire(server.url, one, PROBE_SECONDS, (status, ms) => {
    if (load.timedStatus === undefined || status === load.timedStatus) probeLatencies.push(ms);
  });
  const sequential = summarize(probe, probeLatencies, server.cpuMs() - probeCpu, one, load1);
  return { ...measured, p50: sequential.p50, p99: sequential.p99, cpuMs: sequential.cpuMs, errors: measured.errors + sequential.errors, note: `saturated: ${measured.units} responses in ${seconds} s; latency and CPU from ${sequential.units} requests one at a time` };
}

/** Several loads at once on one server (the login-contention case); CPU is not split between them. */
export async function measureTogether(server: Served, loads: Load[], seconds: number): Promise<Measured[]> {
  await settle(server);
  const load1 = os.loadavg()[0];
  const latencies = loads.map(() => [] as number[]);
  const results = await Promise.all(
    loads.map((load, i) =>
      fire(server.url, load, seconds, (status, ms) => {
        if (load.timedStatus === undefined || status === load.timedStatus) latencies[i].push(ms);
      }),
    ),
  );
  return results.map((r, i) => summarize(r, latencies[i], NaN, loads[i], load1));
}

function summarize(result: AcResult, latencies: number[], cpu: number, load: Load, load1: number): Measured {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]));
  const responses = Object.values(statuses).reduce((a, b) => a + b, 0);
  const failed = Object.entries(statuses).reduce((sum, [code, n]) => sum + (Number(code) >= 400 ? n : 0), 0);
  const units = responses / (load.responsesPerUnit ?? 1);
  latencies.sort((a, b) => a - b);
  return {
    rps: round(units / result.duration, 1),
    units,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    errors: failed + result.errors,
    statuses,
    cpuMs: round(cpu / Math.max(units, 1), 3),
    load1: round(load1),
  };
}

/** The login case: GET the form (session cookie + CSRF token), POST it; every cycle a real bcrypt check. */
export function loginSequence(email: string, password: string): Load {
  const form = { ...BASE_HEADERS, 'content-type': 'application/x-www-form-urlencoded' };
  return {
    path: '/auth/login',
    responsesPerUnit: 2,
    timedStatus: 302,
    requests: [
      {
        method: 'GET',
        path: '/auth/login',
        headers: { ...BASE_HEADERS },
        onResponse: (_status, body, context, headers) => {
          // Raw header names, as the server wrote them.
          const setCookie = Object.entries(headers).find(([k]) => k.toLowerCase() === 'set-cookie')?.[1];
          context.cookie = String(setCookie ?? '').split(';')[0];
          context.token = /name="csrf_token" value="([^"]+)"/.exec(body)?.[1] ?? '';
        },
      },
      {
        method: 'POST',
        path: '/auth/login',
        headers: form,
        setupRequest: (req, context) => ({
          ...req,
          headers: { ...form, cookie: context.cookie },
          body: new URLSearchParams({ email, password, csrf_token: context.token }).toString(),
        }),
      },
    ],
  };
}

/** A browser's login (the cookie-keeping client of the fault tests), sending what the load sends. */
export class BenchClient extends WebClient {
  request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(BASE_HEADERS)) headers.set(k, v);
    return super.request(pathname, { ...init, headers });
  }

  /** The cookie header after logging in, checked by loading the index as that user. */
  async sessionCookie(email: string, password: string, username: string): Promise<string> {
    await this.logIn(email, password);
    const res = await this.request('/');
    const html = await res.text();
    if (!html.includes(`Hello, ${username}!`)) throw new Error(`login as ${email} did not stick (${res.status})`);
    // WebClient keeps its cookies to itself (TypeScript-private): read them for autocannon.
    const jar = (this as unknown as { cookies?: Map<string, string> }).cookies;
    if (!(jar instanceof Map) || !jar.has('session')) throw new Error('no session cookie after login');
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** An API token for `email`, from POST /api/v1/tokens/ with Basic email:password. */
export async function apiToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/tokens/`, {
    method: 'POST',
    headers: { ...BASE_HEADERS, authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` },
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
