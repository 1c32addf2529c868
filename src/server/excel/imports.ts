/**
 * Excel imports as jobs (issue 11, DESIGN "Bulk paths are set-based"): the upload is read
 * streaming (ExcelJS WorkbookReader), every row is validated first with the same rule functions
 * as the admin panel (write-rules.ts checkCodes, checkStudentFields, identityKeyOf; class caps;
 * duplicates in the file and against the database); any error → nothing written and an error
 * workbook; no error → all rows in one transaction, set-based, into Strapi's own tables, with
 * one audit row per import. A job row records rows read, valid and written and the state.
 */
import fs from 'fs';
import path from 'path';
import { randomBytes } from 'crypto';
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
import { writeErrorWorkbook, type CellError } from './workbooks';
import { checkUpload } from './upload-check';
import { parseRows, startParseWorker, stopParseWorker, takeWorker, columnOfField, headerIndex, componentLink, importFail, cancelled, Cancelled, type Caller, type ParsedRow, type RunOpts, type ImportResult } from './import-read';
import { importMatched } from './match-imports';
import { findClass } from './import-read';
import { jobFilesDir, activeJobs } from './job-files';
import { heapGuard } from './heap-guard';
import { analyzeAfterBulk } from '../list-speed';
import { SUB_RECORD_TYPES, type SubRecordKind } from '../../domain/excel-columns';

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
    rowsValid: job.rowsValid ?? 0, rowsRead: live.get(job.id)?.read ?? job.rowsRead ?? 0, rowsWritten: live.get(job.id)?.written ?? job.rowsWritten ?? 0,
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
  activeJobs.add(job.id);
  const file = path.join(jobFilesDir(strapi), `${job.id}-${createId()}.xlsx`);
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
  const progress: RunOpts['progress'] = { read: 0 };
  let last = Date.now();
  // A cancel handled by another instance shows on the job row, read every 500 ms. The read goes
  // through the pool, not the import's transaction (where it would wait for the insert in
  // flight), and is not awaited: the rows go on meanwhile; its answer is seen at the next check.
  const jobTable = metaOf(strapi, JOB_UID).tableName as string;
  let poll: Promise<void> | null = null;
  let cancelledElsewhere = false;
  const check = async () => {
    if (cancelled.has(jobId) || cancelledElsewhere) throw new Cancelled();
    live.set(jobId, { ...live.get(jobId), read: progress.read });
    if (!poll && Date.now() - last > 500) {
      last = Date.now();
      const inTransaction = progress.inTransaction;
      poll = (async () => {
        const now = await strapi.db.getConnection(jobTable).where({ id: jobId }).first('state');
        if (now?.state === 'cancelled') cancelledElsewhere = true;
        // Inside the import's transaction the job row is left alone (its progress is live).
        if (!inTransaction) await set({ rowsRead: progress.read });
      })().catch(() => undefined).finally(() => { poll = null; });
      if (!inTransaction) await poll;
    }
  };
  let final: Data = {};
  const worker = startParseWorker(); // Node and ExcelJS load while the upload is checked
  try {
    await checkUpload(file); // before the parse: no inflating
    const opts: RunOpts = { jobId, kind: job.kind, file, caller, dryRun: !!job.dryRun, fileName: job.fileName, progress, check, worker };
    const result = job.kind === 'students' ? await importStudents(strapi, opts) : await importMatched(strapi, opts);
    if (cancelled.has(jobId)) throw new Cancelled();
    const errs = result.errors;
    if (errs.length) {
      const errorFile = path.join(jobFilesDir(strapi), `${jobId}-errors-${createId()}.xlsx`);
      const byRow = new Map<number, CellError[]>();
      for (const e of errs) (byRow.get(e.row) ?? byRow.set(e.row, []).get(e.row)!).push(e);
      await writeErrorWorkbook(file, errorFile, byRow, result.headerCount);
      final = {
        state: 'failed', rowsRead: result.rowsRead, rowsValid: result.rowsValid, rowsWritten: 0, errorCount: errs.length,
        errors: errs.slice(0, MAX_STORED_ERRORS), errorFile, finishedAt: new Date(),
        message: `${errs.length} 处错误，未写入任何数据；请下载错误文件修改后重新导入`,
      };
    } else {
      final = {
        state: 'done', rowsRead: result.rowsRead, rowsValid: result.rowsValid, rowsWritten: result.rowsWritten, errorCount: 0, errors: [], finishedAt: new Date(),
        message: job.dryRun ? `校验通过 ${result.rowsValid} 行（仅校验，未写入）` : `已导入 ${result.rowsWritten} 名学生（未提交注册）`,
      };
    }
  } catch (e: any) {
    if (e instanceof Cancelled || cancelled.has(jobId)) {
      final = { state: 'cancelled', rowsRead: progress.read, rowsWritten: 0, message: '已取消，未写入任何数据', finishedAt: new Date() };
    } else {
      const known = e instanceof DomainError;
      if (!known) strapi.log.error(`[xueji] import ${jobId} failed: ${e?.stack ?? e}`);
      const code = known ? e.code : 'IMPORT_FAILED';
      const message = known ? e.message : '导入失败，未写入任何数据；请稍后重试或联系管理员';
      final = {
        state: 'failed', rowsRead: progress.read, rowsWritten: 0, errorCount: 1, finishedAt: new Date(), message,
        errors: [{ row: (e as any).row ?? 0, column: (e as any).column ?? 0, code, message }],
      };
    }
  } finally {
    stopParseWorker(worker); // started for a file refused before its parse
    // The upload is gone before the job shows its end state.
    await cleanup(file, jobId);
  }
  await set(final);
  // Fresh statistics and visibility after a large write (lists and counts stay index-only).
  if (final.state === 'done' && !job.dryRun) {
    const uid = SUB_RECORD_TYPES[job.kind as SubRecordKind] ?? 'api::student.student';
    await analyzeAfterBulk(strapi, uid, Number(final.rowsWritten) || 0);
  }
}

async function cleanup(file: string, jobId: number) {
  cancelled.delete(jobId);
  activeJobs.delete(jobId);
  live.delete(jobId);
  await fs.promises.rm(file, { force: true }).catch(() => undefined);
}

// ------------------------------------------------------------------------- new students
/**
 * Rows a file may have for the import to keep them between the check and the write on SQLite; a
 * larger file is read a second time for the write, so memory stays bounded whatever its size
 * (config xueji.imports.keepRows).
 */
const KEEP_ROWS = 10_000;
/**
 * Rows per 查重 query and per insert batch. The last batch is written after the last row is read
 * (~0.1 s per 1,000 rows on PostgreSQL): smaller batches shorten that tail.
 */
const BATCH = 1000;
/**
 * Ids taken per sequence call on PostgreSQL: one call per five batches (an exact call per batch
 * would wait for the insert in flight); at most this many ids of a sequence go unused per import.
 */
const ID_BLOCK = 5 * BATCH;
/** A row checked and ready to write. */
interface Ready { row: number; student: Data; family: Data[]; cls: Data }
/** Thrown inside the write transaction to roll it back when a row is refused. */
class Refused extends Error {}

/** Live progress of running imports (this process), merged into GET /xueji/imports/:id. */
export const live = new Map<number, { read?: number; written?: number }>();

/**
 * New students, streaming, all-or-nothing, memory bounded by a batch:
 * - PostgreSQL: ONE pass inside one transaction. Each batch of checked rows is checked against
 *   the database (查重) and inserted while the next batch is read; any refused row (in the file,
 *   a duplicate, a class over its cap — decided at the end, from class sizes counted before the
 *   first insert) rolls the whole transaction back: nothing is written.
 * - SQLite (one connection: a transaction would hold every other request for the whole read) and
 *   dry runs: pass 1 checks everything without writing; pass 2 writes in one short transaction —
 *   from memory for up to KEEP_ROWS rows, otherwise by reading the file again.
 */
async function importStudents(strapi: Core.Strapi, o: RunOpts): Promise<ImportResult> {
  const errors: CellError[] = [];
  const add = (row: number, column: number, code: string, message: string) => { errors.push({ row, column, code, message }); };
  let index = new Map<string, number>();
  let headerCount = 0;
  const onHeader = (columns: readonly Column[]) => { index = headerIndex(columns); headerCount = columns.length; };
  const colOf = (header: string) => index.get(header) ?? 0;
  const caller = o.caller;
  const cfg = xuejiConfig(strapi) ?? {};
  const keepRows = Number(cfg.imports?.keepRows ?? KEEP_ROWS);
  const onePass = dialectOf(strapi) === 'postgres' && !o.dryRun;
  const today = new Date();

  // Schools and their classes, loaded once per school the file names.
  const schools = new Map<string, Data | null>();
  const classesBySchool = new Map<string, Data[]>();
  const schoolOf = async (code: string) => {
    if (!schools.has(code)) {
      const school = await strapi.db.query(SCHOOL).findOne({ where: { code } });
      schools.set(code, school ?? null);
      if (school) classesBySchool.set(code, await strapi.db.query(CLASS).findMany({ where: { schoolCode: code } }));
    }
    return schools.get(code)!;
  };

  const withSchool = new Map<number, Data>(); // class id → the class with its school, one object per class

  /** One row through the panel's rules: ready to write, or its errors added (and null). */
  const prepare = async (p: ParsedRow): Promise<{ ready: Ready | null; cls?: Data }> => {
    if (caller.scope?.level === 'school') {
      if (p.schoolCode && p.schoolCode !== caller.scope.code) {
        add(p.row, colOf(SCHOOL_CODE_HEADER), 'OUT_OF_SCOPE', `${SCHOOL_CODE_HEADER}：只能导入本校（${caller.scope.code}）的学生`); p.ok = false;
      }
      p.schoolCode = caller.scope.code;
    } else if (!p.schoolCode) {
      add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'SCHOOL_CODE_REQUIRED', `${SCHOOL_CODE_HEADER}：教育行政部门导入时每行须填写学校标识码（模板最后一列）`); p.ok = false;
    }
    let cls: Data | undefined;
    if (p.schoolCode) {
      const school = await schoolOf(p.schoolCode);
      if (!school) { add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'SCHOOL_NOT_FOUND', `${SCHOOL_CODE_HEADER}：学校“${p.schoolCode}”不存在`); p.ok = false; }
      else if (caller.scope && !inScope(SCHOOL, caller.scope, school)) { add(p.row, colOf(SCHOOL_CODE_HEADER) || 1, 'OUT_OF_SCOPE', `${SCHOOL_CODE_HEADER}：学校“${p.schoolCode}”不在管辖范围内`); p.ok = false; }
      else if (p.student.grade !== undefined && p.classText !== undefined) {
        const found = findClass(classesBySchool.get(school.code) ?? [], Number(p.student.grade), p.classText);
        if (!found) { add(p.row, colOf('班级'), 'CLASS_NOT_FOUND', `班级：${school.name}没有${p.student.grade} 年级的“${p.classText}”`); p.ok = false; }
        else cls = withSchool.get(found.id) ?? withSchool.set(found.id, { ...found, school }).get(found.id)!;
      }
    }
    if (!p.ok) return { ready: null, cls };
    const student = p.student;
    const family = p.family.filter((m) => Object.keys(m).length);
    try {
      checkCodes(strapi, STUDENT, student);
      family.forEach((m, i) => checkCodes(strapi, MEMBER, m, `家庭成员${i + 1}：`));
      Object.assign(student, checkStudentFields({ ...student, family, grade: cls!.grade }, { entryAge: cfg.entryAge, today }));
    } catch (e: any) {
      if (!(e instanceof DomainError)) throw e;
      add(p.row, columnOfField(index, e.field), e.code, e.message); p.ok = false;
      return { ready: null, cls };
    }
    student.identityKey = identityKeyOf(student);
    return { ready: { row: p.row, student, family, cls: cls! }, cls };
  };

  const keys = new Map<string, number>(); // identity key → its (first) row: duplicates in the file
  const perClass = new Map<number, { cls: Data; count: number; rows: number[] }>();
  const validRows = new Set<number>();
  const bad = new Set<number>();
  let kept: Ready[] | null = onePass ? null : [];
  let rowsRead = 0;
  let pending: Ready[] = [];

  // 查重 against the database: one set-based query per batch, on a pooled connection (students
  // other imports committed; the file's own rows are checked by `keys`), so in one pass it runs
  // while the previous batch's insert is still in flight on the transaction's connection.
  const students = metaOf(strapi, STUDENT);
  const keyColumn = students.attributes.identityKey.columnName as string;
  const schoolColumn = students.attributes.schoolCode.columnName as string;
  const duplicates = async (batch: Ready[]) => {
    const byKey = new Map(batch.filter((r) => r.student.identityKey).map((r) => [r.student.identityKey as string, r.row]));
    if (!byKey.size) return;
    const found = await strapi.db.getConnection(students.tableName).whereIn(keyColumn, [...byKey.keys()]).select({ key: keyColumn, school: schoolColumn });
    for (const f of found) {
      const row = byKey.get(f.key)!;
      add(row, colOf('身份证件号'), 'STUDENT_DUPLICATE', `身份证件号：身份证号已被注册（学校标识码 ${f.school}），一人只能有一个学籍`);
      bad.add(row);
    }
  };
  // 48 MB: with the parse worker's ~115 MB, a 100,000-row import stays under 500 MB in all.
  const collectIfGrown = heapGuard(48 * 1024 * 1024);

  /** 查重 of a batch; then (one pass, no error yet) its insert, or (two passes) the batch kept. */
  const flush = async (writer?: StudentWriter) => {
    collectIfGrown();
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    await duplicates(batch);
    if (errors.length) { kept = null; return; }
    if (writer) await writer.write(batch);
    else if (kept && kept.length + batch.length <= keepRows) kept.push(...batch);
    else kept = null;
  };

  /** Every row read and checked; with a writer (one pass), valid batches are inserted as they come. */
  const readAll = async (writer?: StudentWriter) => {
    for await (const p of parseRows('students', o.file, add, onHeader, false, takeWorker(o))) {
      rowsRead += 1;
      o.progress.read = rowsRead;
      if (rowsRead % 200 === 0) await o.check();
      const { ready, cls } = await prepare(p);
      if (cls) {
        let c = perClass.get(cls.id);
        if (!c) {
          // Counted before any row of this file is inserted (inside the transaction on PostgreSQL).
          await writer?.drain();
          const count = await strapi.db.query(STUDENT).count({ where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } } });
          perClass.set(cls.id, (c = { cls, count, rows: [] }));
        }
        c.rows.push(p.row);
      }
      if (!ready) continue;
      const key = ready.student.identityKey;
      if (key) {
        const first = keys.get(key);
        if (first !== undefined) { add(p.row, colOf('身份证件号'), 'STUDENT_DUPLICATE_IN_FILE', `身份证件号：与第 ${first} 行重复，一人只能有一个学籍`); continue; }
        keys.set(key, p.row);
      }
      validRows.add(p.row);
      pending.push(ready);
      if (pending.length === BATCH) await flush(writer);
    }
    await flush(writer);
    if (!rowsRead) throw importFail('IMPORT_NO_ROWS', '文件中没有数据行');
    // Class caps: the file's own rows count; every row beyond the last free place is refused.
    for (const { cls, count, rows } of perClass.values()) {
      const stage = stageOfGrade(cls.grade, cls.schoolingSystem || cls.school.schoolingSystem);
      try { checkClassCapacity(count, rows.length, stage, cfg.classCaps); } catch (e: any) {
        if (!(e instanceof DomainError)) throw e;
        const free = Math.max(0, (e.details?.cap as number) - count);
        for (const row of rows.slice(free)) {
          add(row, colOf('班级'), 'CLASS_FULL', `班级：${cls.name}${e.message.replace(/^[^（]*/, '')}`);
          bad.add(row);
        }
      }
    }
    await o.check();
  };
  const result = (): ImportResult => {
    let rowsValid = validRows.size;
    for (const row of bad) if (validRows.has(row)) rowsValid -= 1;
    errors.sort((a, b) => a.row - b.row || a.column - b.column);
    return { rowsRead, rowsValid, rowsWritten: 0, errors, headerCount };
  };

  if (onePass) {
    let written = 0;
    try {
      await withSystemWrite(`import ${o.jobId}`, () => strapi.db.transaction(async ({ trx }: any) => {
        o.progress.inTransaction = true;
        const writer = new StudentWriter(strapi, trx, o);
        await readAll(writer);
        await writer.drain();
        if (errors.length) throw new Refused();
        written = await writer.finish();
      }));
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
    } finally {
      o.progress.inTransaction = false;
    }
    return { ...result(), rowsWritten: errors.length ? 0 : written };
  }

  await readAll();
  const out = result();
  if (errors.length || o.dryRun) return out;
  await o.check();
  await strapi.db.query(JOB_UID).update({ where: { id: o.jobId }, data: { rowsRead: out.rowsRead, rowsValid: out.rowsValid } });
  const rows: Iterable<Ready> | AsyncIterable<Ready> = kept ?? (async function* again() {
    for await (const p of parseRows('students', o.file, add, onHeader, false, takeWorker(o))) {
      const { ready } = await prepare(p);
      if (!ready || errors.length) throw importFail('IMPORT_FILE_CHANGED', '导入文件在校验后发生变化，未写入任何数据；请重新上传');
      yield ready;
    }
  })();
  out.rowsWritten = await withSystemWrite(`import ${o.jobId}`, () => strapi.db.transaction(async ({ trx }: any) => {
    const writer = new StudentWriter(strapi, trx, o);
    let chunk: Ready[] = [];
    for await (const r of rows as AsyncIterable<Ready>) {
      chunk.push(r);
      if (chunk.length === BATCH) { collectIfGrown(); await writer.write(chunk); chunk = []; }
    }
    if (chunk.length) await writer.write(chunk);
    await writer.drain();
    return writer.finish();
  }));
  return out;
}

const B36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/**
 * `n` document ids of Strapi's shape (24 lowercase letters and digits, a letter first) from one
 * call to the system's random source: ~119 random bits each. cuid2's createId hashes every id with
 * SHA-3, a tenth of the import's CPU time in a profile of 10,000 rows.
 */
function documentIds(n: number): string[] {
  const bytes = randomBytes(n * 24);
  const out = new Array<string>(n);
  for (let i = 0, b = 0; i < n; i++) {
    let s = B36[10 + (bytes[b++] % 26)];
    for (let j = 1; j < 24; j++) s += B36[bytes[b++] % 36];
    out[i] = s;
  }
  return out;
}

/**
 * Set-based writer of checked rows into Strapi's own tables (PLATFORM.md "Strapi 5 tables"):
 * students, family component rows and their `_cmps` links, class and school links — one
 * multi-table statement per batch, sent while the caller prepares the next one.
 */
class StudentWriter {
  private readonly w: BulkWriter;
  private readonly now = new Date();
  private readonly stamp: Data;
  private readonly studentRows; private readonly memberRows; private readonly studentClass; private readonly studentSchool; private readonly family;
  written = 0;
  private firstSchool: Data | undefined;
  private sameSchool = true;

  constructor(private readonly strapi: Core.Strapi, private readonly trx: any, private readonly o: RunOpts) {
    const dialect = dialectOf(strapi);
    this.w = new BulkWriter(trx, dialect, schemaOf(strapi), ID_BLOCK);
    const ts = timestampValue(dialect, this.now);
    this.stamp = { createdAt: ts, updatedAt: ts, publishedAt: ts, locale: null };
    this.studentRows = rowBuilder(strapi, STUDENT);
    this.memberRows = rowBuilder(strapi, MEMBER);
    this.studentClass = linkOf(strapi, STUDENT, 'schoolClass');
    this.studentSchool = linkOf(strapi, STUDENT, 'school');
    this.family = componentLink(strapi, STUDENT, 'family');
  }

  drain() { return this.w.drain(); }

  async write(chunk: Ready[]): Promise<void> {
    if (cancelled.has(this.o.jobId)) throw new Cancelled();
    const ids = await this.w.takeIds(this.studentRows.table, chunk.length);
    const memberIds = await this.w.takeIds(this.memberRows.table, chunk.reduce((n, p) => n + p.family.length, 0));
    const students: Row[] = []; const members: Row[] = []; const cmps: Row[] = []; const l1: Row[] = []; const l2: Row[] = [];
    const scopeOf = new Map<string, Data>();
    const docIds = documentIds(chunk.length);
    let m = 0;
    for (let i = 0; i < chunk.length; i++) {
      const { student: s, family: fam, cls } = chunk[i];
      const school = cls.school;
      this.firstSchool ??= school;
      if (school.code !== this.firstSchool!.code) this.sameSchool = false;
      let studentNumber: string;
      if (s.idType === '1') studentNumber = formalStudentNumber(s.idNumber, this.now);
      else {
        const birth = String(s.birthDate).replace(/-/g, '');
        await this.w.drain();
        studentNumber = jStudentNumber(school.countyCode, birth, await reserveSequence(this.strapi, `J:${school.countyCode}:${birth}`, 1, this.trx));
      }
      const id = ids[i];
      const scope = scopeOf.get(school.code) ?? scopeOf.set(school.code, scopeColumnsOfSchool(school)).get(school.code)!;
      students.push(this.studentRows.row(s, {
        id, documentId: docIds[i], grade: cls.grade, idIsGuardians: false, studentNumber, regionalNumber: null,
        registrationStatus: 'draft', enrollmentStatus: '01', ...scope, ...this.stamp,
      }));
      for (let j = 0; j < fam.length; j++) {
        const mid = memberIds[m++];
        members.push(this.memberRows.row(fam[j], { id: mid }));
        cmps.push(this.family.row(id, mid, j + 1));
      }
      l1.push(this.studentClass.row(id, cls.id));
      l2.push(this.studentSchool.row(id, school.id));
    }
    await this.w.insertAllInBackground([[this.studentRows.table, students], [this.memberRows.table, members], [this.family.table, cmps], [this.studentClass.table, l1], [this.studentSchool.table, l2]]);
    this.written += chunk.length;
    live.set(this.o.jobId, { ...live.get(this.o.jobId), written: this.written });
  }

  /** After the last batch: the audit row of the import; returns the rows written. */
  async finish(): Promise<number> {
    await this.w.drain();
    await writeAudit(this.strapi, {
      action: 'import', subjectType: JOB_UID, subjectId: String(this.o.jobId),
      scope: this.sameSchool && this.firstSchool ? scopeColumnsOfSchool(this.firstSchool as any) : await jobScopeColumns(this.strapi, this.o.caller),
      changes: { kind: 'students', fileName: this.o.fileName, rowsRead: this.written, rowsWritten: this.written },
      actor: { id: this.o.caller.id, name: this.o.caller.name, kind: 'admin' },
    });
    return this.written;
  }
}
