/**
 * Excel over HTTP (issue 11): templates from the one column spec, the new-student import as a
 * job (all rows checked first, nothing written on any error, an error workbook checked cell by
 * cell, dry run, cancel), the bureau's file with 学校标识码, and the robustness cases — real
 * .xlsx files built with ExcelJS.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { PassThrough } from 'stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import fs from 'fs';
import path from 'path';
import { request as httpRequest } from 'http';
import type { AddressInfo } from 'net';
import { getStrapi, http, adminToken } from './harness';
import { recoverJobs, cleanJobFiles, jobFilesDir } from '../../src/server/excel/job-files';
import { demo, refused, account, schoolOfAccount, freeStudents, STUDENT, CLASS, SCHOOL } from './change-kit';
import { makeIdNumber } from '../../src/domain/id-card';
import { NATIONAL_COLUMNS, SEPARATOR_COLUMN, columnsOf, parseCell } from '../../src/domain/excel-columns';

let strapi: any;
const q = (uid: string) => strapi.db.query(uid);
let A: any;
let cls: any;
let seq = 0;
/** A fresh ID number (region 340111 is outside the demo counties) and its birth date. */
function freshId(female = false): { id: string; birth: string } {
  const n = seq++;
  const birth = `${year - 7}${10 + (n % 3)}${String(1 + (Math.floor(n / 3) % 28)).padStart(2, '0')}`;
  const s3 = 301 + 2 * Math.floor(n / 84) + (female ? 1 : 0);
  return { id: makeIdNumber('340111', birth, s3), birth };
}
const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);

beforeAll(async () => {
  strapi = await getStrapi();
  A = await schoolOfAccount();
  const classes = await q(CLASS).findMany({ where: { schoolCode: A.code, grade: 1 }, orderBy: { number: 'asc' } });
  cls = classes[0];
});

/** One valid row of the national template, keyed by header. */
function row(over: Record<string, unknown> = {}): Record<string, unknown> {
  const { id: idNumber, birth } = freshId();
  return {
    姓名: '导入学生', 性别: '男', 出生日期: birth, 出生地: '340104000000', 籍贯: '340104000000', 民族: '汉族', '国籍/地区': '156',
    身份证件类型: '1', 身份证件号: idNumber, 港澳台侨外: '00', 健康状况: '1', 户口所在地: '340104000000', 户口性质: '非农业户口',
    年级: '1', 班级: cls.name, 入学年月: `${year}09`, 入学方式: '11', 就读方式: '走读', 现住址: '合肥市蜀山区长江西路1号',
    通信地址: '合肥市蜀山区长江西路1号', 家庭地址: '合肥市蜀山区长江西路1号', 联系电话: '13800000000', 邮政编码: '230031',
    是否独生子女: '是', 是否受过学前教育: '1', '上下学距离(公里)': '2.5',
    家庭成员1姓名: '导入父亲', 家庭成员1关系: '1', 家庭成员1是否监护人: '是', 家庭成员1身份证件类型: '1', 家庭成员1身份证件号: makeIdNumber('340104', '19880101', 131),
    家庭成员2姓名: '导入母亲', 家庭成员2关系: '2', 家庭成员2是否监护人: '是',
    ...over,
  };
}

/** A workbook filled from the downloaded template (its header, styles and dropdowns kept). */
async function workbook(rows: Array<Record<string, unknown>>, opts: { template?: Buffer; headers?: string[]; raw?: (ws: ExcelJS.Worksheet) => void } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  let ws: ExcelJS.Worksheet;
  let headers: string[];
  if (opts.template) {
    await wb.xlsx.load(opts.template as any);
    ws = wb.worksheets[0];
    headers = (ws.getRow(1).values as any[]).slice(1).map(String);
  } else {
    ws = wb.addWorksheet('学生');
    headers = opts.headers ?? NATIONAL_COLUMNS.map((c) => c.header);
    ws.getRow(1).values = headers;
  }
  rows.forEach((r, i) => {
    const line = ws.getRow(i + 2);
    headers.forEach((h, j) => { if (r[h] !== undefined) line.getCell(j + 1).value = r[h] as any; });
  });
  opts.raw?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(email: string, buf: Buffer, fields: Record<string, string> = { kind: 'students' }, password?: string, name = 'students.xlsx') {
  const token = await adminToken(email, password);
  let req = (await http()).post('/xueji/imports').set('Authorization', `Bearer ${token}`).attach('file', buf, { filename: name, contentType: 'application/octet-stream' });
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

async function waitJob(email: string, id: number, password?: string) {
  const api = await (password ? (await import('./harness')).asAdmin(email, password) : (await import('./harness')).asAdmin(email));
  for (let i = 0; i < 300; i++) {
    const res = await api.get(`/xueji/imports/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (['done', 'failed', 'cancelled'].includes(res.body.data.state)) return res.body.data;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

async function importAs(email: string, buf: Buffer, fields?: Record<string, string>, password?: string) {
  const res = await upload(email, buf, fields, password);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.data.state).toBe('queued');
  return waitJob(email, res.body.data.id, password);
}

const binary = (res: any, cb: any) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => cb(null, Buffer.concat(chunks))); };
async function getXlsx(email: string, url: string) {
  const token = await adminToken(email);
  return (await http()).get(url).set('Authorization', `Bearer ${token}`).buffer(true).parse(binary);
}

const JOB = 'api::import-job.import-job';

/** A raw POST that sends only its headers (Content-Length `length`) and waits for the answer. */
async function announce(url: string, token: string, length: number): Promise<{ status: number; body: any }> {
  const server = (await getStrapi()).server.httpServer;
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: url, headers: {
      Authorization: `Bearer ${token}`, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(length),
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => { reject(new Error('no answer within 10 s')); req.destroy(); }, 10_000).unref();
  });
}

const countStudents = () => q(STUDENT).count({ where: { schoolCode: A.code } });
const SCHOOL_USER = 'school@xueji.demo';

describe('templates', () => {
  it('the national student template: 72 fields + hidden separator, text cells, dropdowns, frozen header, instructions', async () => {
    const res = await getXlsx(SCHOOL_USER, '/xueji/templates/students');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const headers = (ws.getRow(1).values as any[]).slice(1);
    expect(headers.length).toBe(73);
    expect(headers.filter((h) => h !== '家庭成员信息').length).toBe(72);
    expect(headers.slice(0, 3)).toEqual(['姓名', '性别', '出生日期']);
    expect(headers[SEPARATOR_COLUMN - 1]).toBe('家庭成员信息');
    expect(SEPARATOR_COLUMN).toBe(49);
    expect(headers[49]).toBe('家庭成员1姓名');
    expect(headers[72]).toBe('家庭成员2职务');
    expect(ws.getColumn(SEPARATOR_COLUMN).hidden).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getColumn(9).numFmt).toBe('@'); // 身份证件号 as text
    expect(ws.getCell('I2').numFmt).toBe('@');
    const dv = (ws as any).dataValidations.model;
    const gender = Object.entries<any>(dv).find(([addr]) => addr.startsWith('B2'));
    expect(gender?.[1]).toMatchObject({ type: 'list' });
    const codeSheet = wb.getWorksheet('代码表')!;
    const ref = String(gender![1].formulae[0]);
    const col = /\$([A-Z]+)\$2/.exec(ref)![1];
    expect([2, 3, 4, 5].map((r) => codeSheet.getCell(`${col}${r}`).value)).toEqual(['未知的性别', '男', '女', '未说明的性别']);
    expect(wb.getWorksheet('填写说明')!.getCell('A1').value).toContain('填写说明');
  });

  it('a bureau’s copy ends with 学校标识码; each kind has its template; an unknown kind is 404', async () => {
    const res = await getXlsx('county@xueji.demo', '/xueji/templates/students');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const headers = (wb.worksheets[0].getRow(1).values as any[]).slice(1);
    expect(headers.length).toBe(74);
    expect(headers[73]).toBe('学校标识码');
    for (const kind of ['update', 'resume', 'exam', 'evaluation', 'award', 'punishment', 'graduates', 'classes']) {
      const r = await getXlsx(SCHOOL_USER, `/xueji/templates/${kind}`);
      expect(r.status, kind).toBe(200);
      const w = new ExcelJS.Workbook();
      await w.xlsx.load(r.body);
      expect((w.worksheets[0].getRow(1).values as any[]).slice(1), kind).toEqual(columnsOf(kind as any).map((c) => c.header));
    }
    refused(await (await demo('school')).get('/xueji/templates/nope'), 404, 'TEMPLATE_KIND_UNKNOWN');
  });
});

describe('new-student import', () => {
  it('writes every row as a draft student in Strapi’s tables, with family, links, numbers and one audit row', async () => {
    const tpl = (await getXlsx(SCHOOL_USER, '/xueji/templates/students')).body;
    const rows = [row({ 姓名: '导入甲' }), row({ 姓名: '导入乙', 性别: '2', 民族: '03' }), row({ 姓名: '导入丙', 班级: String(cls.number) })];
    rows[2]['出生日期'] = String(rows[2]['出生日期']).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
    const f = freshId(true);
    Object.assign(rows[1], { 身份证件号: f.id, 出生日期: f.birth });
    const before = await countStudents();
    const job = await importAs(SCHOOL_USER, await workbook(rows, { template: tpl }));
    expect(job, JSON.stringify(job.errors)).toMatchObject({ kind: 'students', state: 'done', rowsRead: 3, rowsValid: 3, rowsWritten: 3, errors: [] });
    expect(await countStudents()).toBe(before + 3);
    const stored = await q(STUDENT).findMany({ where: { name: { $in: ['导入甲', '导入乙', '导入丙'] } }, populate: { family: true, schoolClass: true, school: true } });
    expect(stored).toHaveLength(3);
    for (const s of stored) {
      expect(s.registrationStatus).toBe('draft');
      expect(s.enrollmentStatus).toBe('01');
      expect(s.documentId).toMatch(/^[a-z0-9]{24}$/);
      expect(s.publishedAt).toBeTruthy();
      expect(s.schoolClass.id).toBe(cls.id);
      expect(s.school.id).toBe(A.id);
      expect(s.schoolCode).toBe(A.code);
      expect(s.countyCode).toBe(A.countyCode);
      expect(s.identityKey).toBe(`P:${s.idNumber}`);
      expect(s.studentNumber).toBe(`G${s.idNumber}`);
      expect(s.grade).toBe(1);
      expect(s.family.map((m: any) => m.name)).toEqual(['导入父亲', '导入母亲']);
    }
    const yi = stored.find((s: any) => s.name === '导入乙');
    expect(yi).toMatchObject({ gender: '2', ethnicity: '03', hukouType: '2', studyMode: '1', onlyChild: '1', commuteDistance: 2.5 });
    expect(stored.find((s: any) => s.name === '导入丙').birthDate).toBe(rows[2]['出生日期']);
    const audit = await q('api::audit-log.audit-log').findMany({ where: { action: 'import', subjectId: String(job.id) } });
    expect(audit).toHaveLength(1);
    expect(audit[0].changes).toMatchObject({ kind: 'students', fileName: 'students.xlsx', rowsWritten: 3 });
    expect(audit[0].actorId).toBe((await q('admin::user').findOne({ where: { email: SCHOOL_USER } })).id);
    // The admin panel reads them like any other record.
    const cm = await (await demo('school')).get(`/content-manager/collection-types/${STUDENT}/${yi.documentId}`);
    expect(cm.status, JSON.stringify(cm.body)).toBe(200);
    expect(cm.body.data.family).toHaveLength(2);
  });

  it('any error: nothing written, every bad cell reported, the error workbook marks each cell red with the rule', async () => {
    const dup = freshId();
    const bad = freshId();
    const badId = bad.id.slice(0, 17) + (bad.id[17] === '0' ? '1' : '0');
    const rows = [
      row({ 姓名: '错误甲', 身份证件号: badId, 出生日期: bad.birth }),
      row({ 姓名: '错误乙', 民族: '火星族', 联系电话: '138-0000', '上下学距离(公里)': '2.55' }),
      row({ 姓名: '错误丙', 身份证件号: dup.id, 出生日期: dup.birth }),
      row({ 姓名: '错误丁', 身份证件号: dup.id, 出生日期: dup.birth }),
      row({ 姓名: '错误戊', 班级: '一年级(99)班', 出生日期: '20150231' }),
      row({ 姓名: '正确己' }),
    ];
    const before = await countStudents();
    const job = await importAs(SCHOOL_USER, await workbook(rows));
    expect(job.state).toBe('failed');
    expect(job.rowsRead).toBe(6);
    expect(job.rowsWritten).toBe(0);
    expect(await countStudents()).toBe(before);
    expect(await q(STUDENT).count({ where: { name: '正确己' } })).toBe(0);
    const col = (h: string) => NATIONAL_COLUMNS.findIndex((c) => c.header === h) + 1;
    const codes = job.errors.map((e: any) => [e.row, e.column, e.code]);
    expect(codes).toEqual([
      [2, col('身份证件号'), 'ID_CHECKSUM'],
      [3, col('民族'), 'CODE_UNKNOWN'],
      [3, col('联系电话'), 'PHONE_DIGITS'],
      [3, col('上下学距离(公里)'), 'DECIMAL_ONE_PLACE'],
      [5, col('身份证件号'), 'STUDENT_DUPLICATE_IN_FILE'],
      [6, col('出生日期'), 'DATE_INVALID'],
      [6, col('班级'), 'CLASS_NOT_FOUND'],
    ].sort((a: any, b: any) => a[0] - b[0] || a[1] - b[1]));
    for (const e of job.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(job.rowsValid).toBe(2);

    const res = await getXlsx(SCHOOL_USER, `/xueji/imports/${job.id}/errors.xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const reasonCol = NATIONAL_COLUMNS.length + 1;
    expect(ws.getRow(1).getCell(reasonCol).value).toBe('错误原因');
    expect(ws.getRow(2).getCell(1).value).toBe('错误甲');
    expect(ws.getRow(2).getCell(col('身份证件号')).value).toBe(badId);
    expect(String(ws.getRow(3).getCell(reasonCol).value)).toContain('火星族');
    for (const e of job.errors) {
      const cell = ws.getRow(e.row).getCell(e.column);
      expect((cell.fill as any)?.fgColor?.argb, `${e.row}/${e.column}`).toBe('FFFF9999');
      expect(JSON.stringify(cell.note)).toContain(e.code);
    }
    expect((ws.getRow(7).getCell(1).fill as any)?.fgColor?.argb).toBeUndefined();
    expect(ws.getRow(7).getCell(reasonCol).value ?? '').toBe('');
  });

  it('查重 against the database, class caps counting the file’s own rows, classes that do not exist', async () => {
    const seeded = await q(STUDENT).findOne({ where: { schoolCode: A.code, idType: '1', idIsGuardians: false } });
    const full = await q(STUDENT).count({ where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: ['01', '02', '03', '04', '05'] } } });
    const free = 56 - full;
    const rows = Array.from({ length: free + 1 }, (_, i) => row({ 姓名: `满班${i}` }));
    rows.push(row({ 姓名: '重号', 身份证件号: seeded.idNumber, 出生日期: seeded.birthDate, 性别: seeded.gender }));
    const job = await importAs(SCHOOL_USER, await workbook(rows));
    expect(job.state).toBe('failed');
    const codes = job.errors.map((e: any) => [e.row, e.code]);
    // Rows 2 … free+1 fill the class; the next two (one of them also a duplicate) are over the cap.
    expect(codes).toEqual([[free + 2, 'CLASS_FULL'], [free + 3, 'STUDENT_DUPLICATE'], [free + 3, 'CLASS_FULL']]);
    expect(job.errors.find((e: any) => e.code === 'STUDENT_DUPLICATE').message).toContain(seeded.schoolCode);
    expect(await q(STUDENT).count({ where: { name: { $startsWith: '满班' } } })).toBe(0);
  });

  it('dry run checks without writing', async () => {
    const before = await countStudents();
    const job = await importAs(SCHOOL_USER, await workbook([row({ 姓名: '试算' })]), { kind: 'students', dryRun: 'true' });
    expect(job).toMatchObject({ state: 'done', dryRun: true, rowsRead: 1, rowsValid: 1, rowsWritten: 0 });
    expect(await countStudents()).toBe(before);
    refused(await (await demo('school')).get(`/xueji/imports/${job.id}/errors.xlsx`), 404, 'IMPORT_NO_ERROR_FILE');
    refused(await (await demo('school')).post(`/xueji/imports/${job.id}/cancel`), 409, 'IMPORT_NOT_CANCELLABLE');
  });

  it('a bureau names each row’s school by 学校标识码; a school outside its county is refused', async () => {
    const other = await q(SCHOOL).findOne({ where: { countyCode: { $ne: A.countyCode } } });
    const headers = [...NATIONAL_COLUMNS.map((c) => c.header), '学校标识码'];
    const rows = [row({ 姓名: '县导入', 学校标识码: A.code }), row({ 姓名: '县外', 学校标识码: other.code }), row({ 姓名: '无校' })];
    const job = await importAs('county@xueji.demo', await workbook(rows, { headers }));
    expect(job.state).toBe('failed');
    expect(job.errors.map((e: any) => [e.row, e.column, e.code])).toEqual([[3, 74, 'OUT_OF_SCOPE'], [4, 74, 'SCHOOL_CODE_REQUIRED']]);
    const ok = await importAs('county@xueji.demo', await workbook([row({ 姓名: '县导入', 学校标识码: A.code })], { headers }));
    expect(ok).toMatchObject({ state: 'done', rowsWritten: 1 });
    expect(await q(STUDENT).findOne({ where: { name: '县导入' } })).toMatchObject({ schoolCode: A.code, registrationStatus: 'draft' });
    // Another school's registrar sees neither job.
    const B = await q(SCHOOL).findOne({ where: { code: { $ne: A.code }, countyCode: A.countyCode } });
    const other2 = await account(`excel-b-${B.code}@xueji.test`, 'school', B.code);
    refused(await other2.get(`/xueji/imports/${ok.id}`), 404, 'IMPORT_NOT_FOUND');
  });
});

/** A sheet of a kind: its headers and rows keyed by header. */
const sheetOf = (kind: string, rows: Array<Record<string, unknown>>) => workbook(rows, { headers: columnsOf(kind as any).map((c) => c.header) });

describe('imports on existing students (matched by 姓名 + 身份证件号)', () => {
  it('batch update: unmatched rows get SPEC §7’s message, key fields of registered students are locked; nothing half-written', async () => {
    const [s1, s2] = await freeStudents(A.code, {}, 2);
    const rows = [
      { 姓名: s1.name, 身份证件号: s1.idNumber, 联系电话: '13900001111', 家庭成员1工作单位: '批量修改单位' },
      { 姓名: s2.name, 身份证件号: s2.idNumber, 性别: s2.gender === '1' ? '2' : '1' },
      { 姓名: '查无此人', 身份证件号: s2.idNumber },
    ];
    const job = await importAs(SCHOOL_USER, await workbook(rows), { kind: 'update' });
    expect(job.state).toBe('failed');
    expect(job.errors.map((e: any) => [e.row, e.code])).toEqual([[3, 'KEY_FIELD_LOCKED'], [4, 'STUDENT_NOT_MATCHED']]);
    expect(job.errors[1].message).toBe('第 4 行: 没有找到对应的学生记录, 请检查姓名和身份证号');
    expect(job.errors[0].column).toBe(2);
    expect((await q(STUDENT).findOne({ where: { id: s1.id } })).phone).toBe(s1.phone);

    const ok = await importAs(SCHOOL_USER, await workbook([rows[0]]), { kind: 'update' });
    expect(ok, JSON.stringify(ok.errors)).toMatchObject({ state: 'done', rowsRead: 1, rowsWritten: 1 });
    const after = await q(STUDENT).findOne({ where: { id: s1.id }, populate: { family: true, schoolClass: true } });
    expect(after.phone).toBe('13900001111');
    expect(after.family[0].employer).toBe('批量修改单位');
    expect(after.family[1].employer).toBe(s1.family?.[1]?.employer ?? after.family[1].employer);
    expect(after).toMatchObject({ name: s1.name, gender: s1.gender, currentAddress: s1.currentAddress, registrationStatus: 'registered', schoolCode: A.code });
    expect(after.schoolClass.id).toBe(s1.schoolClass.id);
    expect(await q(STUDENT).count({ where: { idNumber: s2.idNumber } })).toBe(1);
  });

  it('sub-records: an award per matched row, linked and scoped like a record made in the panel', async () => {
    const [s1] = await freeStudents(A.code, {}, 1);
    const bad = await importAs(SCHOOL_USER, await sheetOf('award', [
      { 姓名: s1.name, 身份证件号: s1.idNumber, 奖励名称: '三好学生', 奖励级别: '宇宙级', 奖励日期: '20250601' },
      { 姓名: '查无此人', 身份证件号: s1.idNumber, 奖励名称: '三好学生', 奖励日期: '20250601' },
    ]), { kind: 'award' });
    expect(bad.errors.map((e: any) => [e.row, e.column, e.code])).toEqual([[2, 4, 'CODE_UNKNOWN'], [3, 1, 'STUDENT_NOT_MATCHED']]);
    const ok = await importAs(SCHOOL_USER, await sheetOf('award', [
      { 姓名: s1.name, 身份证件号: s1.idNumber, 奖励名称: '导入三好学生', 奖励级别: '县级', 奖励日期: '2025-06-01', 颁奖单位: '肥西县教育局' },
    ]), { kind: 'award' });
    expect(ok).toMatchObject({ state: 'done', rowsWritten: 1 });
    const award = await q('api::award.award').findOne({ where: { title: '导入三好学生' }, populate: { student: true } });
    expect(award).toMatchObject({ level: '4', awardedOn: '2025-06-01', grantor: '肥西县教育局', schoolCode: A.code, countyCode: A.countyCode });
    expect(award.student.id).toBe(s1.id);
    expect(award.documentId).toMatch(/^[a-z0-9]{24}$/);
    const ex = await importAs(SCHOOL_USER, await sheetOf('exam', [
      { 姓名: s1.name, 身份证件号: s1.idNumber, 学年: '2024-2025', 学期: '第一学期', 考试名称: '期末', 科目: '语文', 成绩: '95.5' },
    ]), { kind: 'exam' });
    expect(ex).toMatchObject({ state: 'done', rowsWritten: 1 });
    expect(await q('api::exam-result.exam-result').findOne({ where: { examName: '期末', subject: '语文', student: { id: s1.id } } })).toMatchObject({ term: '1', score: 95.5 });
  });

  it('分班调班: moves inside the grade, refuses another grade, counts the file’s moves against the cap', async () => {
    const g = 1;
    let classes = await q(CLASS).findMany({ where: { schoolCode: A.code, grade: g }, orderBy: { number: 'asc' } });
    if (classes.length < 2) {
      // A second class of the grade (through the Document Service, with its rules).
      await strapi.documents(CLASS).create({ data: { school: A.documentId, grade: g, number: 9, foundedYearMonth: `${year}09` } });
      classes = await q(CLASS).findMany({ where: { schoolCode: A.code, grade: g }, orderBy: { number: 'asc' } });
    }
    const [s] = await freeStudents(A.code, { grade: g }, 1);
    const target = classes.find((c: any) => c.id !== s.schoolClass.id);
    const bad = await importAs(SCHOOL_USER, await sheetOf('classes', [
      { 姓名: s.name, 身份证件号: s.idNumber, 年级: String(g === 1 ? 2 : 1), 班级: target.name },
      { 姓名: s.name, 身份证件号: s.idNumber, 年级: String(g), 班级: target.name },
    ]), { kind: 'classes' });
    expect(bad.errors.map((e: any) => [e.row, e.code])).toEqual([[2, 'GRADE_CLASS_MISMATCH'], [3, 'STUDENT_DUPLICATE_IN_FILE']]);
    const ok = await importAs(SCHOOL_USER, await sheetOf('classes', [{ 姓名: s.name, 身份证件号: s.idNumber, 年级: String(g), 班级: String(target.number) }]), { kind: 'classes' });
    expect(ok).toMatchObject({ state: 'done', rowsWritten: 1 });
    expect((await q(STUDENT).findOne({ where: { id: s.id }, populate: { schoolClass: true } })).schoolClass.id).toBe(target.id);
  });
});

async function sheetRows(res: any): Promise<any[][]> {
  expect(res.status, String(res.body?.error?.message ?? '')).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  const ws = wb.worksheets[0];
  const out: any[][] = [];
  ws.eachRow((r) => out.push((r.values as any[]).slice(1)));
  return out;
}

describe('graduates', () => {
  it('a list of the whole graduating grade files one graduation request (毕业) through the change engine; an incomplete list is refused', async () => {
    const top = (await q(STUDENT).findMany({ where: { schoolCode: A.code, registrationStatus: 'registered', enrollmentStatus: '01' }, orderBy: { grade: 'desc' }, limit: 1 }))[0];
    const all = await q(STUDENT).findMany({ where: { schoolCode: A.code, grade: top.grade, registrationStatus: 'registered', enrollmentStatus: { $in: ['01', '02', '03', '04', '05'] } } });
    const list = all.map((s: any) => ({ 姓名: s.name, 身份证件号: s.idNumber, 毕业日期: `${year + 1}0701` }));
    const part = await importAs(SCHOOL_USER, await sheetOf('graduates', list.slice(1)), { kind: 'graduates' });
    expect(part.state).toBe('failed');
    expect(part.errors.map((e: any) => [e.row, e.code])).toEqual([[2, 'GRADUATES_INCOMPLETE']]);
    refused(await upload('county@xueji.demo', await sheetOf('graduates', list), { kind: 'graduates' }).then(async (r) => {
      const job = await waitJob('county@xueji.demo', r.body.data.id);
      return { status: job.state === 'failed' ? 403 : 200, body: { error: { details: { code: job.errors[0]?.code }, message: job.message } } };
    }), 403, 'FILER_NOT_ALLOWED');
    const before = await q('api::change-request.change-request').count({ where: { type: '21', schoolCode: A.code } });
    const job = await importAs(SCHOOL_USER, await sheetOf('graduates', list), { kind: 'graduates' });
    if (job.state === 'done') {
      expect(job.rowsWritten).toBe(all.length);
      const filed = await q('api::change-request.change-request').findMany({ where: { type: '21', schoolCode: A.code }, orderBy: { id: 'desc' } });
      expect(filed.length).toBe(before + 1);
      expect(filed[0]).toMatchObject({ state: 'pending', grade: top.grade });
      // Withdrawn again: the grade's students stay free for the other files' tests.
      const w = await (await demo('school')).post(`/xueji/changes/${filed[0].documentId}/withdraw`);
      expect(w.status, JSON.stringify(w.body)).toBe(200);
    } else {
      // The engine's own preconditions (calendar, open requests of the grade) refuse with its code.
      expect(job.errors[0].code).toMatch(/^[A-Z_]+$/);
      expect(job.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(await q('api::change-request.change-request').count({ where: { type: '21', schoolCode: A.code } })).toBe(before);
    }
  });
});

describe('exports (scoped, streamed)', () => {
  it('the student list as the user filters it; a class 花名册; change history; bad filters and kinds refused', async () => {
    const list = await sheetRows(await getXlsx(SCHOOL_USER, '/xueji/exports/students?grade=2'));
    expect(list[0].slice(0, 3)).toEqual(['姓名', '性别', '出生日期']);
    expect(list.length - 1).toBe(await q(STUDENT).count({ where: { schoolCode: A.code, grade: 2 } }));
    expect(new Set(list.slice(1).map((r) => r[10]))).toEqual(new Set([A.code]));
    const county = await sheetRows(await getXlsx('county@xueji.demo', '/xueji/exports/students?grade=2'));
    expect(county.length - 1).toBe(await q(STUDENT).count({ where: { countyCode: A.countyCode, grade: 2 } }));
    const roster = await sheetRows(await getXlsx(SCHOOL_USER, `/xueji/exports/roster?class=${cls.documentId}`));
    expect(roster[0][0]).toBe('序号');
    expect(roster.length - 1).toBe(await q(STUDENT).count({ where: { schoolClass: { id: cls.id } } }));
    expect(roster[1][0]).toBe('1');
    const changes = await sheetRows(await getXlsx('county@xueji.demo', `/xueji/exports/changes?from=2000-01-01&to=2100-01-01`));
    expect(changes[0][0]).toBe('变动类型');
    expect(changes.length - 1).toBe(await q('api::change-request.change-request').count({ where: { $or: [{ countyCode: A.countyCode }, { toCountyCode: A.countyCode }], submittedAt: { $notNull: true } } }));
    refused(await (await demo('school')).get('/xueji/exports/roster'), 400, 'EXPORT_FILTER_INVALID');
    refused(await (await demo('school')).get('/xueji/exports/students?grade=x'), 400, 'EXPORT_FILTER_INVALID');
    refused(await (await demo('school')).get('/xueji/exports/nope'), 404, 'EXPORT_KIND_UNKNOWN');
    expect(await q('api::audit-log.audit-log').count({ where: { action: 'export', subjectId: 'roster' } })).toBeGreaterThan(0);
  });

  it('the national format: 72 columns + hidden separator, codes as codes; imports back without loss (field by field)', async () => {
    const res = await getXlsx(SCHOOL_USER, `/xueji/exports/national?class=${cls.documentId}&registrationStatus=registered`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    expect(wb.worksheets[0].getColumn(SEPARATOR_COLUMN).hidden).toBe(true);
    const rows = await sheetRows(res);
    expect(rows[0]).toEqual(NATIONAL_COLUMNS.map((c) => c.header));
    const stored = await q(STUDENT).findMany({ where: { schoolClass: { id: cls.id }, registrationStatus: 'registered' }, populate: { family: true }, orderBy: { id: 'asc' } });
    expect(stored.length).toBeGreaterThan(2);
    expect(rows.length - 1).toBe(stored.length);
    const norm = (v: any) => (v === null || v === undefined || v === '' ? undefined : typeof v === 'number' ? v : String(v));
    let compared = 0;
    stored.forEach((s: any, i: number) => {
      const r = rows[i + 1];
      NATIONAL_COLUMNS.forEach((c, j) => {
        if (c.group === 'separator' || c.field!.kind === 'media' || c.key === 'schoolClass') return;
        const parsed: any = parseCell({ ...c.field!, defaultValue: undefined, required: false }, r[j] ?? '');
        expect('value' in parsed, `${s.name} ${c.header}: ${JSON.stringify(parsed)}`).toBe(true);
        const want = c.group === 'family' ? s.family[c.member! - 1]?.[c.key] : s[c.key];
        expect(norm(parsed.value), `${s.name} ${c.header}`).toEqual(c.field!.kind === 'decimal1' && want != null ? Number(want) : norm(want));
        compared += 1;
      });
    });
    expect(compared).toBeGreaterThan(70 * stored.length - 1);
    // The same file, imported back as a batch update (dry run): every row matched and valid.
    const job = await importAs(SCHOOL_USER, res.body, { kind: 'update', dryRun: 'true' });
    expect(job.errors).toEqual([]);
    expect(job).toMatchObject({ state: 'done', rowsRead: stored.length, rowsValid: stored.length });
  });
});

describe('robustness', () => {
  it('a changed template is refused with the column named', async () => {
    const headers = NATIONAL_COLUMNS.map((c) => c.header);
    [headers[1], headers[2]] = [headers[2], headers[1]];
    const job = await importAs(SCHOOL_USER, await workbook([row()], { headers }));
    expect(job.state).toBe('failed');
    expect(job.errors).toEqual([{ row: 1, column: 2, code: 'TEMPLATE_MISMATCH', message: expect.stringContaining('第 2 列应为“性别”') }]);
    const noSep = NATIONAL_COLUMNS.filter((c) => c.group !== 'separator').map((c) => c.header);
    const j2 = await importAs(SCHOOL_USER, await workbook([row()], { headers: noSep }));
    expect(j2.errors[0]).toMatchObject({ row: 1, column: SEPARATOR_COLUMN, code: 'TEMPLATE_MISMATCH' });
  });

  it('not an xlsx, an encrypted workbook, a zip bomb → failed with a Chinese message and a stable code', async () => {
    const cases: Array<[Buffer, string]> = [
      [Buffer.from('姓名,性别\n张三,1\n'), 'IMPORT_NOT_XLSX'],
      [Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]), 'IMPORT_ENCRYPTED'],
    ];
    const bomb = new JSZip();
    bomb.file('[Content_Types].xml', '<Types/>');
    bomb.file('xl/workbook.xml', '<workbook/>');
    bomb.file('xl/worksheets/sheet1.xml', Buffer.alloc(50 * 1024 * 1024, 0x20));
    cases.push([await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } }), 'IMPORT_ZIP_BOMB']);
    for (const [buf, code] of cases) {
      const job = await importAs(SCHOOL_USER, buf);
      expect(job.state, code).toBe('failed');
      expect(job.errors[0].code).toBe(code);
      expect(job.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  it('the parse worker started with a job ends with it: a refused upload, a refused file, a written one', async () => {
    // Child processes of this process (Strapi runs here) running the parse worker.
    const workers = () => {
      const out: string[] = [];
      for (const task of fs.readdirSync(`/proc/${process.pid}/task`)) {
        for (const pid of fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
          try { if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('parse-worker')) out.push(pid); } catch { /* ended */ }
        }
      }
      return out;
    };
    const settle = async () => { for (let i = 0; i < 40 && workers().length; i++) await new Promise((r) => setTimeout(r, 50)); return workers(); };
    const notXlsx = await importAs(SCHOOL_USER, Buffer.from('姓名,性别\n张三,1\n'));
    expect(notXlsx.errors[0].code).toBe('IMPORT_NOT_XLSX'); // refused before any parse: the worker started for it is stopped
    expect(await settle()).toEqual([]);
    const merged = await importAs(SCHOOL_USER, await workbook([row(), row()], { raw: (ws) => ws.mergeCells('B2:B3') }), { kind: 'students', dryRun: 'true' });
    expect(merged.errors.map((e: any) => e.code)).toEqual(['CELL_MERGED']); // found by the worker at the sheet's end
    expect(await settle()).toEqual([]);
    const ok = await importAs(SCHOOL_USER, await workbook([row()]), { kind: 'students', dryRun: 'true' });
    expect(ok.state).toBe('done');
    expect(await settle()).toEqual([]);
  });

  it('formulas are refused per cell; rich text and Excel dates are read as values', async () => {
    const r2 = row({ 姓名: '富文本' });
    const b = String(r2['出生日期']);
    const buf = await workbook([row({ 姓名: '公式' }), r2], {
      raw: (ws) => {
        ws.getCell('A2').value = { formula: 'CONCAT("公","式")', result: '公式' } as any;
        ws.getCell('A3').value = { richText: [{ text: '富' }, { text: '文本', font: { bold: true } }] } as any;
        ws.getCell('C3').value = new Date(Date.UTC(Number(b.slice(0, 4)), Number(b.slice(4, 6)) - 1, Number(b.slice(6, 8))));
      },
    });
    const job = await importAs(SCHOOL_USER, buf, { kind: 'students', dryRun: 'true' });
    expect(job.errors.map((e: any) => [e.row, e.column, e.code])).toEqual([[2, 1, 'CELL_FORMULA']]);
    expect(job.rowsValid).toBe(1);
  });

  it('merged cells are refused (they hide values); a 10 MB cell is refused per cell, the rest of the file still checked', async () => {
    const merged = await workbook([row({ 姓名: '合并一' }), row({ 姓名: '合并二' })], { raw: (ws) => ws.mergeCells('AB2:AB3') });
    const job = await importAs(SCHOOL_USER, merged, { kind: 'students', dryRun: 'true' });
    expect(job.state).toBe('failed');
    expect(job.errors[0]).toMatchObject({ code: 'CELL_MERGED', message: expect.stringContaining('AB2:AB3') });
    // 10 MB of varied text (it compresses like real text, not like a bomb).
    const chars = '学籍管理系统中小学生身份证件号码家庭成员户口所在地现住址通信地址联系电话邮政编码上下学距离交通方式';
    let seed = 7;
    const big = Array.from({ length: 10 * 1024 * 1024 / 3 }, () => chars[(seed = (seed * 1103515245 + 12345) % 2147483648) % chars.length]).join('');
    const huge = await importAs(SCHOOL_USER, await workbook([row({ 姓名: '大单元格', 现住址: big }), row({ 姓名: '正常行' })]), { kind: 'students', dryRun: 'true' });
    expect(huge.state).toBe('failed');
    expect(huge.errors.map((e: any) => [e.row, e.code])).toEqual([[2, 'CELL_TOO_LONG']]);
    expect(huge.rowsValid).toBe(1);
  });

  it('refusals at upload: no file, unknown kind, a kind not imported yet, another region’s job; over 100 MB', async () => {
    const token = await adminToken(SCHOOL_USER);
    const none = await (await http()).post('/xueji/imports').set('Authorization', `Bearer ${token}`).field('kind', 'students');
    refused(none, 400, 'IMPORT_FILE_REQUIRED');
    refused(await upload(SCHOOL_USER, await workbook([row()]), { kind: 'nope' }), 400, 'IMPORT_KIND_UNKNOWN');
    refused(await (await demo('school')).get('/xueji/imports/999999'), 404, 'IMPORT_NOT_FOUND');
    // Headers announcing 101 MB, no body sent: the refusal must come before the body is read.
    const jobsBefore = await q(JOB).count();
    const big = await announce('/xueji/imports', token, 101 * 1024 * 1024);
    expect(big.status).toBe(413);
    expect(big.body.error.details.code).toBe('IMPORT_TOO_LARGE');
    expect(big.body.error.message).toBe('文件超过 100 MB，请拆分后分批导入');
    expect(await q(JOB).count()).toBe(jobsBefore);
    const list = await (await demo('school')).get('/xueji/imports');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(3);
    expect(list.body.data.every((j: any) => typeof j.id === 'number' && j.kind)).toBe(true);
  });

  it('thousands of rows: Chinese text read intact across the reader\'s chunk boundaries (shared strings and inline)', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row({ 姓名: `长文件${i}`, 班级: '一年级(99)班' }));
    const job = await importAs(SCHOOL_USER, await workbook(rows), { kind: 'students', dryRun: 'true' });
    expect(job.errorCount).toBe(2500);
    expect(job.errors.every((e: any) => e.code === 'CLASS_NOT_FOUND' && e.message.includes('“一年级(99)班”'))).toBe(true);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const inline = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
    const ws = inline.addWorksheet('学生');
    ws.addRow(NATIONAL_COLUMNS.map((c) => c.header)).commit();
    for (const r of rows) ws.addRow(NATIONAL_COLUMNS.map((c) => r[c.header] ?? null) as any).commit();
    ws.commit();
    await inline.commit();
    const job2 = await importAs(SCHOOL_USER, Buffer.concat(chunks), { kind: 'students', dryRun: 'true' });
    expect(job2.errorCount).toBe(2500);
    expect(job2.errors.every((e: any) => e.code === 'CLASS_NOT_FOUND' && e.message.includes('“一年级(99)班”'))).toBe(true);
  });

  it('a running import can be cancelled: nothing written, state cancelled', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row({ 姓名: `取消${i}`, 班级: '一年级(99)班' }));
    const buf = await workbook(rows);
    const res = await upload(SCHOOL_USER, buf);
    expect(res.status).toBe(202);
    const c = await (await demo('school')).post(`/xueji/imports/${res.body.data.id}/cancel`);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.data.state).toBe('cancelled');
    const job = await waitJob(SCHOOL_USER, res.body.data.id);
    expect(job.state).toBe('cancelled');
    expect(job.rowsWritten).toBe(0);
    expect(await q(STUDENT).count({ where: { name: { $startsWith: '取消' } } })).toBe(0);
  });
});


describe('jobs: files, restart, export progress, menu permission', () => {
  it('job files live in the project directory; an error workbook is kept, the upload is removed', async () => {
    const dir = jobFilesDir(strapi);
    expect(dir).toBe(path.join(strapi.dirs.app.root, '.tmp', 'xueji-jobs'));
    const before = new Set(fs.readdirSync(dir));
    const bad = row({ 身份证件号: '11010120000101001X' });
    const job = await importAs(SCHOOL_USER, await workbook([bad]), { kind: 'students', dryRun: 'true' });
    expect(job.state).toBe('failed');
    const stored = await q(JOB).findOne({ where: { id: job.id } });
    expect(path.dirname(stored.errorFile)).toBe(dir);
    expect(fs.existsSync(stored.errorFile)).toBe(true);
    // Of the job's two files (upload, error workbook) only the error workbook is left.
    expect(fs.readdirSync(dir).filter((f) => !before.has(f))).toEqual([path.basename(stored.errorFile)]);
  });

  it('files older than the retention period are deleted and their job no longer offers the error workbook', async () => {
    const job = await importAs(SCHOOL_USER, await workbook([row({ 身份证件号: '11010120000101001X' })]), { kind: 'students', dryRun: 'true' });
    const stored = await q(JOB).findOne({ where: { id: job.id } });
    const fresh = path.join(jobFilesDir(strapi), `${job.id}-fresh.xlsx`);
    fs.writeFileSync(fresh, 'x');
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(stored.errorFile, old, old);
    const removed = await cleanJobFiles(strapi);
    expect(removed).toContain(stored.errorFile);
    expect(removed).not.toContain(fresh);
    expect(fs.existsSync(stored.errorFile)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    fs.rmSync(fresh);
    expect((await q(JOB).findOne({ where: { id: job.id } })).errorFile).toBeNull();
    refused(await (await demo('school')).get(`/xueji/imports/${job.id}/errors.xlsx`), 404, 'IMPORT_NO_ERROR_FILE');
  });

  it('a restart marks jobs left queued or running as failed with IMPORT_INTERRUPTED; finished jobs stay as they are', async () => {
    const base = { kind: 'students', fileName: 'left.xlsx', rowsRead: 10, rowsValid: 0, rowsWritten: 0, errorCount: 0, errors: [], schoolCode: A.code, countyCode: A.countyCode, cityCode: A.cityCode, provinceCode: A.provinceCode };
    const running = await q(JOB).create({ data: { ...base, state: 'running' } });
    const queued = await q(JOB).create({ data: { ...base, state: 'queued' } });
    const done = await q(JOB).create({ data: { ...base, state: 'done', message: '已导入' } });
    expect(await recoverJobs(strapi)).toBeGreaterThanOrEqual(2);
    const api = await demo('school');
    for (const j of [running, queued]) {
      const res = await api.get(`/xueji/imports/${j.id}`);
      expect(res.status).toBe(200);
      expect(res.body.data.state).toBe('failed');
      expect(res.body.data.rowsWritten).toBe(0);
      expect(res.body.data.errors).toEqual([{ row: 0, column: 0, code: 'IMPORT_INTERRUPTED', message: '服务重启，导入任务已中断，未写入任何数据；请重新上传' }]);
    }
    const kept = await api.get(`/xueji/imports/${done.id}`);
    expect([kept.body.data.state, kept.body.data.message]).toEqual(['done', '已导入']);
  });

  it('an export started with a progress token reports rows written of the total to its user only', async () => {
    const token = 'e2eprogress01';
    const res = await getXlsx(SCHOOL_USER, `/xueji/exports/students?grade=2&progress=${token}`);
    expect(res.status).toBe(200);
    const total = Number(res.headers['x-xueji-export-rows']);
    expect(total).toBeGreaterThan(0);
    const rows = await sheetRows(res);
    expect(rows.length - 1).toBe(total);
    const p = await (await demo('school')).get(`/xueji/exports/progress/${token}`);
    expect(p.status).toBe(200);
    expect(p.body.data).toMatchObject({ token, kind: 'students', total, rowsWritten: total, state: 'done' });
    refused(await (await demo('county')).get(`/xueji/exports/progress/${token}`), 404, 'EXPORT_PROGRESS_NOT_FOUND');
    refused(await (await demo('school')).get('/xueji/exports/progress/unknown-token'), 404, 'EXPORT_PROGRESS_NOT_FOUND');
    refused(await (await demo('school')).get('/xueji/exports/students?progress=bad!'), 400, 'EXPORT_FILTER_INVALID');
  });

  it('the 导入导出 menu permission is granted to every staff role', async () => {
    for (const code of ['xueji-province', 'xueji-city', 'xueji-county', 'xueji-school']) {
      const role = await q('admin::role').findOne({ where: { code } });
      const perms = await q('admin::permission').findMany({ where: { role: role.id, action: 'plugin::xueji-excel.use' } });
      expect(perms.length, code).toBe(1);
    }
  });
});

describe('new students: streaming write, all-or-nothing across batches', () => {
  it('a file read twice (more rows than imports.keepRows) writes every row, family included', async () => {
    const before = strapi.config.get('xueji.imports.keepRows');
    strapi.config.set('xueji.imports.keepRows', 3);
    try {
      const rows = Array.from({ length: 8 }, (_, i) => row({ 姓名: `两遍读入${i}` }));
      const job = await importAs(SCHOOL_USER, await workbook(rows));
      expect([job.state, job.rowsRead, job.rowsValid, job.rowsWritten], JSON.stringify(job.errors)).toEqual(['done', 8, 8, 8]);
      const stored = await q(STUDENT).findMany({ where: { name: { $startsWith: '两遍读入' } }, populate: { family: true, schoolClass: true } });
      expect(stored.length).toBe(8);
      expect(stored.every((s: any) => s.family.length === 2 && s.schoolClass.id === cls.id && s.registrationStatus === 'draft')).toBe(true);
    } finally {
      strapi.config.set('xueji.imports.keepRows', before);
    }
  });

  it('rows refused after the first batch of 2,000 was sent (class over its cap) leave nothing written', async () => {
    const classes = await q(CLASS).findMany({ where: { schoolCode: A.code, grade: 1 }, orderBy: { number: 'desc' } });
    const target = classes[0];
    const rows = Array.from({ length: 2100 }, (_, i) => row({ 姓名: `整批回滚${i}`, 班级: target.name }));
    const job = await importAs(SCHOOL_USER, await workbook(rows));
    expect(job.state).toBe('failed');
    expect(job.rowsWritten).toBe(0);
    // Primary classes take 56: at least 2,044 rows are over the cap (the job keeps the first 1,000 errors).
    expect(job.errorCount).toBeGreaterThanOrEqual(2100 - 56);
    expect(job.errors.length).toBe(1000);
    expect(job.errors.every((e: any) => e.code === 'CLASS_FULL')).toBe(true);
    expect(job.rowsRead).toBe(2100);
    expect(await q(STUDENT).count({ where: { name: { $startsWith: '整批回滚' } } })).toBe(0);
  }, 120_000);
});
