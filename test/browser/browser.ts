import fs from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, BrowserContextOptions, Page, chromium } from 'playwright-core';
import { ROOT } from '../support/child-server';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');

// This machine's network is closed: without the background-networking flags
// Chromium keeps trying (and failing) to reach Google at every start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium under playwright-core; never a downloaded browser. */
export async function newBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A context (a separate cookie jar) whose pages open relative URLs on the server. */
export async function newContext(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1000, height: 800 }, ...options });
  // Generous: a 2-core CI machine running other suites can be slow to paint.
  context.setDefaultTimeout(20_000);
  // Only the server under test: other hosts (Gravatar images) are refused at
  // once instead of hanging on this machine's closed network and delaying 'load'.
  const origin = new URL(baseURL).origin;
  await context.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
  return context;
}

/** A full-page PNG under test/artifacts/ (name may hold a folder: 'accounts/01-register'). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w/.-]+/g, '-')}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true, timeout: 30_000 });
  return file;
}

/** The text of the flashed messages on the current page. */
export async function flashes(page: Page): Promise<string[]> {
  return (await page.locator('.alert').allInnerTexts()).map((t) => t.trim());
}

/** The page's main heading, e.g. "Hello, Stranger!". */
export async function heading(page: Page): Promise<string> {
  return (await page.locator('main h1').first().innerText()).trim();
}
