import type { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn } from './accounts';
import { flashes, heading, newBrowser, newContext, screenshot } from './browser';
import { DEMO_PASSWORD, DEMO_USERS, RunningServer, startServer } from './server';

// Blogging in a real Chromium against the real server: a note in Markdown, a
// comment, following and the Followed tab, and a moderator disabling a comment
// that another user then sees disabled.

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await newBrowser();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

async function loggedIn(email: string): Promise<Page> {
  const context = await newContext(browser, server.url);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/auth/login');
  await logIn(page, email, DEMO_PASSWORD);
  return page;
}

test('write a note, comment, follow, and see a comment disabled by a moderator', async () => {
  const alice = await loggedIn(DEMO_USERS.alice);
  expect(await heading(alice)).toBe('Hello, alice!');

  // A note in Markdown, rendered on the server.
  const note = `Gradient **descent** notes ${Date.now()}\n\n- step size\n- momentum\n\n\`\`\`\nw = w - lr * grad\n\`\`\``;
  await alice.fill('#body', note);
  await Promise.all([alice.waitForURL((u) => u.pathname === '/'), alice.click('form[action="/"] button[type=submit]')]);
  const first = alice.locator('li.post').first();
  await expect(first.locator('.post-body strong').innerText()).resolves.toBe('descent');
  await expect(first.locator('.post-body li').count()).resolves.toBe(2);
  await expect(first.locator('.post-body pre code').innerText()).resolves.toContain('w = w - lr * grad');
  await screenshot(alice, 'blogging/01-note-rendered');

  // Its page, and a comment from bob.
  await first.locator('a', { hasText: 'Permalink' }).click();
  const postPath = new URL(alice.url()).pathname;
  expect(postPath).toMatch(/^\/post\/\d+$/);
  const bob = await loggedIn(DEMO_USERS.bob);
  await bob.goto(postPath);
  await bob.fill('#body', 'Nice *summary*, thanks!');
  await Promise.all([bob.waitForURL((u) => u.pathname === postPath), bob.click('.comment-form button[type=submit]')]);
  expect(await flashes(bob)).toContain('Your comment has been published.');
  await expect(bob.locator('.comment-body em').last().innerText()).resolves.toBe('summary');
  await screenshot(bob, 'blogging/02-comment-published');

  // Bob follows alice and sees her note in the Followed tab.
  await bob.goto('/user/alice');
  await Promise.all([bob.waitForURL('**/user/alice'), bob.click('button:has-text("Follow")')]);
  expect(await flashes(bob)).toContain('You are now following alice.');
  await screenshot(bob, 'blogging/03-following-alice');
  await bob.goto('/');
  await Promise.all([bob.waitForURL((u) => u.pathname === '/'), bob.click('form[action="/followed"] button')]);
  await expect(bob.locator('.post-tabs .nav-link.active').innerText()).resolves.toBe('Followed');
  const authors = await bob.locator('li.post .post-author').allInnerTexts();
  expect(authors.length).toBeGreaterThan(0);
  expect(authors.map((a) => a.trim()).filter((a) => a !== 'alice' && a !== 'bob')).toEqual([]);
  await expect(bob.locator('li.post').first().locator('.post-body strong').innerText()).resolves.toBe('descent');
  await screenshot(bob, 'blogging/04-followed-tab');

  // A moderator disables bob's comment; alice sees it disabled, the moderator still sees the text.
  const moderator = await loggedIn(DEMO_USERS.moderator);
  await moderator.goto('/moderate');
  const row = moderator.locator('li.comment', { hasText: 'Nice summary, thanks!' }).first();
  await Promise.all([moderator.waitForURL('**/moderate?page=1'), row.locator('button', { hasText: 'Disable' }).click()]);
  await expect(moderator.locator('li.comment', { hasText: 'Nice summary, thanks!' }).first().locator('button', { hasText: 'Enable' }).count()).resolves.toBe(1);
  await screenshot(moderator, 'blogging/05-moderator-disabled');

  await alice.goto(postPath);
  await expect(alice.locator('.comment-body').last().innerText()).resolves.toContain('This comment has been disabled by a moderator.');
  await expect(alice.locator('.comments').innerText()).resolves.not.toContain('Nice summary');
  await screenshot(alice, 'blogging/06-comment-disabled-for-others');
});

test('a phone-width screen shows the index without horizontal scrolling', async () => {
  const context = await newContext(browser, server.url, { viewport: { width: 375, height: 740 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'blogging/07-phone-width');
});
