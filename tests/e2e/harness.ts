/** One real `strapi start` (built admin panel, demo province on SQLite) and Debian's Chromium, per browser test file. */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import fs from 'fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = path.join(__dirname, '..', '..');
export const shots = path.join(root, '.tmp', 'e2e-shots');

/** Starts Strapi on a fresh SQLite file and waits for /_health; returns its base URL and a stop function. */
export async function startServer(dbName: string, portBase: number, students = 800): Promise<{ base: string; stop: () => void }> {
  fs.mkdirSync(shots, { recursive: true });
  const port = portBase + (process.pid % 500);
  const base = `http://127.0.0.1:${port}`;
  const db = path.join('.tmp', dbName);
  fs.rmSync(path.join(root, db), { force: true });
  const server: ChildProcess = spawn(process.execPath, [path.join(root, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: db, XUEJI_DEMO_SEED: 'true', XUEJI_DEMO_STUDENTS: String(students), NODE_ENV: 'development', STRAPI_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const until = Date.now() + 150_000;
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

/** Signs in through the login form; dialogs (confirm) are accepted. */
export async function login(browser: Browser, base: string, email: string, password = 'Xueji@2026', viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  page.on('dialog', (d) => d.accept());
  await page.goto(`${base}/admin/auth/login`);
  await page.waitForSelector('input[name="email"]');
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.includes('/auth/login'), { timeout: 30_000 });
  return page;
}
