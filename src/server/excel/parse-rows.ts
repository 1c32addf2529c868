/**
 * The upload's rows read cell by cell by the column spec (template conformity, each cell parsed
 * and checked by its field) — pure: no database, no Strapi, so it runs in the parse worker
 * (./parse-worker.ts) as well as in the server.
 */
import { DomainError } from '../../domain/errors';
import { columnsOf, checkHeaders, parseCell, type Column, type TemplateKind } from '../../domain/excel-columns';
import { readRows } from './read-rows';
import { mergedCellsRefusal } from './upload-check';

type Data = Record<string, any>;

export const importFail = (code: string, message: string, status = 400) => Object.assign(new DomainError(code, message), { status });

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
 * The upload read streaming, in this process: the header row against the kind's columns (`onHeader` gets the
 * columns, with 学校标识码 when the file has it), then every non-blank row read cell by cell,
 * yielded one at a time — the caller decides what to keep. `partial` (batch update): an empty
 * cell means "unchanged" — only 姓名 and 身份证件号 are required and no default is filled in.
 * `kept: false` (the parse worker, which serializes each row away at once): values are not
 * copied out of the reader's text.
 */
export async function* parseRowsInProcess(kind: TemplateKind, file: string, add: AddError, onHeader: (columns: readonly Column[]) => void, partial = false, kept = true): AsyncGenerator<ParsedRow> {
  let columns: readonly Column[] = columnsOf(kind);
  let headerSeen = false;
  let merges: string[] = [];
  for await (const { number, values } of readRows(file, (found) => { merges = found; })) {
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
      if (kept) parsed.value = own(parsed.value);
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
  if (merges.length) throw mergedCellsRefusal(merges); // found at the end of the sheet: nothing is written before
}
