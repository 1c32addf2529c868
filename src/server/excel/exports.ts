/**
 * Exports (issue 11 §5), scoped to the caller and streamed (ExcelJS WorkbookWriter into the
 * response; rows read in id-ordered pages): the filtered student list, a class 花名册, change
 * history (备份异动), and the national format — the 72-column template from the one column spec,
 * codes as the national system takes them — which imports back here without loss.
 */
import { PassThrough } from 'stream';
import type { Core } from '@strapi/strapi';
import ExcelJS from 'exceljs';
import { NATIONAL_COLUMNS, SEPARATOR_COLUMN, SCHOOL_CODE_COLUMN, cellText, type Column } from '../../domain/excel-columns';
import { labelOf } from '../../domain/code-lookup';
import { labelTable } from '../../domain/content-model';
import { scopeWhere } from '../scope';
import { writeAudit } from '../audit';
import { importFail, type Caller } from './import-read';
import { jobScopeColumns } from './imports';

const STUDENT = 'api::student.student';
const CR = 'api::change-request.change-request';
const PAGE = 1000;
const LABELS = labelTable();
type Data = Record<string, any>;

export const EXPORT_KINDS = ['students', 'roster', 'changes', 'national'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
const TITLES: Record<ExportKind, string> = { students: '学生名单', roster: '班级花名册', changes: '学籍异动记录', national: '全国学籍系统格式' };

const text = (v: unknown, name: string, re: RegExp, hint: string): string | undefined => {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  if (!re.test(s)) throw importFail('EXPORT_FILTER_INVALID', `${name}：${hint}`);
  return s;
};

/** The list's filters: grade, class (documentId), school (学校标识码), states, name. */
function studentFilters(query: Data): Data[] {
  const where: Data[] = [];
  const grade = text(query.grade, 'grade', /^\d{1,2}$/, '应为 1–12 的年级');
  if (grade) where.push({ grade: Number(grade) });
  const school = text(query.school, 'school', /^\d{10}$/, '应为 10 位学校标识码');
  if (school) where.push({ schoolCode: school });
  const cls = text(query.class, 'class', /^[a-z0-9]{10,40}$/, '应为班级 documentId');
  if (cls) where.push({ schoolClass: { documentId: cls } });
  const reg = text(query.registrationStatus, 'registrationStatus', /^(draft|submitted|registered|returned)$/, '注册状态不正确');
  if (reg) where.push({ registrationStatus: reg });
  const enr = text(query.enrollmentStatus, 'enrollmentStatus', /^\d{2}$/, '学籍状态代码不正确');
  if (enr) where.push({ enrollmentStatus: enr });
  const name = query.name !== undefined && query.name !== '' ? String(query.name).slice(0, 50) : undefined;
  if (name) where.push({ name: { $contains: name } });
  return where;
}

const scoped = (uid: string, caller: Caller, where: Data[]) => {
  if (caller.scope) where.unshift(scopeWhere(uid, caller.scope));
  else if (!caller.superAdmin) throw importFail('OUT_OF_SCOPE', '账号未设置管辖范围，不能导出', 403);
  return where.length ? { $and: where } : {};
};

/** Rows of a query in id order, a page at a time (bounded memory). */
async function* pages(strapi: Core.Strapi, uid: string, where: Data, populate?: Data): AsyncGenerator<Data[]> {
  let after = 0;
  for (;;) {
    const rows = await strapi.db.query(uid as any).findMany({ where: { $and: [where, { id: { $gt: after } }] }, orderBy: { id: 'asc' }, limit: PAGE, populate });
    if (!rows.length) return;
    yield rows;
    after = rows[rows.length - 1].id;
    if (rows.length < PAGE) return;
  }
}

const date8 = (d: unknown) => (d ? String(d instanceof Date ? d.toISOString() : d).slice(0, 10) : '');

/**
 * One export: its header row, the query it pages through (scoped), and how a page of records
 * becomes rows. Counting the same query up front gives the progress total.
 */
interface Sheet {
  headers: string[];
  hidden?: number;
  uid: string;
  where: (caller: Caller, query: Data) => Data;
  populate?: Data;
  rows: (list: Data[]) => unknown[][];
}

/** The national format: NATIONAL_COLUMNS (+ 学校标识码 for a bureau), codes as codes. */
function nationalSheet(caller: Caller): Sheet {
  const columns: Column[] = caller.scope?.level === 'school' ? [...NATIONAL_COLUMNS] : [...NATIONAL_COLUMNS, SCHOOL_CODE_COLUMN];
  const valueOf = (c: Column, s: Data): string => {
    if (c.group === 'separator') return '';
    if (c.group === 'school') return s.schoolCode ?? '';
    if (c.group === 'family') return cellText(c.field, s.family?.[c.member! - 1]?.[c.key]);
    if (c.key === 'schoolClass') return s.schoolClass?.name ?? '';
    if (c.key === 'grade') return String(s.grade ?? '');
    return cellText(c.field, s[c.key]);
  };
  return {
    headers: columns.map((c) => c.header),
    hidden: SEPARATOR_COLUMN,
    uid: STUDENT,
    where: (caller2, query) => scoped(STUDENT, caller2, studentFilters(query)),
    populate: { family: true, schoolClass: { select: ['name'] } },
    rows: (list) => list.map((s) => columns.map((c) => valueOf(c, s))),
  };
}

const LIST_KEYS = ['name', 'gender', 'birthDate', 'idNumber', 'studentNumber', 'regionalNumber', 'grade', 'schoolClass', 'registrationStatus', 'enrollmentStatus', 'schoolCode'];
const TABLE_OF: Record<string, string> = { gender: 'gender', registrationStatus: 'registrationStatus', enrollmentStatus: 'enrollmentStatus' };

function studentListSheet(roster: boolean): Sheet {
  const keys = roster ? ['name', 'gender', 'birthDate', 'studentNumber', 'idNumber', 'enrollmentStatus'] : LIST_KEYS;
  let n = 0;
  return {
    headers: [...(roster ? ['序号'] : []), ...keys.map((k) => LABELS[STUDENT][k] ?? k)],
    uid: STUDENT,
    where: (caller, query) => {
      if (roster && !query.class) throw importFail('EXPORT_FILTER_INVALID', 'class：花名册须指定班级（班级 documentId）');
      return scoped(STUDENT, caller, studentFilters(query));
    },
    populate: { schoolClass: { select: ['name'] } },
    rows: (list) => list.map((s) => [
      ...(roster ? [String(++n)] : []),
      ...keys.map((k) => (k === 'schoolClass' ? s.schoolClass?.name ?? '' : TABLE_OF[k] ? labelOf(TABLE_OF[k], s[k]) ?? s[k] ?? '' : k === 'birthDate' ? date8(s[k]) : s[k] ?? '')),
    ]),
  };
}

const changesSheet: Sheet = {
  headers: ['变动类型', '学生姓名', '年级', '原学校标识码', '原学校', '转入学校', '办理状态', '变动原因', '申请人', '提交时间', '办结时间'],
  uid: CR,
  where(caller, query) {
    const where: Data[] = [];
    if (caller.scope) where.push(scopeWhere(CR, caller.scope));
    else if (!caller.superAdmin) throw importFail('OUT_OF_SCOPE', '账号未设置管辖范围，不能导出', 403);
    const grade = text(query.grade, 'grade', /^\d{1,2}$/, '应为 1–12 的年级');
    if (grade) where.push({ grade: Number(grade) });
    const school = text(query.school, 'school', /^\d{10}$/, '应为 10 位学校标识码');
    if (school) where.push({ $or: [{ schoolCode: school }, { toSchoolCode: school }] });
    const from = text(query.from, 'from', /^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD');
    const to = text(query.to, 'to', /^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD');
    if (from) where.push({ submittedAt: { $gte: new Date(`${from}T00:00:00+08:00`) } });
    if (to) where.push({ submittedAt: { $lt: new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86400000) } });
    return where.length ? { $and: where } : {};
  },
  populate: { fromSchool: { select: ['name'] }, toSchool: { select: ['name'] } },
  rows: (list) => list.map((r) => [
    labelOf('changeType', r.type) ?? r.type, r.studentName ?? '', r.grade ?? '', r.schoolCode ?? '', r.fromSchool?.name ?? '', r.toSchool?.name ?? '',
    labelOf('changeState', r.state) ?? r.state, r.reason ?? '', r.filerName ?? '',
    r.submittedAt ? new Date(r.submittedAt).toISOString() : '', r.completedAt ? new Date(r.completedAt).toISOString() : '',
  ]),
};

// ------------------------------------------------------------------------- progress
/**
 * Progress of running exports, by a token the page picks (`?progress=<token>`): rows written of
 * the total the same query counted. Kept in this process for a few minutes after the end; only
 * the user who started an export can read it (GET /xueji/exports/progress/:token).
 */
export interface ExportProgress { token: string; kind: ExportKind; owner: number; total: number; rowsWritten: number; state: 'running' | 'done' | 'failed' }
const progressOf = new Map<string, ExportProgress>();
const PROGRESS_TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
const PROGRESS_KEEP_MS = 10 * 60 * 1000;

export function exportProgress(caller: Caller, token: string): ExportProgress {
  const p = progressOf.get(token);
  if (!p || p.owner !== caller.id) throw importFail('EXPORT_PROGRESS_NOT_FOUND', '导出进度不存在（已过期或不是本人发起的导出）', 404);
  return p;
}

const finish = (p: ExportProgress | undefined, state: 'done' | 'failed') => {
  if (!p) return;
  p.state = state;
  setTimeout(() => { if (progressOf.get(p.token) === p) progressOf.delete(p.token); }, PROGRESS_KEEP_MS).unref?.();
};

/** Streams an export into the response; one audit row (action export) names the kind and filters. */
export async function streamExport(strapi: Core.Strapi, ctx: any, caller: Caller, kind: string): Promise<void> {
  if (!(EXPORT_KINDS as readonly string[]).includes(kind)) throw importFail('EXPORT_KIND_UNKNOWN', `导出类型“${kind}”不存在，可选：${EXPORT_KINDS.join('、')}`, 404);
  const k = kind as ExportKind;
  const sheet = k === 'national' ? nationalSheet(caller) : k === 'changes' ? changesSheet : studentListSheet(k === 'roster');
  const { progress: token, ...query } = (ctx.query ?? {}) as Data;
  if (token !== undefined && !PROGRESS_TOKEN.test(String(token))) throw importFail('EXPORT_FILTER_INVALID', 'progress：应为 8–64 位字母、数字、- 或 _');
  const where = sheet.where(caller, query); // filter errors surface before the response starts
  const total = await strapi.db.query(sheet.uid as any).count({ where });
  const progress: ExportProgress | undefined = token ? { token: String(token), kind: k, owner: caller.id, total, rowsWritten: 0, state: 'running' } : undefined;
  if (progress) progressOf.set(progress.token, progress);
  const body = new PassThrough();
  const name = `${TITLES[k]}.xlsx`;
  ctx.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  ctx.set('Content-Disposition', `attachment; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Xueji-Export-Rows', String(total));
  ctx.status = 200;
  ctx.body = body;
  await writeAudit(strapi, {
    action: 'export', subjectType: STUDENT, subjectId: k, scope: await jobScopeColumns(strapi, caller),
    changes: { kind: k, rows: total, filters: Object.fromEntries(Object.entries(query).map(([a, b]) => [a, String(b).slice(0, 50)])) },
  });
  (async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: body, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet(TITLES[k], { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.headers.map((h) => ({ header: h, width: Math.max(10, h.length * 2 + 4), style: { numFmt: '@' } }));
    if (sheet.hidden) ws.getColumn(sheet.hidden).hidden = true;
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for await (const list of pages(strapi, sheet.uid, where, sheet.populate)) {
      for (const r of sheet.rows(list)) ws.addRow(r.map((v) => (v === null || v === undefined ? '' : String(v)))).commit();
      if (progress) progress.rowsWritten += list.length;
    }
    ws.commit();
    await wb.commit();
    finish(progress, 'done');
  })().catch((e) => { finish(progress, 'failed'); strapi.log.error(`[xueji] export ${k}: ${e?.stack ?? e}`); body.destroy(e); });
}
