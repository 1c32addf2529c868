/**
 * What every import kind shares: the streaming first pass over the upload (template conformity,
 * each cell read by the column spec), the run options, the cancel switch, the result shape, and
 * matching rows to existing students by 姓名 + 身份证件号 (SPEC §7).
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../../domain/errors';
import { columnsOf, checkHeaders, parseCell, type Column, type TemplateKind } from '../../domain/excel-columns';
import type { UserScope } from '../../domain/scope';
import { normalizeIdNumber } from '../../domain/id-card';
import { scopeWhere } from '../scope';
import { metaOf, type Row } from '../../seed/bulk';
import { className as classNameOf } from '../../domain/grades';
import { readRows, type CellError } from './workbooks';

type Data = Record<string, any>;

export interface Caller { id: number; name: string; scope: UserScope | null; superAdmin: boolean }

export const importFail = (code: string, message: string, status = 400) => Object.assign(new DomainError(code, message), { status });

export class Cancelled extends Error {}
/** Cancel requests of running jobs (checked between rows); the job row carries the state too. */
export const cancelled = new Set<number>();

export interface ParsedRow {
  row: number;
  student: Data;
  family: Data[];
  /** Cells of the non-national kinds (sub-records, classes, graduates), by attribute. */
  record: Data;
  schoolCode?: string;
  classText?: string;
  ok: boolean;
}

export interface RunOpts {
  jobId: number; kind: TemplateKind; file: string; caller: Caller; dryRun: boolean; fileName: string;
  progress: { read: number; inTransaction?: boolean }; check: () => Promise<void>;
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

/**
 * A stored cell value that does not keep the reader's text chunk alive: V8 makes substrings of
 * 13 or more characters "sliced" views of their parent string, so 100,000 kept rows would hold
 * the whole inflated sheet XML. Such strings are copied.
 */
const own = (v: unknown) => (typeof v === 'string' && v.length >= 13 ? Buffer.from(v, 'utf8').toString('utf8') : v);

const isBlank = (values: any[]) => values.every((v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === ''));

/** Adds an error of a cell (row and column as in the workbook, 1-based; column 0: the row). */
export type AddError = (row: number, column: number, code: string, message: string) => void;

/**
 * The upload read streaming: the header row against the kind's columns (`onHeader` gets the
 * columns, with 学校标识码 when the file has it), then every non-blank row read cell by cell,
 * yielded one at a time — the caller decides what to keep. `partial` (batch update): an empty
 * cell means "unchanged" — only 姓名 and 身份证件号 are required and no default is filled in.
 */
export async function* parseRows(kind: TemplateKind, file: string, add: AddError, onHeader: (columns: readonly Column[]) => void, partial = false): AsyncGenerator<ParsedRow> {
  let columns: readonly Column[] = columnsOf(kind);
  let headerSeen = false;
  for await (const { number, values } of readRows(file)) {
    if (!headerSeen) {
      headerSeen = true;
      const headers = values.map((v) => (v === null || v === undefined ? '' : String(typeof v === 'object' && v.richText ? v.richText.map((r: any) => r.text).join('') : v)));
      const conform = checkHeaders(kind, headers);
      if ('problem' in conform) {
        throw Object.assign(new DomainError(conform.problem.code, conform.problem.message), { row: number, column: conform.column ?? 0 });
      }
      columns = columnsOf(kind, { withSchoolCode: conform.withSchoolCode });
      onHeader(columns);
      continue;
    }
    if (isBlank(values)) continue;
    if (values.length > columns.length && !isBlank(values.slice(columns.length))) {
      add(number, columns.length + 1, 'TEMPLATE_MISMATCH', `第 ${columns.length + 1} 列之后不应有内容`);
    }
    const p: ParsedRow = { row: number, student: {}, family: [{}, {}], record: {}, ok: true };
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i];
      if (col.group === 'separator') {
        if (!isBlank([values[i]])) { add(number, i + 1, 'SEPARATOR_NOT_EMPTY', `隐藏分隔列“${col.header}”应为空`); p.ok = false; }
        continue;
      }
      const isKey = col.group === 'match' || (col.group === 'student' && (col.key === 'name' || col.key === 'idNumber'));
      const field = partial && !isKey ? { ...col.field!, required: false, defaultValue: undefined } : isKey ? { ...col.field!, required: true } : col.field!;
      const parsed = parseCell(field, values[i], col.header);
      if ('problem' in parsed) { add(number, i + 1, parsed.problem.code, parsed.problem.message); p.ok = false; continue; }
      if (parsed.value === undefined) continue;
      parsed.value = own(parsed.value);
      if (col.group === 'student') {
        if (col.key === 'schoolClass') p.classText = String(parsed.value);
        else p.student[col.key] = parsed.value;
      } else if (col.group === 'family') p.family[col.member! - 1][col.key] = parsed.value;
      else if (col.group === 'school') p.schoolCode = String(parsed.value);
      else if (col.key === 'schoolClass') p.classText = String(parsed.value);
      else if (col.group === 'match') p.student[col.key] = parsed.value;
      else p.record[col.key] = parsed.value;
    }
    yield p;
  }
  if (!headerSeen) throw importFail('IMPORT_EMPTY', '文件中没有工作表或表头，请使用下载的模板');
}

/** Every row of the upload in memory (the sub-record, update, class and graduate kinds). */
export async function readUpload(kind: TemplateKind, o: RunOpts, partial = false) {
  const errors: CellError[] = [];
  const rows: ParsedRow[] = [];
  let columns: readonly Column[] = columnsOf(kind);
  const add: AddError = (row, column, code, message) => { errors.push({ row, column, code, message }); };
  for await (const p of parseRows(kind, o.file, add, (c) => { columns = c; }, partial)) {
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

