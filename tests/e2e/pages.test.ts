/**
 * Every page a staff role can reach, in Debian's Chromium: the home page and each entry of the
 * role's menu, the Content Manager list and edit view of each type it may read, the settings
 * pages it reaches and its profile. Each page must be wholly 简体中文 — no react-intl "Missing
 * message" console error (logged by development builds) and no English UI label (any build: a
 * missing translation shows Strapi's English default) — and free of Strapi's promotion and
 * developer screens. The super admin (the system administrator, who manages Strapi itself) is
 * not covered. Screenshots of each role's home page and menu go to .tmp/e2e-shots.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { startServer, launchBrowser, login as signIn, shots } from './harness';

let base = '';
let stopServer = () => {};
let browser: Browser;

beforeAll(async () => {
  ({ base, stop: stopServer } = await startServer('e2e-pages.db', 2200));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

/**
 * ASCII words allowed in the UI: codes and names that are the same in Chinese (file formats,
 * ID kinds of national standards, the product's own name). Everything else in Latin letters is
 * an untranslated label. Data (table cells, form values, e-mail addresses) is not scanned.
 */
const ALLOWED = new Set(['Excel', 'xlsx', 'XLSX', 'ID', 'IP', 'ICU', 'URL', 'PDF', 'xueji', 'Xueji', 'GB', 'JSON', 'KB', 'MB', 'px', 'A4', 'PNG', 'JPG', 'JPEG', 'GIF', 'SVG', 'Strapi']);
/**
 * English that no message id carries, so no translation can reach it: defaults of the design
 * system that Strapi renders without passing a label (the pager's aria-label, the date-time
 * picker's labels, which it also appends to 清除), Strapi's hard-coded screen-reader text while a
 * page loads, and the edition name of 设置 › 概览.
 */
const UNTRANSLATABLE = [/^aria-label=Pagination$/, /^(aria-label=)?(Choose date|Choose time)$/, /^(aria-label=)?清除 (date|time)$/, /^Loading content\.?$/, /^Community$/];

/** English words on the page outside data: visible text nodes plus aria-label, title and placeholder. */
async function englishOn(page: Page): Promise<string[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    // Data, not labels: table cells, form values and chosen options, code editors (JSON).
    const isData = (el: Element | null) => !!el?.closest('tbody, input, textarea, select, [role="combobox"], [contenteditable="true"], [role="option"], .cm-editor, code, pre, [aria-hidden="true"]');
    const visible = (el: Element) => {
      const r = (el as HTMLElement).getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || isData(el) || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || !visible(el)) continue;
      const t = (n.textContent ?? '').trim();
      if (/[A-Za-z]{2,}/.test(t)) out.push(t);
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label], [title], [placeholder]'))) {
      if (isData(el) || !visible(el)) continue;
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && /[A-Za-z]{2,}/.test(v)) out.push(`${a}=${v}`);
      }
    }
    return out;
  });
  return found.filter((t) => {
    if (UNTRANSLATABLE.some((re) => re.test(t))) return false;
    const words = t.replace(/^(aria-label|title|placeholder)=/, '')
      .replace(/\S+@\S+/g, ' ') // e-mail addresses (accounts) are data
      .replace(/\S+\.(png|jpe?g|gif|pdf|xlsx|docx?)\b/gi, ' ') // so are file names (media library),
      .replace(/\b[a-z0-9]{24}\b/g, ' ') // document ids
      .replace(/\b[a-z]+([.-][a-z]+)+\b/g, ' ') // and stored codes (change.approve, from-county)
      .match(/[A-Za-z]{2,}/g) ?? [];
    return words.some((w) => !ALLOWED.has(w));
  });
}

interface Visit { url: string; english: string[]; missing: string[] }

/** Opens a page, waits until it has settled, and reports English labels and missing messages. */
async function visit(page: Page, url: string, missing: string[], ready?: string): Promise<Visit> {
  const before = missing.length;
  await page.goto(url.startsWith('http') ? url : `${base}${url}`);
  await page.waitForSelector('main', { timeout: 30_000 });
  if (ready) await page.waitForSelector(ready, { timeout: 30_000 }).catch(() => undefined);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForFunction(() => !document.body.textContent?.includes('Loading content'), null, { timeout: 15_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  expect(await page.textContent('body'), url).not.toMatch(/Something went wrong|出错了！/);
  return { url, english: await englishOn(page), missing: missing.slice(before) };
}

const hrefs = async (page: Page, selector: string): Promise<string[]> =>
  [...new Set(await page.$$eval(selector, (as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? '')))].filter(Boolean);

const ROLES = [
  { email: 'province@xueji.demo', role: 'province', accounts: true, promotion: true },
  { email: 'city@xueji.demo', role: 'city', accounts: true, promotion: false },
  { email: 'county@xueji.demo', role: 'county', accounts: true, promotion: false },
  { email: 'school@xueji.demo', role: 'school', accounts: false, promotion: false },
];

describe('every page a staff role can reach is in 简体中文, with no Strapi leftovers', () => {
  it.each(ROLES)('$role', { timeout: 400_000 }, async ({ email, role, accounts, promotion }) => {
    const page = await signIn(browser, base, email);
    const missing: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Missing message|MISSING_TRANSLATION/.test(m.text())) missing.push(m.text().slice(0, 300));
    });
    const visits: Visit[] = [];

    // Home: the user's own figures, none of Strapi's promotion, tour or developer counts.
    visits.push(await visit(page, '/admin', missing, 'text=学籍待办'));
    const home = (await page.textContent('main')) ?? '';
    await page.screenshot({ path: path.join(shots, `pages-home-${role}.png`), fullPage: true });
    await page.locator('nav').first().screenshot({ path: path.join(shots, `pages-menu-${role}.png`) });
    expect.soft(home).toContain('学籍待办');
    const body = (await page.textContent('body')) ?? '';
    for (const leftover of ['媒体库上线', '博客', 'Strapi Cloud', '部署', '市场', 'API 令牌', 'Webhook', '引导', '项目统计']) {
      expect.soft(body, `${role} home shows "${leftover}"`).not.toContain(leftover);
    }

    // Menu: only what the role may use.
    const nav = (await page.textContent('nav')) ?? '';
    expect.soft(nav).toContain('导入导出');
    expect.soft(nav.includes('下级账号'), 'menu offers 下级账号').toBe(accounts);
    expect.soft(nav.includes('学年升级'), 'menu offers 学年升级').toBe(promotion);
    for (const never of ['市场', '内容类型生成器', 'Marketplace', 'Content-Type Builder']) expect.soft(nav).not.toContain(never);
    const menu = (await hrefs(page, 'nav a[href]')).filter((h) => !h.startsWith('http') && h !== '/admin' && h !== '/admin/');

    for (const href of menu) visits.push(await visit(page, href.startsWith('/admin') ? href : `/admin/${href.replace(/^\//, '')}`, missing));

    // Content Manager: the list and one edit view of every type the role may read.
    await page.goto(`${base}/admin/content-manager`);
    await page.waitForSelector('a[href*="/content-manager/collection-types/"]', { timeout: 30_000 });
    const types = (await hrefs(page, 'a[href*="/content-manager/collection-types/"]')).map((h) => h.split('?')[0]);
    expect(types.length).toBeGreaterThan(3);
    for (const t of types) {
      visits.push(await visit(page, t, missing));
      const row = page.locator('tbody tr').first();
      if (await row.count()) {
        await row.locator('td').nth(2).click();
        await page.waitForURL((u) => /\/collection-types\/[^/]+\/[^/?]+/.test(u.pathname), { timeout: 30_000 });
        visits.push(await visit(page, page.url(), missing, 'form'));
        // No 预览 side panel (preview is switched off, config/admin.ts).
        expect.soft(await page.getByText('预览', { exact: true }).count(), `${t}: preview panel`).toBe(0);
      }
    }

    // Settings it reaches, and the profile.
    await page.goto(`${base}/admin/settings`);
    await page.waitForSelector('main', { timeout: 30_000 });
    for (const s of await hrefs(page, 'a[href*="/settings/"]')) visits.push(await visit(page, s, missing));
    visits.push(await visit(page, '/admin/me', missing));

    const bad = visits.filter((v) => v.english.length || v.missing.length);
    if (bad.length) console.log(JSON.stringify(bad, null, 1));
    expect(bad.map((v) => `${v.url}: ${[...v.english, ...v.missing].join(' | ')}`)).toEqual([]);
    await page.close();
  });
});
