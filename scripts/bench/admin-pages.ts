/**
 * Admin panel page timings in Debian's Chromium, as a user gets them from `strapi start` with the
 * admin panel already built in dist/build (build it first: `npx strapi build`, or
 * `NODE_ENV=development npx strapi build` for the development build to compare with):
 *   - login → student list visible: from clicking 登录, through the menu (内容管理, then 学生),
 *     to the first row of the student list — in-app navigation, as a user gets there;
 *   - list → edit form visible: from clicking a row to the edit form's 姓名 field.
 * Demo province on SQLite (default 20,000 students). Each round is a fresh browser context
 * (cold cache, what a user has after signing in anew); rounds stay under the login rate limit.
 * Goals on this machine (the floor it is measured against): ≤ 2 s and ≤ 1.5 s.
 *
 *   npx tsx scripts/bench/admin-pages.ts [--students 20000] [--rounds 3]
 */
import fs from 'fs';
import path from 'path';
import { arg, pct, root } from './lib';
import { startServer, launchBrowser } from '../../tests/e2e/harness';

const STUDENTS = arg('students', 20_000);
const ROUNDS = arg('rounds', 3); // the admin login allows 5 attempts per account in 5 minutes
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

(async () => {
  require('../setup.js'); // .env with secrets on a fresh clone
  const kind = buildKind();
  const t0 = Date.now();
  const { base, stop } = await startServer('bench-admin-pages.db', 2600, STUDENTS);
  console.log(`${kind}; strapi start + demo seed of ${STUDENTS} students: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  const rows: string[] = [];
  try {
    for (const email of ROLES) {
      const list: number[] = [];
      const edit: number[] = [];
      const api: number[] = []; // the list's own REST call, for comparison (server + network share)
      for (let r = 0; r < ROUNDS; r++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
        const page = await context.newPage();
        page.on('requestfinished', (req) => {
          if (/\/content-manager\/collection-types\/api::student\.student\?/.test(req.url())) {
            const t = req.timing();
            api.push(Math.round(t.responseEnd));
          }
        });
        await page.goto(`${base}/admin/auth/login`);
        await page.waitForSelector('input[name="email"]');
        await page.fill('input[name="email"]', email);
        await page.fill('input[name="password"]', 'Xueji@2026');
        const a = Date.now();
        await page.click('button[type="submit"]');
        await page.waitForURL((u) => !u.pathname.includes('/auth/login'), { timeout: 60_000 });
        // As a user gets there: the menu's 内容管理, then 学生 in its list of types (no reload).
        await page.click('nav a[href$="/content-manager"], nav a[href*="/content-manager/"]', { timeout: 60_000 });
        await page.click(`a[href*="${LIST.replace('/admin', '')}"]`, { timeout: 60_000 });
        await page.waitForSelector('tbody tr', { timeout: 60_000 });
        list.push(Date.now() - a);
        const b = Date.now();
        await page.click('tbody tr:first-child td:nth-child(3)');
        await page.waitForSelector('input[name="name"]', { state: 'visible', timeout: 60_000 });
        edit.push(Date.now() - b);
        await context.close();
      }
      const fmt = (xs: number[], goal: number) =>
        `median ${pct(xs, 50)} ms, max ${Math.max(...xs)} ms (goal ≤ ${goal} ms: ${pct(xs, 50) <= goal ? 'met' : 'NOT met'}) [${xs.join(', ')}]`;
      rows.push(`${email.padEnd(20)} login → list: ${fmt(list, GOAL.list)}`);
      rows.push(`${''.padEnd(20)} list → edit:  ${fmt(edit, GOAL.edit)}`);
      rows.push(`${''.padEnd(20)} the list's REST call alone: median ${pct(api, 50)} ms [${api.join(', ')}]`);
    }
  } finally {
    await browser.close();
    stop();
  }
  console.log(`\nadmin pages, ${kind}, ${STUDENTS} students, ${ROUNDS} rounds per role`);
  for (const r of rows) console.log(r);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
