/**
 * Admin panel page timings in Debian's Chromium, as a user gets them from `strapi start` with the
 * admin panel already built in dist/build (build it first: `NODE_ENV=production npx strapi build`,
 * or `NODE_ENV=development npx strapi build` for the development build to compare with):
 *   - login → student list visible: from clicking 登录, through the menu (内容管理, then 学生),
 *     to the first row of the student list — in-app navigation, as a user gets there;
 *   - list → edit form visible: from clicking a row to the edit form's 姓名 field (and, reported
 *     beside it, to the whole form: the region pickers, our custom fields, rendered too) — the
 *     first edit of the session (the edit view's code still to load); and "next edit": back to
 *     the list and the second row, as every edit after the first.
 * Demo province on SQLite (default 20,000 students). Each round is a fresh browser context
 * (cold cache, what a user has after signing in anew); rounds stay under the login rate limit.
 * Goals on this machine (the floor it is measured against): ≤ 2 s and ≤ 1.5 s.
 *
 * Wall time depends on the load of the machine; beside it, per phase, what depends on it less:
 * the page's main-thread CPU time (thread time of the renderer's main thread from a Chrome trace —
 * CPU actually spent, not stretched by other processes), CDP Performance.getMetrics TaskDuration
 * and ScriptDuration (main-thread busy time, all work / JavaScript: wall-clock based, so they
 * grow under load), the requests the page sends (count, kB transferred, how many are API calls)
 * and the API calls' summed time. `--verbose` prints each API call of the last round (start
 * offset and duration, ms).
 *
 * `--against DIR` compares two admin builds in one run: rounds alternate between dist/build and
 * DIR (e.g. a copy of dist/build made from an earlier commit), swapped on disk between rounds
 * (Strapi reads the build's files per request), so both meet the same load.
 *
 *   npx tsx scripts/bench/admin-pages.ts [--students 20000] [--rounds 3] [--port 3310] [--verbose] [--against DIR]
 */
import fs from 'fs';
import path from 'path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { arg, pct, root } from './lib';
import { startServer, launchBrowser } from '../../tests/e2e/harness';

const STUDENTS = arg('students', 20_000);
const ROUNDS = arg('rounds', 3); // the admin login allows 5 attempts per account in 5 minutes
const PORT = arg('port', 0);
const VERBOSE = process.argv.includes('--verbose');
const AGAINST = process.argv.includes('--against') ? path.resolve(process.argv[process.argv.indexOf('--against') + 1]) : undefined;
const GOAL = { list: 2000, edit: 1500 };
const ROLES = ['school@xueji.demo', 'province@xueji.demo'];
const LIST = '/admin/content-manager/collection-types/api::student.student';
const BUILD = path.join(root, 'dist', 'build');

function buildKind(dir = BUILD): string {
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`no admin build in ${dir}: run \`NODE_ENV=production npx strapi build\` first`);
  const js = fs.readdirSync(dir, { recursive: true } as any).filter((f: any) => String(f).endsWith('.js'));
  const dev = js.some((f: any) => fs.readFileSync(path.join(dir, String(f)), 'utf8').includes('jsx-dev-runtime'));
  return dev ? 'development build' : 'production build';
}

/** With --against: puts the wanted build in dist/build (the other one waits in its directory). */
let served: 'dist/build' | 'against' = 'dist/build';
function serve(which: typeof served): void {
  if (!AGAINST || which === served) return;
  const parked = `${BUILD}.parked`;
  fs.renameSync(BUILD, parked);
  fs.renameSync(AGAINST, BUILD);
  fs.renameSync(parked, AGAINST);
  served = which;
}

/** One phase's figures. */
interface Phase { wall: number; full?: number; cpu: number; task: number; script: number; requests: number; api: number; kb: number; apiMs: number; calls: string[] }

/** Counts the page's main-thread time and network traffic through the Chrome DevTools Protocol. */
async function instrument(browser: Browser, context: BrowserContext, page: Page) {
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  const sent = new Map<string, { url: string; api: boolean; at: number }>();
  let requests = 0; let api = 0; let bytes = 0; let apiMs = 0;
  let calls: Array<{ url: string; at: number; ms: number }> = [];
  cdp.on('Network.requestWillBeSent', (e: any) => {
    requests++;
    const isApi = e.type === 'Fetch' || e.type === 'XHR';
    if (isApi) api++;
    sent.set(e.requestId, { url: e.request.url, api: isApi, at: e.timestamp });
  });
  cdp.on('Network.loadingFinished', (e: any) => {
    bytes += e.encodedDataLength;
    const s = sent.get(e.requestId);
    if (s?.api) {
      const ms = (e.timestamp - s.at) * 1000;
      apiMs += ms;
      calls.push({ url: s.url, at: s.at, ms });
    }
  });
  const metrics = async () => {
    const { metrics: m } = await cdp.send('Performance.getMetrics');
    const v = Object.fromEntries(m.map((x: any) => [x.name, x.value]));
    return { task: v.TaskDuration * 1000, script: v.ScriptDuration * 1000 };
  };
  /** CPU time (ms) of the renderer's main thread in a trace: its top-level tasks' thread time. */
  const mainThreadCpu = (events: any[]): number => {
    const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const tasks = (m: any) => events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask' && e.ph === 'X');
    return Math.max(0, ...mains.map((m) => tasks(m).reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000));
  };
  /** Runs `step` and returns its figures; a step that returns a time (ms) to an earlier mark reports that as `wall` and its whole time as `full`. */
  return async (step: () => Promise<number | void>): Promise<Phase> => {
    const c0 = await metrics();
    const n0 = { requests, api, bytes, apiMs };
    calls = [];
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const t0 = Date.now();
    const mark = await step();
    const elapsed = Date.now() - t0;
    const trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents ?? [];
    const c1 = await metrics();
    const first = calls.length ? Math.min(...calls.map((c) => c.at)) : 0;
    return {
      wall: mark ?? elapsed, full: mark === undefined ? undefined : elapsed,
      cpu: Math.round(mainThreadCpu(trace)), task: Math.round(c1.task - c0.task), script: Math.round(c1.script - c0.script),
      requests: requests - n0.requests, api: api - n0.api, kb: Math.round((bytes - n0.bytes) / 1024), apiMs: Math.round(apiMs - n0.apiMs),
      calls: calls.map((c) => `+${Math.round((c.at - first) * 1000)} ms ${Math.round(c.ms)} ms ${new URL(c.url).pathname}${new URL(c.url).search.slice(0, 60)}`),
    };
  };
}

/** One round: a fresh context signs in, goes to the student list and opens the first student. */
async function round(browser: Browser, base: string, email: string): Promise<{ list: Phase; edit: Phase; again: Phase }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const measure = await instrument(browser, context, page);
    await page.goto(`${base}/admin/auth/login`);
    await page.waitForSelector('input[name="email"]');
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', 'Xueji@2026');
    const list = await measure(async () => {
      await page.click('button[type="submit"]');
      await page.waitForURL((u) => !u.pathname.includes('/auth/login'), { timeout: 60_000 });
      // As a user gets there: the menu's 内容管理, then 学生 in its list of types (no reload).
      await page.click('nav a[href$="/content-manager"], nav a[href*="/content-manager/"]', { timeout: 60_000 });
      await page.click(`a[href*="${LIST.replace('/admin', '')}"]`, { timeout: 60_000 });
      await page.waitForSelector('tbody tr', { timeout: 60_000 });
    });
    const edit = await measure(async () => {
      const t = Date.now();
      await page.click('tbody tr:first-child td:nth-child(3)');
      await page.waitForSelector('input[name="name"]', { state: 'visible', timeout: 60_000 });
      const named = Date.now() - t;
      await page.waitForSelector('[data-region-picker="birthPlace"]', { state: 'visible', timeout: 60_000 });
      return named;
    });
    // The next student, as a registrar goes on: back to the list, open the second row (the edit
    // view's code is loaded by now; this is the figure of every edit after the first).
    await page.goBack();
    await page.waitForSelector('tbody tr:nth-child(2)', { timeout: 60_000 });
    const again = await measure(async () => {
      await page.click('tbody tr:nth-child(2) td:nth-child(3)');
      await page.waitForSelector('input[name="name"]', { state: 'visible', timeout: 60_000 });
    });
    return { list, edit, again };
  } finally {
    await context.close();
  }
}

const med = (xs: Phase[], k: keyof Phase) => pct(xs.map((x) => x[k] as number), 50);
function report(label: string, list: Phase[], edit: Phase[], again: Phase[]): string[] {
  const fmt = (xs: Phase[], goal: number) => {
    const w = xs.map((x) => x.wall);
    return `median ${pct(w, 50)} ms, max ${Math.max(...w)} ms (goal ≤ ${goal} ms: ${pct(w, 50) <= goal ? 'met' : 'NOT met'}) [${w.join(', ')}]` +
      (xs[0].full ? `; whole form ${med(xs, 'full')} ms [${xs.map((x) => x.full).join(', ')}]` : '') + '\n' +
      `${''.padEnd(37)}main-thread CPU ${med(xs, 'cpu')} ms [${xs.map((x) => x.cpu).join(', ')}]; busy ${med(xs, 'task')} ms (JS ${med(xs, 'script')} ms); ` +
      `${med(xs, 'requests')} requests (${med(xs, 'api')} API), ${med(xs, 'kb')} kB; API calls summed ${med(xs, 'apiMs')} ms`;
  };
  const rows = [`${label.padEnd(20)} login → list: ${fmt(list, GOAL.list)}`, `${''.padEnd(20)} list → edit:  ${fmt(edit, GOAL.edit)}`, `${''.padEnd(20)} next edit:    ${fmt(again, GOAL.edit)}`];
  if (VERBOSE) {
    for (const [name, xs] of [['login → list', list], ['list → edit', edit]] as const) {
      rows.push(`${''.padEnd(20)} API calls of the last round's ${name}:\n${xs[xs.length - 1].calls.map((c) => `${''.padEnd(24)}${c}`).join('\n')}`);
    }
  }
  return rows;
}

(async () => {
  require('../setup.js'); // .env with secrets on a fresh clone
  const kind = buildKind();
  if (AGAINST) buildKind(AGAINST);
  if (ROUNDS * (AGAINST ? 2 : 1) > 5) throw new Error('the admin login allows 5 sign-ins per account in 5 minutes: --rounds 2 at most with --against');
  const t0 = Date.now();
  const { base, stop } = await startServer('bench-admin-pages.db', 2600, STUDENTS, PORT || undefined);
  console.log(`${kind}; strapi start + demo seed of ${STUDENTS} students: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  const rows: string[] = [];
  const builds = AGAINST ? (['dist/build', 'against'] as const) : (['dist/build'] as const);
  try {
    for (const email of ROLES) {
      const got = new Map(builds.map((b) => [b, { list: [] as Phase[], edit: [] as Phase[], again: [] as Phase[] }]));
      for (let r = 0; r < ROUNDS; r++) {
        for (const b of r % 2 ? [...builds].reverse() : builds) { // alternate which build goes first
          serve(b);
          const { list, edit, again } = await round(browser, base, email);
          got.get(b)!.list.push(list);
          got.get(b)!.edit.push(edit);
          got.get(b)!.again.push(again);
        }
      }
      for (const b of builds) rows.push(...report(AGAINST ? `${email} [${b === 'against' ? AGAINST : b}]` : email, got.get(b)!.list, got.get(b)!.edit, got.get(b)!.again));
    }
  } finally {
    serve('dist/build');
    await browser.close();
    stop();
  }
  console.log(`\nadmin pages, ${kind}, ${STUDENTS} students, ${ROUNDS} rounds per role${AGAINST ? ' and build' : ''}`);
  for (const r of rows) console.log(r);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
