/**
 * Excel imports as jobs (issue 11, DESIGN "Bulk paths are set-based"): the upload is read
 * streaming (ExcelJS WorkbookReader), every row is validated first with the same rule functions
 * as the admin panel (write-rules.ts checkCodes, checkStudentFields, identityKeyOf; class caps;
 * duplicates in the file and against the database); any error → nothing written and an error
 * workbook; no error → all rows in one transaction, set-based, into Strapi's own tables, with
 * one audit row per import. A job row records rows read, valid and written and the state.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { DomainError } from '../../domain/errors';
import {
  columnsOf, checkHeaders, parseCell, TEMPLATE_KINDS, SCHOOL_CODE_HEADER, type Column, type TemplateKind,
} from '../../domain/excel-columns';
import { scopeColumnsOfSchool, scopeColumnsOfRegion, type UserScope } from '../../domain/scope';
import { stageOfGrade, className as classNameOf } from '../../domain/grades';
import { checkClassCapacity } from '../../domain/class-caps';
import { IN_SCHOOL_STATUSES } from '../../domain/code-tables';
import { formalStudentNumber, jStudentNumber } from '../../domain/student-number';
import { checkCodes, checkStudentFields, identityKeyOf, xuejiConfig } from '../write-rules';
import { scopeWhere, inScope } from '../scope';
import { withSystemWrite } from '../system-write';
import { reserveSequence } from '../sequences';
import { writeAudit } from '../audit';
import { BulkWriter, dialectOf, schemaOf, timestampValue, rowBuilder, linkOf, metaOf, type Row } from '../../seed/bulk';
import { readRows, writeErrorWorkbook, type CellError } from './workbooks';
import { checkUpload, checkMergedCells } from './upload-check';
import { readUpload, columnOfField, headerIndex, componentLink, importFail, cancelled, Cancelled, type Caller, type ParsedRow, type RunOpts, type ImportResult } from './import-read';
import { importMatched } from './match-imports';
import { findClass } from './import-read';

export const JOB_UID = 'api::import-job.import-job';
const STUDENT = 'api::student.student';
const MEMBER = 'family.member';
const CLASS = 'api::school-class.school-class';
const SCHOOL = 'api::school.school';

/** Kinds this build imports (the others answer IMPORT_KIND_UNSUPPORTED). */
export const IMPORT_KINDS: readonly TemplateKind[] = ['students', 'update', 'resume', 'exam', 'evaluation', 'award', 'punishment', 'classes', 'graduates'];
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** Errors kept on the job (the error workbook has all of them). */
const MAX_STORED_ERRORS = 1000;

type Data = Record<string, any>;
export { importFail, type Caller };

export function importDir(strapi: Core.Strapi): string {
  const dir = (xuejiConfig(strapi) as any)?.importDir || path.join(os.tmpdir(), 'xueji-imports');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}


export async function jobScopeColumns(strapi: Core.Strapi, caller: Caller): Promise<Data> {
  const s = caller.scope;
  if (!s) return { provinceCode: null, cityCode: null, countyCode: null, schoolCode: null };
  if (s.level === 'school') {
    const school = await strapi.db.query(SCHOOL).findOne({ where: { code: s.code } });
    return school ? scopeColumnsOfSchool(school) : { provinceCode: null, cityCode: null, countyCode: null, schoolCode: s.code };
  }
  return scopeColumnsOfRegion(s.level, s.code);
}

export function publicJob(job: Data) {
  return {
    id: job.id, kind: job.kind, state: job.state, dryRun: !!job.dryRun, fileName: job.fileName,
    rowsRead: job.rowsRead ?? 0, rowsValid: job.rowsValid ?? 0, rowsWritten: job.rowsWritten ?? 0,
    errorCount: job.errorCount ?? 0, errors: job.errors ?? [], message: job.message ?? null,
    createdAt: job.createdAt, startedAt: job.startedAt ?? null, finishedAt: job.finishedAt ?? null,
    hasErrorFile: !!job.errorFile,
  };
}

/** One job of the caller's scope, or 404 IMPORT_NOT_FOUND. */
export async function findJob(strapi: Core.Strapi, caller: Caller, id: string): Promise<Data> {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw importFail('IMPORT_NOT_FOUND', '导入任务不存在', 404);
  const where: Data = { id: n };
  if (!caller.superAdmin) {
    if (!caller.scope) throw importFail('IMPORT_NOT_FOUND', '导入任务不存在', 404);
    Object.assign(where, scopeWhere(JOB_UID, caller.scope));
  }
  const job = await strapi.db.query(JOB_UID).findOne({ where });
  if (!job) throw importFail('IMPORT_NOT_FOUND', '导入任务不存在', 404);
  return job;
}

export async function listJobs(strapi: Core.Strapi, caller: Caller, limit = 20): Promise<Data[]> {
  const where: Data = caller.superAdmin ? {} : caller.scope ? scopeWhere(JOB_UID, caller.scope) : { id: -1 };
  const rows = await strapi.db.query(JOB_UID).findMany({ where, orderBy: { id: 'desc' }, limit });
  return rows.map(publicJob);
}

/** Accepts an upload: a job row (queued) and the run in the background. */
export async function startImport(strapi: Core.Strapi, caller: Caller, upload: { filepath: string; originalFilename?: string; size: number }, kindRaw: unknown, dryRunRaw: unknown): Promise<Data> {
  if (!caller.superAdmin && !caller.scope) throw importFail('OUT_OF_SCOPE', '账号未设置管辖范围，不能导入', 403);
  const kind = String(kindRaw ?? '') as TemplateKind;
  if (!TEMPLATE_KINDS.includes(kind)) throw importFail('IMPORT_KIND_UNKNOWN', `导入类型“${kindRaw ?? ''}”不存在，可选：${TEMPLATE_KINDS.join('、')}`);
  if (!IMPORT_KINDS.includes(kind)) throw importFail('IMPORT_KIND_UNSUPPORTED', `暂不支持“${kind}”类型的导入`);
  if (upload.size > MAX_UPLOAD_BYTES) throw importFail('IMPORT_TOO_LARGE', '文件超过 100 MB，请拆分后分批导入', 413);
  const dryRun = dryRunRaw === true || dryRunRaw === 'true' || dryRunRaw === '1';
  const scope = await jobScopeColumns(strapi, caller);
  const job = await strapi.db.query(JOB_UID).create({
    data: {
      kind, state: 'queued', fileName: String(upload.originalFilename ?? 'upload.xlsx').slice(0, 255), fileSize: upload.size, dryRun,
      rowsRead: 0, rowsValid: 0, rowsWritten: 0, errorCount: 0, errors: [], actorId: caller.id, actorName: caller.name,
      ...scope, publishedAt: new Date(),
    },
  });
  const file = path.join(importDir(strapi), `${job.id}-${createId()}.xlsx`);
  await fs.promises.copyFile(upload.filepath, file);
  fs.promises.rm(upload.filepath, { force: true }).catch(() => undefined);
  setImmediate(() => { runJob(strapi, job.id, file, caller).catch((e) => strapi.log.error(`[xueji] import ${job.id}: ${e?.stack ?? e}`)); });
  return job;
}

export async function cancelJob(strapi: Core.Strapi, caller: Caller, id: string): Promise<Data> {
  const job = await findJob(strapi, caller, id);
  if (job.state !== 'queued' && job.state !== 'running') {
    throw importFail('IMPORT_NOT_CANCELLABLE', `导入任务已${STATE_LABELS[job.state] ?? job.state}，不能取消`, 409);
  }
  cancelled.add(job.id);
  return strapi.db.query(JOB_UID).update({ where: { id: job.id }, data: { state: 'cancelled', message: '已取消，未写入任何数据', finishedAt: new Date() } });
}

const STATE_LABELS: Record<string, string> = { done: '完成', failed: '失败', cancelled: '取消' };


// ------------------------------------------------------------------------- the run
async function runJob(strapi: Core.Strapi, jobId: number, file: string, caller: Caller): Promise<void> {
  const q = strapi.db.query(JOB_UID);
  const set = (data: Data) => q.update({ where: { id: jobId }, data });
  const job = await q.findOne({ where: { id: jobId } });
  if (!job || job.state === 'cancelled' || cancelled.has(jobId)) return cleanup(file, jobId);
  await set({ state: 'running', startedAt: new Date() });
  const progress = { read: 0, last: Date.now() };
  const check = async () => {
    if (cancelled.has(jobId)) throw new Cancelled();
    if (Date.now() - progress.last > 500) {
      progress.last = Date.now();
      const now = await q.findOne({ where: { id: jobId }, select: ['state'] });
      if (now?.state === 'cancelled') throw new Cancelled();
      await set({ rowsRead: progress.read });
    }
  };
  try {
    await checkMergedCells(file, await checkUpload(file));
    const opts: RunOpts = { jobId, kind: job.kind, file, caller, dryRun: !!job.dryRun, fileName: job.fileName, progress, check };
    const result = job.kind === 'students' ? await importStudents(strapi, opts) : await importMatched(strapi, opts);
    if (cancelled.has(jobId)) throw new Cancelled();
    const errs = result.errors;
    if (errs.length) {
      const errorFile = path.join(importDir(strapi), `${jobId}-errors-${createId()}.xlsx`);
      const byRow = new Map<number, CellError[]>();
      for (const e of errs) (byRow.get(e.row) ?? byRow.set(e.row, []).get(e.row)!).push(e);
      await writeErrorWorkbook(file, errorFile, byRow, result.headerCount);
      await set({
        state: 'failed', rowsRead: result.rowsRead, rowsValid: result.rowsValid, rowsWritten: 0, errorCount: errs.length,
        errors: errs.slice(0, MAX_STORED_ERRORS), errorFile, finishedAt: new Date(),
        message: `${errs.length} 处错误，未写入任何数据；请下载错误文件修改后重新导入`,
      });
    } else {
      await set({
        state: 'done', rowsRead: result.rowsRead, rowsValid: result.rowsValid, rowsWritten: result.rowsWritten, errorCount: 0, errors: [], finishedAt: new Date(),
        message: job.dryRun ? `校验通过 ${result.rowsValid} 行（仅校验，未写入）` : `已导入 ${result.rowsWritten} 名学生（未提交注册）`,
      });
    }
  } catch (e: any) {
    if (e instanceof Cancelled || cancelled.has(jobId)) {
      await set({ state: 'cancelled', rowsRead: progress.read, rowsWritten: 0, message: '已取消，未写入任何数据', finishedAt: new Date() });
    } else {
      const known = e instanceof DomainError;
      if (!known) strapi.log.error(`[xueji] import ${jobId} failed: ${e?.stack ?? e}`);
      const code = known ? e.code : 'IMPORT_FAILED';
      const message = known ? e.message : '导入失败，未写入任何数据；请稍后重试或联系管理员';
      await set({
        state: 'failed', rowsRead: progress.read, rowsWritten: 0, errorCount: 1, finishedAt: new Date(), message,
        errors: [{ row: (e as any).row ?? 0, column: (e as any).column ?? 0, code, message }],
      });
    }
  } finally {
    cleanup(file, jobId);
  }
}

function cleanup(file: string, jobId: number) {
  cancelled.delete(jobId);
  fs.promises.rm(file, { force: true }).catch(() => undefined);
}

// ------------------------------------------------------------------------- new students
async function importStudents(strapi: Core.Strapi, o: RunOpts): Promise<ImportResult> {
  const { errors, rows, columns, headerCount, add } = await readUpload('students', o);

  const index = headerIndex(columns);
  const colOf = (header: string) => index.get(header) ?? 0;
  const caller = o.caller;
  const cfg = xuejiConfig(strapi) ?? {};

  // ---------------------------------------------------------------- schools and classes of the file
  const schoolCodes = new Set<string>();
  for (const p of rows) {
    if (caller.scope?.level === 'school') {
      if (p.schoolCode && p.schoolCode !== caller.scope.code) {
        add(p.row, colOf(SCHOOL_CODE_HEADER), 'OUT_OF_SCOPE', `${SCHOOL_CODE_HEADER}：只能导入本校（${caller.scope.code}）的学生`); p.ok = false;
      }
      p.schoolCode = caller.scope.code;
    } else if (!p.schoolCode) {
      add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'SCHOOL_CODE_REQUIRED', `${SCHOOL_CODE_HEADER}：教育行政部门导入时每行须填写学校标识码（模板最后一列）`); p.ok = false;
    }
    if (p.schoolCode) schoolCodes.add(p.schoolCode);
  }
  const schools = new Map<string, Data>();
  for (const s of await strapi.db.query(SCHOOL).findMany({ where: { code: { $in: [...schoolCodes] } } })) schools.set(s.code, s);
  const classesBySchool = new Map<string, Data[]>();
  for (const c of await strapi.db.query(CLASS).findMany({ where: { schoolCode: { $in: [...schoolCodes] } } })) {
    (classesBySchool.get(c.schoolCode) ?? classesBySchool.set(c.schoolCode, []).get(c.schoolCode)!).push(c);
  }

  // ---------------------------------------------------------------- pass 2: the panel's rules, row by row
  const classOf = new Map<ParsedRow, Data>();
  const keys = new Map<string, number>();
  const today = new Date();
  for (const p of rows) {
    if (p.schoolCode) {
      const school = schools.get(p.schoolCode);
      if (!school) { add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'SCHOOL_NOT_FOUND', `${SCHOOL_CODE_HEADER}：学校“${p.schoolCode}”不存在`); p.ok = false; }
      else if (caller.scope && !inScope(SCHOOL, caller.scope, school)) { add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'OUT_OF_SCOPE', `${SCHOOL_CODE_HEADER}：学校“${p.schoolCode}”不在管辖范围内`); p.ok = false; }
      else {
        const cls = p.student.grade === undefined || p.classText === undefined ? undefined
          : findClass(classesBySchool.get(school.code) ?? [], Number(p.student.grade), p.classText);
        if (!cls && p.student.grade !== undefined && p.classText !== undefined) { add(p.row, colOf('班级'), 'CLASS_NOT_FOUND', `班级：${school.name}没有${p.student.grade} 年级的“${p.classText}”`); p.ok = false; }
        else if (cls) classOf.set(p, { ...cls, school });
      }
    }
    if (!p.ok) continue;
    const student = p.student;
    const family = p.family.filter((m) => Object.keys(m).length);
    try {
      checkCodes(strapi, STUDENT, student);
      family.forEach((m, i) => checkCodes(strapi, MEMBER, m, `家庭成员${i + 1}：`));
      const merged = { ...student, family, grade: classOf.get(p)!.grade };
      Object.assign(student, checkStudentFields(merged, { entryAge: cfg.entryAge, today }));
      p.family = family;
    } catch (e: any) {
      if (!(e instanceof DomainError)) throw e;
      add(p.row, columnOfField(index, e.field), e.code, e.message); p.ok = false; continue;
    }
    const key = identityKeyOf(student);
    student.identityKey = key;
    if (key) {
      const first = keys.get(key);
      if (first !== undefined) { add(p.row, colOf('身份证件号'), 'STUDENT_DUPLICATE_IN_FILE', `身份证件号：与第 ${first} 行重复，一人只能有一个学籍`); p.ok = false; continue; }
      keys.set(key, p.row);
    }
  }
  await o.check();

  // ---------------------------------------------------------------- against the database: 查重 and class caps
  const allKeys = [...keys.keys()];
  const rowOfKey = new Map<string, ParsedRow>();
  for (const r of rows) if (r.ok && r.student.identityKey) rowOfKey.set(r.student.identityKey, r);
  for (let i = 0; i < allKeys.length; i += 500) {
    const found = await strapi.db.query(STUDENT).findMany({ where: { identityKey: { $in: allKeys.slice(i, i + 500) } }, select: ['identityKey', 'schoolCode'] });
    for (const f of found) {
      const p = rowOfKey.get(f.identityKey);
      if (p) { add(p.row, colOf('身份证件号'), 'STUDENT_DUPLICATE', `身份证件号：身份证号已被注册（学校标识码 ${f.schoolCode}），一人只能有一个学籍`); p.ok = false; }
    }
  }
  const perClass = new Map<number, ParsedRow[]>();
  for (const p of rows) if (classOf.has(p)) (perClass.get(classOf.get(p)!.id) ?? perClass.set(classOf.get(p)!.id, []).get(classOf.get(p)!.id)!).push(p);
  for (const [classId, list] of perClass) {
    const cls = classOf.get(list[0])!;
    const count = await strapi.db.query(STUDENT).count({ where: { schoolClass: { id: classId }, enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } } });
    const stage = stageOfGrade(cls.grade, cls.schoolingSystem || cls.school.schoolingSystem);
    try { checkClassCapacity(count, list.length, stage, cfg.classCaps); } catch (e: any) {
      if (!(e instanceof DomainError)) throw e;
      // The file's own rows count: every row beyond the last free place is refused.
      const free = Math.max(0, (e.details?.cap as number) - count);
      for (const p of list.slice(free)) { add(p.row, colOf('班级'), 'CLASS_FULL', `班级：${cls.name}${e.message.replace(/^[^（]*/, '')}`); p.ok = false; }
    }
  }

  const valid = rows.filter((p) => p.ok);
  errors.sort((a, b) => a.row - b.row || a.column - b.column);
  const result: ImportResult = { rowsRead: rows.length, rowsValid: valid.length, rowsWritten: 0, errors, headerCount };
  o.progress.read = rows.length;
  if (errors.length || o.dryRun) return result;
  await o.check();

  // ---------------------------------------------------------------- write: one transaction, set-based
  result.rowsWritten = await withSystemWrite(`import ${o.jobId}`, () => writeStudents(strapi, valid, classOf, o));
  return result;
}

async function writeStudents(strapi: Core.Strapi, valid: ParsedRow[], classOf: Map<ParsedRow, Data>, o: RunOpts): Promise<number> {
  const dialect = dialectOf(strapi);
  const now = new Date();
  const ts = timestampValue(dialect, now);
  const stamp = { createdAt: ts, updatedAt: ts, publishedAt: ts, locale: null };
  const studentRows = rowBuilder(strapi, STUDENT);
  const memberRows = rowBuilder(strapi, MEMBER);
  const studentClass = linkOf(strapi, STUDENT, 'schoolClass');
  const studentSchool = linkOf(strapi, STUDENT, 'school');
  const family = componentLink(strapi, STUDENT, 'family');
  const BATCH = 2000;
  let written = 0;
  await strapi.db.transaction(async ({ trx }: any) => {
    const w = new BulkWriter(trx, dialect, schemaOf(strapi), 0);
    for (let start = 0; start < valid.length; start += BATCH) {
      if (cancelled.has(o.jobId)) throw new Cancelled();
      const chunk = valid.slice(start, start + BATCH);
      const ids = await w.takeIds(studentRows.table, chunk.length);
      const memberCount = chunk.reduce((n, p) => n + p.family.length, 0);
      const memberIds = await w.takeIds(memberRows.table, memberCount);
      const students: Row[] = []; const members: Row[] = []; const cmps: Row[] = []; const l1: Row[] = []; const l2: Row[] = [];
      let m = 0;
      for (let i = 0; i < chunk.length; i++) {
        const p = chunk[i];
        const cls = classOf.get(p)!;
        const school = cls.school;
        const s = p.student;
        let studentNumber: string;
        if (s.idType === '1') studentNumber = formalStudentNumber(s.idNumber, now);
        else {
          const birth = String(s.birthDate).replace(/-/g, '');
          studentNumber = jStudentNumber(school.countyCode, birth, await reserveSequence(strapi, `J:${school.countyCode}:${birth}`, 1, trx));
        }
        const id = ids[i];
        students.push(studentRows.row({
          ...s, id, documentId: createId(), grade: cls.grade, idIsGuardians: false, studentNumber, regionalNumber: null,
          registrationStatus: 'draft', enrollmentStatus: '01', ...scopeColumnsOfSchool(school), ...stamp,
        }));
        p.family.forEach((fm, j) => {
          const mid = memberIds[m++];
          members.push(memberRows.row({ ...fm, id: mid }));
          cmps.push(family.row(id, mid, j + 1));
        });
        l1.push(studentClass.row(id, cls.id));
        l2.push(studentSchool.row(id, school.id));
      }
      await w.insertAll([[studentRows.table, students], [memberRows.table, members], [family.table, cmps], [studentClass.table, l1], [studentSchool.table, l2]]);
      written += chunk.length;
    }
    const first = valid[0] && classOf.get(valid[0])!.school;
    const sameSchool = valid.every((p) => classOf.get(p)!.school.code === first?.code);
    await writeAudit(strapi, {
      action: 'import', subjectType: JOB_UID, subjectId: String(o.jobId),
      scope: sameSchool && first ? scopeColumnsOfSchool(first) : await jobScopeColumns(strapi, o.caller),
      changes: { kind: 'students', fileName: o.fileName, rowsRead: valid.length, rowsWritten: written },
      actor: { id: o.caller.id, name: o.caller.name, kind: 'admin' },
    });
  });
  return written;
}
