import type { Browser } from 'playwright-core';
import { confirmationLink, logIn, logOut, newAccount, register } from './accounts';
import { flashes, heading, newBrowser, newContext, screenshot } from './browser';
import { DEMO_PASSWORD, DEMO_USERS, RunningServer, startServer } from './server';

// Accounts in a real Chromium against the real server: the register → confirm
// → login → logout journey through the outbox, and Flask-Login 'strong'
// session protection with cookies carried to another browser.

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await newBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('register, confirm through the outbox, log in and log out', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  const account = newAccount('reader');

  await page.goto('/');
  expect(await heading(page)).toBe('Hello, Stranger!');
  await screenshot(page, 'accounts/01-home-anonymous');

  await register(page, account);
  expect(await flashes(page)).toContain('A confirmation email has been sent to you by email.');
  await screenshot(page, 'accounts/02-registered');

  // The link needs a login first: it goes to the login page and comes back.
  const link = await confirmationLink(server.outboxDir, account.email);
  await page.goto(link);
  expect(new URL(page.url()).pathname).toBe('/auth/login');
  await screenshot(page, 'accounts/03-confirm-asks-for-login');

  await logIn(page, account.email, account.password);
  expect(new URL(page.url()).pathname).toBe('/');
  expect(await flashes(page)).toContain('You have confirmed your account. Thanks!');
  expect(await heading(page)).toBe(`Hello, ${account.username}!`);
  await screenshot(page, 'accounts/04-confirmed-and-logged-in');

  await logOut(page);
  expect(await flashes(page)).toContain('You have been logged out.');
  expect(await heading(page)).toBe('Hello, Stranger!');
  await screenshot(page, 'accounts/05-logged-out');

  // Logged out for good: a page that needs a login sends us to the login form.
  await page.goto('/auth/change-password');
  expect(new URL(page.url()).pathname).toBe('/auth/login');

  // Logging in from there goes back to the page that asked (?next=).
  await logIn(page, account.email, account.password);
  expect(new URL(page.url()).pathname).toBe('/auth/change-password');
  expect(await heading(page)).toBe('Change Your Password');
  await screenshot(page, 'accounts/06-logged-in-again-back-to-next');
  await page.goto('/');
  expect(await heading(page)).toBe(`Hello, ${account.username}!`);
  await context.close();
});

test('a wrong password is refused on the page', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  await page.goto('/auth/login');
  await page.fill('#email', DEMO_USERS.alice);
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await page.locator('.alert', { hasText: 'Invalid email or password.' }).waitFor();
  await screenshot(page, 'accounts/07-wrong-password');
  await page.goto('/');
  expect(await heading(page)).toBe('Hello, Stranger!');
  await context.close();
});

test('strong protection: the same cookies from another User-Agent are anonymous, and so is the owner afterwards', async () => {
  const owner = await newContext(browser, server.url, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) mlnotes-owner' });
  const ownerPage = await owner.newPage();
  await logIn(ownerPage, DEMO_USERS.bob, DEMO_PASSWORD);
  expect(await heading(ownerPage)).toBe('Hello, bob!');
  await screenshot(ownerPage, 'sessions/01-owner-logged-in');

  const cookies = await owner.cookies();
  expect(cookies.map((c) => c.name)).toContain('session');

  // Control: the same cookies with the same User-Agent are the same login, so
  // what follows is about the User-Agent, not about copying cookies.
  const twin = await newContext(browser, server.url, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) mlnotes-owner' });
  await twin.addCookies(cookies);
  const twinPage = await twin.newPage();
  await twinPage.goto('/');
  expect(await heading(twinPage)).toBe('Hello, bob!');
  await twin.close();

  const thief = await newContext(browser, server.url, { userAgent: 'Mozilla/5.0 (Windows NT 10.0) mlnotes-thief' });
  await thief.addCookies(cookies);
  const thiefPage = await thief.newPage();
  await thiefPage.goto('/');
  expect(await heading(thiefPage)).toBe('Hello, Stranger!');
  await screenshot(thiefPage, 'sessions/02-other-user-agent-is-anonymous');
  await thiefPage.goto('/auth/change-password');
  expect(new URL(thiefPage.url()).pathname).toBe('/auth/login');
  await thief.close();

  // The server-side session died with the thief's attempt: the owner is out too.
  await ownerPage.goto('/');
  expect(await heading(ownerPage)).toBe('Hello, Stranger!');
  await screenshot(ownerPage, 'sessions/03-owner-is-anonymous-too');
  await owner.close();
});
