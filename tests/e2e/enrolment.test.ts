/**
 * Issue 9, in the real browser: a school registrar enrols a student with two family members
 * through the Content Manager form — region pickers, code selects by label, the class picked by
 * name, 民族 chosen by typing its code; 保存 with one family member, or with a family member's wrong ID number, tells why next
 * to the field — and a county official opening another county's record reads the refusal.
 * Screenshots: .tmp/e2e-shots/enrol-*.png, refusal-*.png.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'path';
import Database from 'better-sqlite3';
import type { Browser, Page, Locator } from 'playwright-core';
import { startServer, launchBrowser, login, shots, root } from './harness';
import { labelOf } from '../../src/domain/code-lookup';
import { makeIdNumber } from '../../src/domain/id-card';

const DB = 'e2e-enrolment.db';
let base = '';
let stopServer = () => {};
let browser: Browser;

beforeAll(async () => {
  ({ base, stop: stopServer } = await startServer(DB, 2300, 400));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

/** The county official's page, signed in once for the tests that read as that account. */
let county: Page | undefined;
const countyPage = async () => (county ??= await login(browser, base, 'county@xueji.demo'));

const db = () => new Database(path.join(root, '.tmp', DB), { readonly: true, fileMustExist: true });

/** Opens a design-system select and picks the option with exactly this text. */
async function pick(page: Page, select: Locator, option: string) {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
const code = (page: Page, name: string, table: string, value: string) =>
  pick(page, page.locator(`[role="combobox"][name="${name}"]`), labelOf(table, value)!);
async function region(page: Page, name: string, chain: string[]) {
  const levels = ['省', '市', '县（区）'];
  for (const [i, place] of chain.entries()) await pick(page, page.locator(`[role="combobox"][name="${name}"][aria-label="${levels[i]}"]`), place);
}

describe('enrolment in the browser', () => {
  it('a school registrar enrols a student with two family members through the form', async () => {
    const page = await login(browser, base, 'school@xueji.demo');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/admin/content-manager/collection-types/api::student.student/create`);
    await page.waitForSelector('input[name="name"]', { timeout: 60_000 });
    // 家庭成员 is editable for the registrar (it read "无权查看此字段" before); the fields only the
    // system fills (学校, 学籍号, 地区学号, 注册状态, 学籍状态) are not on the create form at all.
    await page.getByText('暂无记录，点击添加。').waitFor();
    const form = (await page.textContent('main')) ?? '';
    expect(form).not.toContain('无权查看此字段');
    for (const system of ['学籍号', '地区学号', '注册状态', '学籍状态']) expect(form).not.toContain(system);
    expect(await page.locator('input[name="studentNumber"], [name="registrationStatus"], [name="school"]').count()).toBe(0);

    const year = 2026; // the demo clock's school year (autumn 2026)
    const birth = `${year - 7}1012`;
    const name = `浏览器新生${Date.now() % 10000}`;
    await page.fill('input[name="name"]', name);
    await code(page, 'gender', 'gender', '1');
    await page.locator('input[name="birthDate"]').pressSequentially(`${birth.slice(0, 4)}/${birth.slice(4, 6)}/${birth.slice(6)}`);
    await page.keyboard.press('Escape'); // closes the calendar; leaving the input keeps the date
    await page.locator('input[name="birthDate"]').blur();
    expect(await page.inputValue('input[name="birthDate"]')).toBe(`${birth.slice(0, 4)}/${birth.slice(4, 6)}/${birth.slice(6)}`);
    await region(page, 'birthPlace', ['安徽省', '合肥市', '蜀山区']);
    await region(page, 'nativePlace', ['安徽省', '合肥市', '蜀山区']);
    // 民族 by keyboard: on the closed select, typing its code 0 1 chooses 汉族.
    const ethnicity = page.locator('[role="combobox"][name="ethnicity"]');
    await ethnicity.focus();
    await page.keyboard.type('01');
    await expect.poll(() => ethnicity.textContent()).toContain('汉族');
    expect(await ethnicity.getAttribute('aria-expanded')).toBe('false');
    // 国籍/地区: a name, filtered by typing, stored as its GB/T 2659 code ('156' 中国 by default).
    const nationality = page.locator('input[role="combobox"][name="nationality"]');
    expect(await nationality.inputValue()).toBe('中国');
    await nationality.click();
    await nationality.fill('');
    await nationality.pressSequentially('香港');
    await page.getByRole('option', { name: '中国香港', exact: true }).click();
    expect(await nationality.inputValue()).toBe('中国香港');
    await code(page, 'idType', 'studentIdType', '1');
    await page.fill('input[name="idNumber"]', makeIdNumber('340104', birth, 777));
    await code(page, 'health', 'health', '1');
    await region(page, 'hukouRegion', ['安徽省', '合肥市', '蜀山区']);
    await code(page, 'hukouType', 'hukouType', '2');
    await page.fill('input[name="entryYearMonth"]', `${year}09`);
    await code(page, 'entryMethod', 'entryMethod', '11');
    await code(page, 'studyMode', 'studyMode', '1');
    for (const f of ['currentAddress', 'mailingAddress', 'homeAddress']) await page.fill(`input[name="${f}"]`, '合肥市蜀山区长江西路1号');
    await page.fill('input[name="phone"]', '13800000000');
    await page.fill('input[name="postcode"]', '230031');
    await code(page, 'onlyChild', 'yesNo', '1');
    await code(page, 'preschooled', 'yesNo', '1');
    await page.fill('input[name="grade"]', '1');
    // The class, picked by its name.
    await page.locator('input[name="schoolClass"]').click();
    await page.getByRole('option', { name: /一年级/ }).first().click();

    // One family member, then 保存: the form says why it cannot save, at the family field.
    await page.getByText('暂无记录，点击添加。').click();
    await page.fill('input[name="family.0.name"]', '浏览器父亲');
    await code(page, 'family.0.relation', 'familyRelation', '1');
    await code(page, 'family.0.isGuardian', 'yesNo', '1');
    await page.getByRole('button', { name: '保存' }).click();
    const tooFew = '家庭成员：至少填写两名家庭成员（孤儿或单亲可填亲属或监护教师）';
    await page.waitForSelector(`text=${tooFew}`, { timeout: 15_000 });
    await page.getByRole('button', { name: '添加记录' }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'enrol-1-one-member.png') });
    // Under the family list itself (its field), not only in the notification.
    const family = page.locator('label', { hasText: '家庭成员' }).first();
    expect(await page.locator('div', { has: family }).filter({ has: page.locator(`p:text-is("${tooFew}"), span:text-is("${tooFew}")`) }).count()).toBeGreaterThan(0);
    expect(page.url()).toContain('/create');

    // A second member whose ID number is wrong: the server's Chinese message shows at that field.
    await page.getByRole('button', { name: '添加记录' }).first().click();
    await page.fill('input[name="family.1.name"]', '浏览器母亲');
    await code(page, 'family.1.relation', 'familyRelation', '2');
    await code(page, 'family.1.isGuardian', 'yesNo', '1');
    await code(page, 'family.1.idType', 'idType', '1');
    const good = makeIdNumber('340104', '19890202', 142);
    await page.fill('input[name="family.1.idNumber"]', good.slice(0, 17) + (good[17] === '0' ? '1' : '0'));
    await page.getByRole('button', { name: '保存' }).click();
    const idError = page.locator('text=家庭成员2身份证件号：校验位错误').last();
    await idError.waitFor({ timeout: 15_000 });
    await page.locator('input[name="family.1.idNumber"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'enrol-2-server-error.png') });
    // At the field itself: its input and the message share one field.
    expect(await page.locator('div', { has: page.locator('input[name="family.1.idNumber"]') }).filter({ hasText: '校验位错误' }).count()).toBeGreaterThan(0);
    expect(page.url()).toContain('/create');

    // Corrected: saved, and stored with both family members.
    await page.fill('input[name="family.1.idNumber"]', good);
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/create'), { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'enrol-3-saved.png'), fullPage: true });
    const conn = db();
    try {
      const row: any = conn.prepare('SELECT id, birth_place, nationality, ethnicity, school_code FROM students WHERE name = ?').get(name);
      expect(row.birth_place).toBe('340104000000');
      expect(row.ethnicity).toBe('01');
      expect(row.nationality).toBe('344');
      const members = conn.prepare(`SELECT m.name FROM components_family_members m JOIN students_cmps c ON c.cmp_id = m.id AND c.component_type = 'family.member' WHERE c.entity_id = ? ORDER BY c."order"`).all(row.id);
      expect(members.map((m: any) => m.name)).toEqual(['浏览器父亲', '浏览器母亲']);
    } finally {
      conn.close();
    }
    // The saved record shows what the system filled in, read-only (right after 保存, no reload).
    await page.waitForSelector('text=注册状态', { timeout: 15_000 });
    const record = (await page.textContent('main')) ?? '';
    expect(record).not.toContain('无权查看此字段');
    expect(record).toContain('注册状态');
    expect(await page.locator('[role="combobox"][name="registrationStatus"]').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('input[name="name"]').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a county official opening another county\'s record reads the refusal in Chinese', async () => {
    const conn = db();
    const other: any = conn.prepare("SELECT document_id FROM students WHERE county_code = '340123' LIMIT 1").get();
    conn.close();
    const page = await countyPage();
    await page.goto(`${base}/admin/content-manager/collection-types/api::student.student/${other.document_id}`);
    await page.waitForSelector('text=超出管辖范围：只能查看和维护本辖区（本校）的记录', { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'refusal-out-of-scope.png'), fullPage: true });
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toContain('Policy Failed');
    expect(body).not.toMatch(/\bForbidden\b/);
    // Its own list spans schools: 学校 and 班级 columns, by name.
    await page.goto(`${base}/admin/content-manager/collection-types/api::student.student`);
    await page.waitForSelector('tbody tr', { timeout: 30_000 });
    const head = (await page.textContent('thead')) ?? '';
    expect(head).toContain('学校');
    expect(head).toContain('班级');
    expect((await page.textContent('tbody')) ?? '').toMatch(/(小学|中学|学校).*年级\(\d+\)班/);
    await page.screenshot({ path: path.join(shots, 'county-student-list.png') });
  });

  it('a county official reads a 关键信息变更 request by its title, the correction as old beside new', async () => {
    const conn = db();
    const req: any = conn.prepare("SELECT document_id, title FROM change_requests WHERE county_code = '340104' AND type = '51' AND state = 'pending' LIMIT 1").get();
    conn.close();
    expect(req.title).toMatch(/^关键信息变更 · .+ · \d{4}-\d{2}-\d{2}$/);
    const page = await countyPage(); // the same session: no second sign-in
    await page.goto(`${base}/admin/content-manager/collection-types/api::change-request.change-request/${req.document_id}`);
    await page.waitForSelector('text=更正的项目', { timeout: 30_000 });
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain(req.title);
    expect(main).toContain('原值');
    expect(main).toContain('新值');
    expect(main).not.toContain('仅审核单位可见'); // the county decides this request: it sees the old value
    expect(main).not.toContain('"fields"'); // the payload is no raw JSON editor
    await page.locator('text=更正的项目').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'request-correction.png') });
    await page.close();
  });
});
