/** One real `strapi start` (the admin panel built in dist/build — `npm test` makes a production build), demo province on SQLite, and Debian's Chromium, per browser test file. */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import fs from 'fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const root = path.join(__dirname, '..', '..');
export const shots = path.join(root, '.tmp', 'e2e-shots');

/**
 * Starts Strapi on a fresh SQLite file and waits for /_health; returns its base URL and a stop
 * function. The port is portBase + pid % 500, or exactly `port` when given (a benchmark's own range).
 */
export async function startServer(dbName: string, portBase: number, students = 800, port = portBase + (process.pid % 500)): Promise<{ base: string; stop: () => void }> {
  fs.mkdirSync(shots, { recursive: true });
  const base = `http://127.0.0.1:${port}`;
  const db = path.join('.tmp', dbName);
  fs.rmSync(path.join(root, db), { force: true });
  const server: ChildProcess = spawn(process.execPath, [path.join(root, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: db, XUEJI_DEMO_SEED: 'true', XUEJI_DEMO_STUDENTS: String(students), NODE_ENV: 'development', STRAPI_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const until = Date.now() + 150_000 + students * 20; // seeding the demo province takes its time
  for (;;) {
    try {
      if ((await fetch(`${base}/_health`)).status === 204) break;
    } catch { /* not yet */ }
    if (Date.now() > until) throw new Error('strapi did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, stop: () => server.kill('SIGTERM') };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

const contexts = new Map<string, BrowserContext>();

/**
 * A page signed in as `email`; dialogs (confirm) are accepted. The first call signs in through
 * the login form; later calls open a page in the same browser context (its session cookie), so a
 * test file stays under the login rate limit (a few attempts per minute per account).
 */
export async function login(browser: Browser, base: string, email: string, password = 'Xueji@2026', viewport = { width: 1400, height: 900 }): Promise<Page> {
  const key = `${base}|${email}`;
  const known = contexts.get(key);
  if (known) {
    const page = await known.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(`${base}/admin`);
    await page.waitForSelector('nav, input[name="email"]', { timeout: 30_000 });
    if (!page.url().includes('/auth/login')) return page;
    await page.close();
  }
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  contexts.set(key, context);
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(`${base}/admin/auth/login`);
  await page.waitForSelector('input[name="email"]');
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.includes('/auth/login'), { timeout: 30_000 });
  return page;
}
