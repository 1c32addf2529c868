/**
 * What every import kind shares: the streaming first pass over the upload (template conformity,
 * each cell read by the column spec), the run options, the cancel switch, the result shape, and
 * matching rows to existing students by 姓名 + 身份证件号 (SPEC §7).
 */
import fs from 'fs';
import path from 'path';
import { on } from 'events';
import { spawn, type ChildProcess } from 'child_process';
import type { Core } from '@strapi/strapi';
import { DomainError } from '../../domain/errors';
import { columnsOf, type Column, type TemplateKind } from '../../domain/excel-columns';
import type { UserScope } from '../../domain/scope';
import { normalizeIdNumber } from '../../domain/id-card';
import { scopeWhere } from '../scope';
import { metaOf, type Row } from '../../seed/bulk';
import { className as classNameOf } from '../../domain/grades';
import { type CellError } from './workbooks';
import { parseRowsInProcess, importFail, type AddError, type ParsedRow } from './parse-rows';
import type { ParseJob, ParseMessage } from './parse-worker';

export { importFail, type AddError, type ParsedRow };

type Data = Record<string, any>;

export interface Caller { id: number; name: string; scope: UserScope | null; superAdmin: boolean }

export class Cancelled extends Error {}
/** Cancel requests of running jobs (checked between rows); the job row carries the state too. */
export const cancelled = new Set<number>();

export interface RunOpts {
  jobId: number; kind: TemplateKind; file: string; caller: Caller; dryRun: boolean; fileName: string;
  progress: { read: number; inTransaction?: boolean }; check: () => Promise<void>;
  /** The parse worker started with the job (startParseWorker); the first parse takes it. */
  worker?: ChildProcess | null;
}

/** The job's early-started parse worker, once: a second pass starts its own. */
export function takeWorker(o: RunOpts): ChildProcess | null {
  const w = o.worker ?? null;
  o.worker = null;
  return w;
}

export interface ImportResult { rowsRead: number; rowsValid: number; rowsWritten: number; errors: CellError[]; headerCount: number }

export const headerIndex = (columns: readonly Column[]) => {
  const m = new Map<string, number>();
  columns.forEach((c, i) => m.set(c.header, i + 1));
  return m;
};

/** The column of a rule's field label: 身份证件号 → its column, 家庭成员1：关系 → 家庭成员1关系. */
export function columnOfField(index: Map<string, number>, field?: string): number {
  if (!field) return 0;
  const f = field.replace(/：/g, '');
  return index.get(f) ?? index.get(f.replace(/^(家庭成员\d)成员/, '$1')) ?? 0;
}

const WORKER = path.join(__dirname, 'parse-worker.js');
/**
 * The parse worker's V8 heap: 16 MB semi-spaces (ExcelJS's objects die young) and an old space
 * capped at 256 MB (its live set is a few batches plus a file's shared strings). The sheet read
 * straight from the zip (readRows), 10,000 and 100,000 rows on a quiet machine: 2.4 s and 17.4 s,
 * peak RSS 116 MB for either; with 32 MB semi-spaces the same speed at 145 MB.
 */
const WORKER_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];

/**
 * A parse worker started ahead of its job (it waits for the job as its first message): Node and
 * ExcelJS load, ~0.2 s, while the server checks the upload. Null when running from the TS sources.
 */
export function startParseWorker(): ChildProcess | null {
  if (!fs.existsSync(WORKER)) return null;
  const child = spawn(process.execPath, [...WORKER_FLAGS, WORKER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => undefined); // seen by parseRows, which then starts its own
  return child;
}

/** Stops a worker started ahead that no parse took (the upload was refused first). */
export function stopParseWorker(child: ChildProcess | null | undefined): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.disconnect();
  child.kill();
}

/**
 * The upload's rows (./parse-rows.ts), read by the parse worker (./parse-worker.ts) — from
 * the compiled build — or in this process (TS sources, e.g. scripts). Same contract either way:
 * `onHeader` before the first row, cell errors through `add`, refusals thrown as DomainError.
 * `ready`: a worker from startParseWorker, taken if it is still there to take the job.
 */
export async function* parseRows(kind: TemplateKind, file: string, add: AddError, onHeader: (columns: readonly Column[]) => void, partial = false, ready?: ChildProcess | null): AsyncGenerator<ParsedRow> {
  if (!fs.existsSync(WORKER)) {
    stopParseWorker(ready);
    yield* parseRowsInProcess(kind, file, add, onHeader, partial);
    return;
  }
  const job: ParseJob = { kind, file, partial };
  const warm = ready && ready.connected && ready.exitCode === null;
  if (ready && !warm) stopParseWorker(ready);
  const child = warm ? ready! : spawn(process.execPath, [...WORKER_FLAGS, WORKER, JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = on(child, 'message');
  let spawnError: Error | undefined;
  child.on('error', (e) => { spawnError = e; messages.return?.(); }); // no worker: the import fails below
  child.on('disconnect', () => { messages.return?.(); }); // after the channel's last message
  if (warm) child.send({ job });
  try {
    for await (const [m] of messages as AsyncIterable<[ParseMessage]>) {
      if (m.fail) throw Object.assign(new DomainError(m.fail.code, m.fail.message), { row: m.fail.row, column: m.fail.column }, m.fail.status ? { status: m.fail.status } : {});
      if (m.crash) throw new Error(`parse worker: ${m.crash}`);
      if (m.end) return;
      if (m.h !== undefined) onHeader(columnsOf(kind, { withSchoolCode: m.h }));
      for (const [row, column, code, message] of m.e ?? []) add(row, column, code, message);
      if (child.connected) child.send('more'); // the worker may read the next batch while these rows are checked
      yield* m.r ?? [];
    }
    throw new Error(`parse worker ended without an answer (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`})`);
  } finally {
    stopParseWorker(child);
  }
}

/** Every row of the upload in memory (the sub-record, update, class and graduate kinds). */
export async function readUpload(kind: TemplateKind, o: RunOpts, partial = false) {
  const errors: CellError[] = [];
  const rows: ParsedRow[] = [];
  let columns: readonly Column[] = columnsOf(kind);
  const add: AddError = (row, column, code, message) => { errors.push({ row, column, code, message }); };
  for await (const p of parseRows(kind, o.file, add, (c) => { columns = c; }, partial, takeWorker(o))) {
    o.progress.read += 1;
    if (o.progress.read % 200 === 0) await o.check();
    rows.push(p);
  }
  if (!rows.length) throw importFail('IMPORT_NO_ROWS', '文件中没有数据行');
  await o.check();
  return { errors, rows, columns, headerCount: columns.length, add };
}

/** A component link table (`<collection>_cmps`): rows (owner, component row, order). */
export function componentLink(strapi: Core.Strapi, uid: string, attr: string) {
  const def = metaOf(strapi, uid).attributes[attr];
  const jt = def.joinTable;
  const typeColumn: string = (jt.pivotColumns as string[] | undefined)?.find((c) => c.endsWith('type')) ?? 'component_type';
  const fieldColumn: string = Object.keys(jt.on ?? { field: 1 })[0] ?? 'field';
  return {
    table: jt.name as string,
    owner: jt.joinColumn.name as string,
    cmp: jt.inverseJoinColumn.name as string,
    row: (entityId: number, cmpId: number, order: number): Row => ({
      [jt.joinColumn.name]: entityId, [jt.inverseJoinColumn.name]: cmpId, [typeColumn]: def.target ?? def.component,
      [fieldColumn]: jt.on?.field ?? attr, [jt.orderColumnName ?? 'order']: order,
    }),
  };
}

export const NOT_MATCHED = (row: number) => `第 ${row} 行: 没有找到对应的学生记录, 请检查姓名和身份证号`;

/**
 * Rows → existing students of the caller's scope, by 姓名 + 身份证件号 (never adds one). An
 * unmatched row gets SPEC §7's message; two rows naming one student are refused.
 */
export async function matchStudents(strapi: Core.Strapi, caller: Caller, rows: ParsedRow[], add: (row: number, column: number, code: string, message: string) => void, cols: { name: number; id: number }, populate?: Data): Promise<Map<ParsedRow, Data>> {
  const out = new Map<ParsedRow, Data>();
  const live = rows.filter((p) => p.student.idNumber && p.student.name);
  const ids = [...new Set(live.map((p) => normalizeIdNumber(String(p.student.idNumber))))];
  const found = new Map<string, Data[]>();
  const scope = caller.superAdmin || !caller.scope ? {} : scopeWhere('api::student.student', caller.scope);
  for (let i = 0; i < ids.length; i += 500) {
    const list = await strapi.db.query('api::student.student').findMany({ where: { ...scope, idNumber: { $in: ids.slice(i, i + 500) } }, populate });
    for (const s of list) (found.get(s.idNumber) ?? found.set(s.idNumber, []).get(s.idNumber)!).push(s);
  }
  const seen = new Map<number, number>();
  for (const p of rows) {
    if (!p.student.idNumber || !p.student.name) continue;
    const hit = (found.get(normalizeIdNumber(String(p.student.idNumber))) ?? []).find((s) => String(s.name).trim() === String(p.student.name).trim());
    if (!hit) { add(p.row, cols.name, 'STUDENT_NOT_MATCHED', NOT_MATCHED(p.row)); p.ok = false; continue; }
    const first = seen.get(hit.id);
    if (first !== undefined) { add(p.row, cols.id, 'STUDENT_DUPLICATE_IN_FILE', `身份证件号：与第 ${first} 行是同一名学生`); p.ok = false; continue; }
    seen.set(hit.id, p.row);
    out.set(p, hit);
  }
  return out;
}

/** A class of the school by grade and name ("一年级(1)班"), "(1)班" or the number ("1"). */
export function findClass(classes: Data[], grade: number, text: string): Data | undefined {
  const t = text.replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, '');
  const num = /^\(?(\d{1,2})\)?班?$/.exec(t)?.[1];
  const hits = classes.filter((c) => Number(c.grade) === grade && (c.name === t || (num !== undefined && Number(c.number) === Number(num))
    || (() => { try { return classNameOf(grade, Number(c.number), c.schoolingSystem || undefined) === t; } catch { return false; } })()));
  // Several cohorts with one name: the newest (classes roll over as cohorts).
  return hits.sort((a, b) => String(b.foundedYearMonth).localeCompare(String(a.foundedYearMonth)))[0];
}

