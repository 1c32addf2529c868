/**
 * 学年升级 as a province official does it in the browser: the preview, a start by hand (the
 * blockers acknowledged), the run's report, and the undo — each checked against what the server
 * answered. Screenshots: promotion-preview.png, promotion-report.png, promotion-undone.png.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'path';
import type { Browser } from 'playwright-core';
import { startServer, launchBrowser, login, shots } from './harness';

let base = '';
let stopServer = () => {};
let browser: Browser;

beforeAll(async () => {
  ({ base, stop: stopServer } = await startServer('e2e-promotion.db', 2650));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

describe('学年升级 page', () => {
  it('preview, start, report and undo', async () => {
    const page = await login(browser, base, 'province@xueji.demo');
    const previewRes = page.waitForResponse((r) => r.url().includes('/xueji/promotion/preview'), { timeout: 30_000 });
    await page.goto(`${base}/admin/plugins/xueji-promotion`);
    const preview = (await (await previewRes).json()).data;
    await page.getByRole('heading', { name: '学年升级' }).waitFor({ timeout: 30_000 });
    await page.getByText(`升级到 ${preview.schoolYearLabel} 学年`).waitFor({ timeout: 30_000 });
    await page.getByText(`升级学生 ${preview.totals.promoted} 名`).waitFor();
    expect(preview.totals.promoted).toBeGreaterThan(0);
    const startButton = page.getByRole('button', { name: '开始升级' });
    if (preview.blockers.length) {
      await page.getByText(`待处理事项（${preview.blockers.length}）`).waitFor();
      expect(await startButton.isDisabled()).toBe(true); // blockers must be acknowledged first
      await page.getByRole('checkbox', { name: '已知悉以上事项，仍然升级' }).click();
    }
    await page.screenshot({ path: path.join(shots, 'promotion-preview.png'), fullPage: true });

    // Start (the confirm dialog is accepted by the harness).
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/xueji/promotion/runs'), { timeout: 60_000 });
    await startButton.click();
    const startRes = await started;
    expect(startRes.status(), await startRes.text()).toBe(201);
    const run = (await startRes.json()).data;
    expect(run).toMatchObject({ schoolYear: preview.schoolYear, state: 'done', trigger: 'manual' });
    expect(run.report.moved.students).toBe(preview.totals.promoted);
    await page.getByText(`已升级到 ${preview.schoolYearLabel} 学年`).first().waitFor({ timeout: 30_000 });
    await page.locator('td').filter({ hasText: /^已升级$/ }).waitFor({ timeout: 30_000 });
    // The next year would be two ahead of the calendar: said, and the start is disabled.
    await page.getByText(/最多提前升级到/).waitFor({ timeout: 30_000 });
    expect(await startButton.isDisabled()).toBe(true);

    // The report of the run.
    await page.getByRole('button', { name: '报告', exact: true }).click();
    await page.getByText(`升级报告：${preview.schoolYear - 1}-${preview.schoolYear} → ${preview.schoolYearLabel} 学年`).waitFor({ timeout: 30_000 });
    await page.getByText(`学生 ${run.report.moved.students} 名，班级 ${run.report.moved.classes} 个`).first().waitFor();
    await page.getByLabel('升级报告').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'promotion-report.png'), fullPage: true });

    // Undo: every student and class back, the school year back.
    const undone = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/xueji/promotion/runs/${preview.schoolYear}/undo`), { timeout: 60_000 });
    await page.getByRole('button', { name: '撤销', exact: true }).click();
    const undoRes = await undone;
    expect(undoRes.status(), await undoRes.text()).toBe(200);
    const back = (await undoRes.json()).data;
    expect(back.state).toBe('undone');
    expect(back.report.undone).toEqual(run.report.moved);
    await page.getByText(`已撤销本次升级：恢复学生 ${run.report.moved.students} 名`).first().waitFor({ timeout: 30_000 });
    await page.getByText(/^已撤销（/).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: '撤销', exact: true }).count()).toBe(0);
    await page.getByText(`当前 ${preview.schoolYear - 1}-${preview.schoolYear} 学年 → 升级到 ${preview.schoolYearLabel} 学年`).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'promotion-undone.png'), fullPage: true });
    await page.close();
  });
});
