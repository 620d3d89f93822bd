import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface Account {
  email: string;
  username: string;
  password: string;
}

let counter = 0;
/** A new, unique account's details (not yet registered). */
export function newAccount(prefix = 'user'): Account {
  const n = `${Date.now().toString(36)}${(counter++).toString(36)}`;
  return { email: `${prefix}${n}@example.com`, username: `${prefix}${n}`, password: 'correct horse battery' };
}

/** Fills and submits the registration form; the server redirects to the login page. */
export async function register(page: Page, account: Account): Promise<void> {
  await page.goto('/auth/register');
  await page.fill('#email', account.email);
  await page.fill('#username', account.username);
  await page.fill('#password', account.password);
  await page.fill('#password2', account.password);
  await Promise.all([page.waitForURL('**/auth/login'), page.click('button[type=submit]')]);
}

/** Logs in through the login form, from wherever the page is (it may already be the login page, with ?next=). */
export async function logIn(page: Page, email: string, password: string, opts: { remember?: boolean } = {}): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/auth/login')) await page.goto('/auth/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  if (opts.remember) await page.check('#remember_me');
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/auth/login')), page.click('button[type=submit]')]);
}

/** Logs out the way a person does: the Account menu, then "Log Out" (a POST form). */
export async function logOut(page: Page): Promise<void> {
  if (!(await page.locator('#account-menu').isVisible())) await page.goto('/');
  await page.click('#account-menu');
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('form[action="/auth/logout"] button')]);
}

/**
 * The newest mail to `to` in the outbox folder (the server writes a readable
 * .txt per mail when MAIL_SERVER is unset), waiting for it to appear.
 */
export async function mailTo(outboxDir: string, to: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(outboxDir) ? fs.readdirSync(outboxDir).filter((f) => f.endsWith('.txt')).sort().reverse() : [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(outboxDir, file), 'utf8');
      if (text.startsWith(`To: ${to}\n`)) return text;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} in ${outboxDir} (files: ${files.join(', ') || 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The confirmation link (path only) in the newest confirmation mail to `to`. */
export async function confirmationLink(outboxDir: string, to: string): Promise<string> {
  const mail = await mailTo(outboxDir, to);
  const match = /https?:\/\/\S+\/auth\/confirm\/\S+/.exec(mail);
  if (!match) throw new Error(`no confirmation link in the mail to ${to}:\n${mail}`);
  return new URL(match[0]).pathname;
}
