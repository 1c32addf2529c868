/**
 * The 导入导出 page (src/plugins/xueji-excel) in Debian's Chromium, on the demo province: a school
 * registrar downloads the template, fills it, uploads it and watches the job's progress bar reach
 * 100 %; a bad file ends in 失败 and its error workbook downloads with the bad cell red and the
 * reason; an export shows its rows-written progress. Screenshots under .tmp/e2e-shots.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'fs';
import path from 'path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { startServer, launchBrowser, login, shots } from './harness';
import { makeIdNumber } from '../../src/domain/id-card';

let base = '';
let stopServer = () => {};
let browser: Browser;
let page: Page;
const dir = path.join(shots, '..', 'e2e-import-export');
const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
let seq = 0;

/** One valid grade-1 row (ID numbers of region 340111, outside the demo counties). */
function row(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = seq++;
  const birth = `${year - 7}${10 + (n % 3)}${String(1 + (n % 28)).padStart(2, '0')}`;
  return {
    姓名: `浏览器导入${n}`, 性别: '男', 出生日期: birth, 出生地: '340104000000', 籍贯: '340104000000', 民族: '汉族', '国籍/地区': '156',
    身份证件类型: '1', 身份证件号: makeIdNumber('340111', birth, 501 + 2 * n), 港澳台侨外: '00', 健康状况: '1', 户口所在地: '340104000000',
    户口性质: '非农业户口', 年级: '1', 班级: '1', 入学年月: `${year}09`, 入学方式: '11', 就读方式: '走读', 现住址: '合肥市蜀山区长江西路1号',
    通信地址: '合肥市蜀山区长江西路1号', 家庭地址: '合肥市蜀山区长江西路1号', 联系电话: '13800000000', 邮政编码: '230031',
    是否独生子女: '是', 是否受过学前教育: '1', '上下学距离(公里)': '2.5',
    家庭成员1姓名: '导入父亲', 家庭成员1关系: '1', 家庭成员1是否监护人: '是',
    家庭成员2姓名: '导入母亲', 家庭成员2关系: '2', 家庭成员2是否监护人: '是',
    ...over,
  };
}

/** The downloaded template filled with rows (its header row kept as is). */
async function fill(template: string, rows: Array<Record<string, unknown>>, name: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(template);
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as any[]).slice(1).map(String);
  rows.forEach((r, i) => headers.forEach((h, j) => { if (r[h] !== undefined) ws.getRow(i + 2).getCell(j + 1).value = r[h] as any; }));
  const file = path.join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

async function downloadBy(name: string | RegExp, to: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).first().click()]);
  const file = path.join(dir, to);
  await dl.saveAs(file);
  return file;
}

beforeAll(async () => {
  fs.mkdirSync(dir, { recursive: true });
  ({ base, stop: stopServer } = await startServer('e2e-import-export.db', 2600));
  browser = await launchBrowser();
  page = await login(browser, base, 'school@xueji.demo');
  await page.getByRole('button', { name: '跳过' }).click({ timeout: 1500 }).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

describe('导入导出 page', () => {
  it('the menu link opens the plugin page; a registrar uploads the filled template and the progress bar reaches 100 %', async () => {
    await page.getByRole('link', { name: '导入导出' }).click();
    await page.waitForURL(/\/admin\/plugins\/xueji-excel/);
    await page.getByRole('heading', { name: '导入导出' }).waitFor();

    const template = await downloadBy('下载模板', 'template.xlsx');
    const file = await fill(template, Array.from({ length: 20 }, () => row()), 'good.xlsx');
    await page.setInputFiles('input[type="file"]', file);
    await page.getByRole('button', { name: '上传', exact: true }).click();

    // The job's bar, watched until it is done: its percentages never go back and end at 100.
    const first = page.locator('tbody tr').first();
    await expect.poll(async () => first.innerText(), { timeout: 60_000 }).toContain('good.xlsx');
    const seen: number[] = [];
    for (let i = 0; i < 600 && seen[seen.length - 1] !== 100; i++) {
      const label = await first.getByRole('progressbar').getAttribute('aria-label');
      const pct = Number(/导入进度 (\d+)%/.exec(label ?? '')?.[1]);
      if (seen[seen.length - 1] !== pct) seen.push(pct);
      await page.waitForTimeout(100);
    }
    expect(seen[seen.length - 1]).toBe(100);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await first.getByText(/完成/).waitFor();
    expect(await first.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.waitForTimeout(400); // the bar's width transition
    expect(await first.innerText()).toContain('20 / 20 / 20');
    await page.screenshot({ path: path.join(shots, 'import-export-done.png'), fullPage: true });
  });

  it('a bad file fails with nothing written and its error workbook downloads with the red cell and the reason', async () => {
    const template = path.join(dir, 'template.xlsx');
    const bad = row();
    const id = String(bad['身份证件号']);
    bad['身份证件号'] = id.slice(0, 17) + (id[17] === '0' ? '1' : '0'); // wrong check digit
    const file = await fill(template, [row(), bad], 'bad.xlsx');
    await page.setInputFiles('input[type="file"]', file);
    await page.getByRole('button', { name: '上传', exact: true }).click();

    const first = page.locator('tbody tr').first();
    await expect.poll(async () => first.innerText(), { timeout: 60_000 }).toContain('bad.xlsx');
    await first.getByText(/失败/).waitFor({ timeout: 60_000 });
    expect(await first.innerText()).toContain('未写入任何数据');
    await page.screenshot({ path: path.join(shots, 'import-export-failed.png'), fullPage: true });

    const [dl] = await Promise.all([page.waitForEvent('download'), first.getByRole('button', { name: '下载错误文件' }).click()]);
    const errors = path.join(dir, 'errors.xlsx');
    await dl.saveAs(errors);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(errors);
    const ws = wb.worksheets[0];
    const headers = (ws.getRow(1).values as any[]).slice(1).map(String);
    const idCol = headers.indexOf('身份证件号') + 1;
    const reasonCol = headers.indexOf('错误原因') + 1;
    expect(idCol).toBeGreaterThan(0);
    expect(reasonCol).toBeGreaterThan(0);
    const badCell = ws.getRow(3).getCell(idCol);
    expect(String(badCell.value)).toBe(bad['身份证件号']);
    expect((badCell.fill as any)?.fgColor?.argb).toBe('FFFF9999');
    expect(String(ws.getRow(3).getCell(reasonCol).value)).toContain('身份证件号');
    expect(ws.getRow(2).getCell(reasonCol).value ?? '').toBe('');
  });

  it('an export shows its progress (rows written of the total) and downloads the workbook', async () => {
    const file = await downloadBy('导出学生名单', 'students.xlsx');
    await page.getByText(/学生名单：导出完成 \d+ \/ \d+ 行/).waitFor({ timeout: 30_000 });
    const text = await page.getByText(/学生名单：导出完成/).innerText();
    const [, written, total] = /(\d+) \/ (\d+) 行/.exec(text)!;
    expect(Number(total)).toBeGreaterThan(20);
    expect(written).toBe(total);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets[0].rowCount - 1).toBe(Number(total));
    await page.screenshot({ path: path.join(shots, 'import-export-export.png'), fullPage: true });
  });
});
