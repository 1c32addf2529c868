/**
 * The 学籍变动 views in Debian's Chromium, on the demo province: a county official approves a
 * transfer in the workbench; a registrar files a suspension from the student page and finds it
 * in 我的申请; a registrar submits a class of drafts and the county approves the batch; the
 * printable change report rendered to PDF reads back in Chinese. Screenshots under .tmp/e2e-shots.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'child_process';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { startServer, launchBrowser, login as signIn, shots } from './harness';
import { makePng } from '../api/png';
import { newStudent } from '../api/fixtures';

const PASSWORD = 'Xueji@2026';
let base = '';
let stopServer = () => {};
let browser: Browser;

/** Real HTTP as an account (for setting up data and reading back what is stored). */
const tokens = new Map<string, string>();
async function api(email: string) {
  if (!tokens.has(email)) {
    // One sign-in per account: the login rate limit counts every attempt from this address.
    const res = await fetch(`${base}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    tokens.set(email, (await res.json()).data.token);
  }
  const token = tokens.get(email)!;
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }) }, body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body),
    upload: async () => {
      const form = new FormData();
      form.append('files', new Blob([makePng(6, 6, [Math.floor(Math.random() * 255), 60, 120])], { type: 'image/png' }), 'photo.png');
      return (await call('POST', '/upload', form)).body[0].id as number;
    },
  };
}

beforeAll(async () => {
  ({ base, stop: stopServer } = await startServer('e2e-approvals.db', 1900));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

async function login(email: string): Promise<Page> {
  const page = await signIn(browser, base, email, PASSWORD, { width: 1500, height: 950 });
  // The super admin's guided tour, if any, is not in the way of staff roles; close it when shown.
  await page.getByRole('button', { name: '跳过' }).click({ timeout: 1500 }).catch(() => undefined);
  return page;
}

/** Picks an option of a design-system select by its label. */
async function pick(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('学籍变动 in the admin panel', () => {
  it('a county official approves a transfer in the workbench', async () => {
    const county = await api('county@xueji.demo');
    const todo = await county.get('/xueji/changes?box=todo&type=13');
    const transfer = todo.body.data[0];
    expect(transfer, 'the demo has a transfer waiting at 蜀山区').toBeTruthy();
    const page = await login('county@xueji.demo');
    await page.goto(`${base}/admin/plugins/approvals`);
    await page.waitForSelector('text=审批工作台', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="request-row"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'workbench.png'), fullPage: true });
    await page.locator('[data-testid="request-row"]', { hasText: transfer.student.name }).first().click();
    await page.waitForSelector('text=审批流程');
    await page.getByRole('button', { name: '同意', exact: true }).click();
    await page.waitForSelector('text=已同意', { timeout: 15_000 });
    await page.screenshot({ path: path.join(shots, 'workbench-approved.png') });
    const after = await county.get(`/xueji/changes/${transfer.documentId}`);
    expect(after.body.data.steps[transfer.currentStep].decision).toBe('approve');
    await page.close();
  });

  it('a correction shows the county each field’s old value beside the new one', async () => {
    const county = await api('county@xueji.demo');
    const req = (await county.get('/xueji/changes?box=todo&type=51')).body.data[0];
    expect(req, 'the demo has a correction waiting at 蜀山区').toBeTruthy();
    const full = (await county.get(`/xueji/changes/${req.documentId}`)).body.data;
    const page = await login('county@xueji.demo');
    await page.goto(`${base}/admin/plugins/approvals`);
    await page.locator('[data-testid="request-row"]', { hasText: '关键信息变更' }).first().click();
    const line = page.locator('[data-testid="correction-field"]').first();
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toBe(`姓名：${full.payload.before.name} → ${full.payload.fields.name}`);
    await page.screenshot({ path: path.join(shots, 'workbench-correction.png') });
    await page.close();
  });

  it('a registrar files a suspension from the student page and sees it in 我的申请', async () => {
    const school = await api('school@xueji.demo');
    const list = await school.get('/content-manager/collection-types/api::student.student?page=1&pageSize=50&filters[grade][$eq]=4&filters[enrollmentStatus][$eq]=01');
    const held = new Set(((await school.get('/xueji/changes?box=mine&pageSize=200')).body.data).filter((r: any) => ['pending', 'returned'].includes(r.state)).map((r: any) => r.student?.documentId));
    const student = list.body.results.find((s: any) => s.registrationStatus === 'registered' && !held.has(s.documentId));
    const page = await login('school@xueji.demo');
    await page.goto(`${base}/admin/content-manager/collection-types/api::student.student/${student.documentId}`);
    await page.waitForSelector('[data-testid="change-panel"]', { timeout: 30_000 });
    await pick(page, '变动类型', '休学');
    await page.getByLabel('变动原因').fill('因病住院治疗，申请休学一年');
    await page.getByLabel('休学期限（月）').fill('12');
    await page.setInputFiles('input[aria-label="上传证明材料"]', { name: '诊断证明.png', mimeType: 'image/png', buffer: makePng(8, 8, [200, 10, 10]) });
    await page.waitForSelector('text=已上传 1 个文件');
    await page.screenshot({ path: path.join(shots, 'student-panel.png'), fullPage: true });
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForSelector('text=已提交', { timeout: 15_000 });
    await page.goto(`${base}/admin/plugins/approvals/mine`);
    await page.locator('[data-testid="my-request-row"]', { hasText: student.name }).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="my-request-row"]', { hasText: student.name }).first().textContent()).toContain('休学');
    await page.screenshot({ path: path.join(shots, 'my-requests.png'), fullPage: true });
    await page.close();
  });

  it('a registrar submits a class of drafts with the pledge; the county approves the batch', async () => {
    const school = await api('school@xueji.demo');
    const classes = await school.get('/content-manager/collection-types/api::school-class.school-class?page=1&pageSize=50&filters[grade][$eq]=1');
    const cls = classes.body.results[classes.body.results.length - 1];
    const made: string[] = [];
    for (let i = 0; i < 2; i++) {
      const body: any = newStudent(cls, { name: `新生${'甲乙'[i]}` });
      body.photo = await school.upload();
      const res = await school.post('/content-manager/collection-types/api::student.student', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      made.push(res.body.data.documentId);
    }
    const page = await login('school@xueji.demo');
    await page.goto(`${base}/admin/plugins/approvals/mine`);
    await page.getByRole('tab', { name: '新生注册' }).click();
    await page.locator('[data-testid="draft-row"]', { hasText: '新生甲' }).waitFor({ timeout: 30_000 });
    for (const name of ['新生甲', '新生乙']) await page.getByRole('checkbox', { name: `选择 ${name}` }).click();
    await page.getByLabel('校长姓名（诚信承诺）').fill('王校长');
    await page.getByRole('checkbox', { name: /本人承诺/ }).click();
    await page.screenshot({ path: path.join(shots, 'registration-submit.png'), fullPage: true });
    await page.getByRole('button', { name: /提交注册/ }).click();
    await page.waitForSelector('text=已提交 2 名学生', { timeout: 15_000 });
    await page.close();

    const countyPage = await login('county@xueji.demo');
    await countyPage.goto(`${base}/admin/plugins/approvals`);
    await countyPage.waitForSelector('[data-testid="request-row"]', { timeout: 30_000 });
    for (const name of ['新生甲', '新生乙']) await countyPage.getByRole('checkbox', { name: new RegExp(`选择 新生注册 · ${name}`) }).click();
    await countyPage.getByRole('button', { name: /同意所选（2）/ }).click();
    await countyPage.waitForSelector('text=已同意 2 项', { timeout: 15_000 });
    await countyPage.screenshot({ path: path.join(shots, 'registration-approved.png'), fullPage: true });
    await countyPage.close();
    for (const id of made) {
      const s = await school.get(`/content-manager/collection-types/api::student.student/${id}`);
      expect(s.body.data.registrationStatus).toBe('registered');
      expect(s.body.data.regionalNumber).toMatch(/^\d{16}$/);
    }
  });

  it('the home page shows the unit’s to-do: waiting and overdue counts and the latest notices', async () => {
    const county = await api('county@xueji.demo');
    const waiting = (await county.get('/xueji/changes?box=todo&pageSize=1')).body.meta.pagination.total;
    const page = await login('county@xueji.demo');
    await page.goto(`${base}/admin`);
    const widget = page.locator('[data-testid="todo-widget"]');
    await widget.waitFor({ timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelector('[data-testid="todo-widget"]')?.textContent?.includes(`待办 ${n}`), waiting, { timeout: 15_000 });
    expect(await page.textContent('body')).not.toContain('Something went wrong');
    // The menu shows the workbench to a bureau, not 我的申请.
    expect(await page.locator('nav a[href="/admin/plugins/approvals"]').count()).toBe(1);
    expect(await page.locator('nav a[href="/admin/plugins/approvals/mine"]').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'home-todo.png'), fullPage: true });
    await page.close();
  });

  it('the printable change report renders to an A4 PDF whose text reads back in Chinese', async () => {
    const county = await api('county@xueji.demo');
    const req = (await county.get('/xueji/changes?box=all&state=approved&pageSize=1')).body.data[0];
    const page = await login('county@xueji.demo');
    await page.goto(`${base}/admin/plugins/approvals/print/${req.documentId}`);
    await page.waitForSelector('[data-testid="change-report"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'change-report.png'), fullPage: true });
    const pdf = path.join(shots, 'change-report.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.close();
    // pdftotext: Debian's poppler-utils (.ci/run installs it with Chromium).
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('学生学籍变动报告');
    expect(text).toContain(req.typeLabel);
    expect(text).toContain('校长签字');
    if (req.student?.name) expect(text.replace(/\s+/g, '')).toContain(req.student.name);
  });
});
