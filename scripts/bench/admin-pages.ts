/**
 * Admin panel page timings in Debian's Chromium, as a user gets them from `strapi start` with the
 * admin panel already built in dist/build (build it first: `NODE_ENV=production npx strapi build`,
 * or `NODE_ENV=development npx strapi build` for the development build to compare with):
 *   - login → student list visible: from clicking 登录, through the menu (内容管理, then 学生),
 *     to the first row of the student list — in-app navigation, as a user gets there;
 *   - list → edit form visible: from clicking a row to the edit form's 姓名 field.
 * Demo province on SQLite (default 20,000 students). Each round is a fresh browser context
 * (cold cache, what a user has after signing in anew); rounds stay under the login rate limit.
 * Goals on this machine (the floor it is measured against): ≤ 2 s and ≤ 1.5 s.
 *
 * Wall time depends on the load of the machine; beside it, per phase, what does not: the page's
 * main-thread CPU (CDP Performance.getMetrics: TaskDuration — all main-thread work — and
 * ScriptDuration — JavaScript), the requests the page sends (count, kB transferred, how many are
 * API calls) and the API calls' summed server time. `--verbose` prints each API call of the
 * last round's edit phase (start offset and duration, ms).
 *
 *   npx tsx scripts/bench/admin-pages.ts [--students 20000] [--rounds 3] [--port 3310] [--verbose]
 */
import fs from 'fs';
import path from 'path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { arg, pct, root } from './lib';
import { startServer, launchBrowser } from '../../tests/e2e/harness';

const STUDENTS = arg('students', 20_000);
const ROUNDS = arg('rounds', 3); // the admin login allows 5 attempts per account in 5 minutes
const PORT = arg('port', 0);
const VERBOSE = process.argv.includes('--verbose');
const GOAL = { list: 2000, edit: 1500 };
const ROLES = ['school@xueji.demo', 'province@xueji.demo'];
const LIST = '/admin/content-manager/collection-types/api::student.student';

function buildKind(): string {
  const dir = path.join(root, 'dist', 'build');
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error('no admin build in dist/build: run `npx strapi build` first');
  const js = fs.readdirSync(dir, { recursive: true } as any).filter((f: any) => String(f).endsWith('.js'));
  const dev = js.some((f: any) => fs.readFileSync(path.join(dir, String(f)), 'utf8').includes('jsx-dev-runtime'));
  return dev ? 'development build' : 'production build';
}

/** One phase's figures. */
interface Phase { wall: number; task: number; script: number; requests: number; api: number; kb: number; apiMs: number; calls: string[] }

/** Counts the page's main-thread time and network traffic through the Chrome DevTools Protocol. */
async function instrument(context: BrowserContext, page: Page) {
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  const sent = new Map<string, { url: string; type: string; at: number }>();
  let requests = 0; let api = 0; let bytes = 0; let apiMs = 0;
  let calls: Array<{ url: string; at: number; ms: number }> = [];
  cdp.on('Network.requestWillBeSent', (e: any) => {
    requests++;
    const isApi = e.type === 'Fetch' || e.type === 'XHR';
    if (isApi) api++;
    sent.set(e.requestId, { url: e.request.url, type: isApi ? 'api' : e.type, at: e.timestamp });
  });
  cdp.on('Network.loadingFinished', (e: any) => {
    bytes += e.encodedDataLength;
    const s = sent.get(e.requestId);
    if (s?.type === 'api') {
      const ms = (e.timestamp - s.at) * 1000;
      apiMs += ms;
      calls.push({ url: s.url, at: s.at, ms });
    }
  });
  const cpu = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x: any) => [x.name, x.value]));
    return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000 };
  };
  /** Runs `step` and returns its figures. */
  return async (step: () => Promise<void>): Promise<Phase> => {
    const c0 = await cpu();
    const n0 = { requests, api, bytes, apiMs };
    calls = [];
    const t0 = Date.now();
    await step();
    const wall = Date.now() - t0;
    const c1 = await cpu();
    const first = calls.length ? Math.min(...calls.map((c) => c.at)) : 0;
    return {
      wall, task: Math.round(c1.task - c0.task), script: Math.round(c1.script - c0.script),
      requests: requests - n0.requests, api: api - n0.api, kb: Math.round((bytes - n0.bytes) / 1024), apiMs: Math.round(apiMs - n0.apiMs),
      calls: calls.map((c) => `+${Math.round((c.at - first) * 1000)} ms ${Math.round(c.ms)} ms ${new URL(c.url).pathname}${new URL(c.url).search.slice(0, 60)}`),
    };
  };
}

(async () => {
  require('../setup.js'); // .env with secrets on a fresh clone
  const kind = buildKind();
  const t0 = Date.now();
  const { base, stop } = await startServer('bench-admin-pages.db', 2600, STUDENTS, PORT || undefined);
  console.log(`${kind}; strapi start + demo seed of ${STUDENTS} students: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  const rows: string[] = [];
  try {
    for (const email of ROLES) {
      const list: Phase[] = [];
      const edit: Phase[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
        const page = await context.newPage();
        const measure = await instrument(context, page);
        await page.goto(`${base}/admin/auth/login`);
        await page.waitForSelector('input[name="email"]');
        await page.fill('input[name="email"]', email);
        await page.fill('input[name="password"]', 'Xueji@2026');
        list.push(await measure(async () => {
          await page.click('button[type="submit"]');
          await page.waitForURL((u) => !u.pathname.includes('/auth/login'), { timeout: 60_000 });
          // As a user gets there: the menu's 内容管理, then 学生 in its list of types (no reload).
          await page.click('nav a[href$="/content-manager"], nav a[href*="/content-manager/"]', { timeout: 60_000 });
          await page.click(`a[href*="${LIST.replace('/admin', '')}"]`, { timeout: 60_000 });
          await page.waitForSelector('tbody tr', { timeout: 60_000 });
        }));
        edit.push(await measure(async () => {
          await page.click('tbody tr:first-child td:nth-child(3)');
          await page.waitForSelector('input[name="name"]', { state: 'visible', timeout: 60_000 });
        }));
        await context.close();
      }
      const med = (xs: Phase[], k: keyof Phase) => pct(xs.map((x) => x[k] as number), 50);
      const fmt = (xs: Phase[], goal: number) => {
        const w = xs.map((x) => x.wall);
        return `median ${pct(w, 50)} ms, max ${Math.max(...w)} ms (goal ≤ ${goal} ms: ${pct(w, 50) <= goal ? 'met' : 'NOT met'}) [${w.join(', ')}]\n` +
          `${''.padEnd(36)}main-thread CPU median ${med(xs, 'task')} ms (JS ${med(xs, 'script')} ms) [${xs.map((x) => x.task).join(', ')}]; ` +
          `${med(xs, 'requests')} requests (${med(xs, 'api')} API), ${med(xs, 'kb')} kB; API server time summed ${med(xs, 'apiMs')} ms`;
      };
      rows.push(`${email.padEnd(20)} login → list: ${fmt(list, GOAL.list)}`);
      rows.push(`${''.padEnd(20)} list → edit:  ${fmt(edit, GOAL.edit)}`);
      if (VERBOSE) for (const [name, xs] of [['login → list', list], ['list → edit', edit]] as const) rows.push(`${''.padEnd(20)} API calls of the last round's ${name}:\n${xs[xs.length - 1].calls.map((c) => `${''.padEnd(24)}${c}`).join('\n')}`);
    }
  } finally {
    await browser.close();
    stop();
  }
  console.log(`\nadmin pages, ${kind}, ${STUDENTS} students, ${ROUNDS} rounds per role`);
  for (const r of rows) console.log(r);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
