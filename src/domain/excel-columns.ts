/**
 * The one column spec of every Excel template, import and export (SPEC §7, FIELDS.md). It is
 * built on the national field set of student-fields.ts (STUDENT_FIELDS, FAMILY_FIELDS) — there
 * is no second list of columns: the national 72-field student sheet is the 48 student fields, a
 * hidden separator column, then two family members of 12 fields each.
 *
 * Also here: turning a cell as uploaded (text, number, Excel date, rich text, formula) into the
 * stored value of a field, with a stable code and a Chinese message per problem, and the
 * reverse (the cell text of a stored value, codes as the national system takes them).
 * Pure functions, no Strapi.
 */
import { STUDENT_FIELDS, FAMILY_FIELDS, type FieldSpec } from './student-fields';
import { codeOptions, hasCode } from './code-lookup';
import { isValidCalendarDate } from './dates';
import { CONTENT_TYPES } from './content-model';

export const FAMILY_MEMBERS = 2;
/** Header of the hidden column between the student and the family columns. */
export const SEPARATOR_HEADER = '家庭成员信息';
/** Optional column after the national ones: the school of each row (required in a bureau's file). */
export const SCHOOL_CODE_HEADER = '学校标识码';
/** Column added to the rows of an error workbook. */
export const ERROR_REASON_HEADER = '错误原因';
/** The two columns batch update and sub-record imports match students by (SPEC §7). */
export const MATCH_HEADERS = ['姓名', '身份证件号'] as const;

export type ColumnGroup = 'student' | 'separator' | 'family' | 'school' | 'match' | 'record' | 'extra';

export interface Column {
  header: string;
  /** Attribute of the student (group student), of the family member (group family) or of the record. */
  key: string;
  group: ColumnGroup;
  /** 1-based family member of a family column. */
  member?: number;
  field?: FieldSpec;
}

/** Header of a family column: 家庭成员1姓名, 家庭成员2关系 … */
export const familyHeader = (member: number, f: FieldSpec) => `家庭成员${member}${f.label.replace(/^成员/, '')}`;

/** The national student sheet: 48 student fields, the separator, 2 × 12 family fields (72 + 1 columns). */
export const NATIONAL_COLUMNS: readonly Column[] = Object.freeze([
  ...STUDENT_FIELDS.map((f): Column => ({ header: f.label, key: f.key, group: 'student', field: f })),
  { header: SEPARATOR_HEADER, key: '', group: 'separator' },
  ...Array.from({ length: FAMILY_MEMBERS }, (_, i) =>
    FAMILY_FIELDS.map((f): Column => ({ header: familyHeader(i + 1, f), key: f.key, group: 'family', member: i + 1, field: f }))).flat(),
]);

/** 1-based position of the hidden separator column. */
export const SEPARATOR_COLUMN = NATIONAL_COLUMNS.findIndex((c) => c.group === 'separator') + 1;

export const SCHOOL_CODE_COLUMN: Column = {
  header: SCHOOL_CODE_HEADER, key: 'schoolCode', group: 'school',
  field: { key: 'schoolCode', label: SCHOOL_CODE_HEADER, kind: 'text', maxLength: 10 },
};

const studentField = (key: string) => STUDENT_FIELDS.find((f) => f.key === key)!;
const matchColumns = (): Column[] => [
  { header: '姓名', key: 'name', group: 'match', field: { ...studentField('name'), required: true } },
  { header: '身份证件号', key: 'idNumber', group: 'match', field: { ...studentField('idNumber'), required: true } },
];

/** Sub-record kinds → their content type (the record's own attributes, from content-model.ts). */
export const SUB_RECORD_TYPES = {
  resume: 'api::resume-entry.resume-entry',
  exam: 'api::exam-result.exam-result',
  evaluation: 'api::evaluation.evaluation',
  award: 'api::award.award',
  punishment: 'api::punishment.punishment',
} as const;
export type SubRecordKind = keyof typeof SUB_RECORD_TYPES;

export const TEMPLATE_KINDS = ['students', 'update', 'resume', 'exam', 'evaluation', 'award', 'punishment', 'graduates', 'classes'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_TITLES: Record<TemplateKind, string> = {
  students: '新生导入', update: '批量修改', resume: '学生简历', exam: '考试成绩', evaluation: '综合评价',
  award: '奖励', punishment: '处分', graduates: '毕业生', classes: '分班调班',
};

/** A content-model attribute as a field of a column (sub-record sheets). */
function fieldOfAttr(key: string, label: string, attr: any): FieldSpec {
  const required = !!attr.required;
  if (attr.customField === 'global::code') return { key, label, kind: 'code', table: attr.options?.table, required };
  switch (attr.type) {
    case 'date': return { key, label, kind: 'date', required };
    case 'decimal': case 'float': return { key, label, kind: 'number', required } as any;
    case 'integer': return { key, label, kind: 'integer', required };
    case 'boolean': return { key, label, kind: 'code', table: 'yesNo', required, boolean: true } as any;
    default: return { key, label, kind: 'text', required, maxLength: attr.maxLength, pattern: attr.regex } as any;
  }
}

/** Columns of a sub-record sheet: 姓名, 身份证件号, then the record's own attributes. */
export function subRecordColumns(kind: SubRecordKind): Column[] {
  const api = SUB_RECORD_TYPES[kind].split('.')[1];
  const type = CONTENT_TYPES.find((t) => t.api === api)!;
  const own = type.attrs.filter((x) => !x.system && x.key !== 'student' && (x.attr as any).type !== 'relation' && (x.attr as any).type !== 'media'
    && !['provinceCode', 'cityCode', 'countyCode', 'schoolCode'].includes(x.key));
  return [...matchColumns(), ...own.map((x): Column => ({ header: x.label, key: x.key, group: 'record', field: fieldOfAttr(x.key, x.label, x.attr) }))];
}

/** The columns of a template kind (the import of that kind expects exactly these, in order). */
export function columnsOf(kind: TemplateKind, opts: { withSchoolCode?: boolean } = {}): readonly Column[] {
  switch (kind) {
    case 'students':
    case 'update':
      return opts.withSchoolCode ? [...NATIONAL_COLUMNS, SCHOOL_CODE_COLUMN] : NATIONAL_COLUMNS;
    case 'classes':
      return [...matchColumns(),
        { header: '年级', key: 'grade', group: 'extra', field: { ...studentField('grade') } },
        { header: '班级', key: 'schoolClass', group: 'extra', field: { ...studentField('schoolClass') } }];
    case 'graduates':
      return [...matchColumns(),
        { header: '毕业日期', key: 'graduatedOn', group: 'extra', field: { key: 'graduatedOn', label: '毕业日期', kind: 'date', required: true } },
        { header: '备注', key: 'reason', group: 'extra', field: { key: 'reason', label: '备注', kind: 'text', maxLength: 2000 } }];
    default:
      return subRecordColumns(kind);
  }
}

// ------------------------------------------------------------------------- reading a cell
export interface CellProblem { code: string; message: string }

export type ParsedCell = { value: unknown } | { problem: CellProblem };

const problem = (code: string, label: string, text: string): ParsedCell => ({ problem: { code, message: `${label}：${text}` } });

/** An Excel serial day number (1900 date system) → Y-M-D. */
function serialToDate(serial: number): { year: number; month: number; day: number } | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const d = new Date(Math.round((serial - 25569) * 86400000));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The plain content of a cell as ExcelJS reads it: text, number, Date, rich text, hyperlink,
 * or a formula (refused: templates take values only, SPEC §7).
 */
export function cellContent(raw: unknown): { text: string; date?: { year: number; month: number; day: number }; number?: number; formula?: boolean } {
  if (raw === null || raw === undefined) return { text: '' };
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return { text: '' };
    const date = { year: raw.getUTCFullYear(), month: raw.getUTCMonth() + 1, day: raw.getUTCDate() };
    return { text: `${date.year}-${pad(date.month)}-${pad(date.day)}`, date };
  }
  if (typeof raw === 'number') return { text: Number.isInteger(raw) ? String(raw) : String(raw), number: raw };
  if (typeof raw === 'boolean') return { text: raw ? '1' : '0' };
  if (typeof raw === 'object') {
    const o = raw as any;
    if ('formula' in o || 'sharedFormula' in o) return { text: '', formula: true };
    if (Array.isArray(o.richText)) return { text: o.richText.map((r: any) => r.text ?? '').join('').trim() };
    if ('text' in o) return cellContent(o.text);
    if ('error' in o) return { text: String(o.error) };
  }
  return { text: String(raw).trim() };
}

/** The cell text a stored value is written as (exports, the national format): codes as codes. */
export function cellText(field: FieldSpec | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (!field) return String(value);
  switch (field.kind) {
    case 'date': return String(value).slice(0, 10).replace(/-/g, '');
    case 'decimal1': return Number(value).toFixed(1);
    case 'media': case 'relation': return '';
    default:
      if ((field as any).boolean) return value === true || value === 1 || value === '1' ? '1' : '0';
      return String(value);
  }
}

/**
 * Reads one cell for a field. Code cells take the code or its label ("01" or "汉族"; a number
 * that lost its leading zero in Excel is padded back); dates take YYYYMMDD, YYYY-MM-DD,
 * YYYY/MM/DD or an Excel date; distance takes one decimal; phones digits only.
 * Returns `{ value }` (undefined for an empty optional cell) or `{ problem }`.
 */
export function parseCell(field: FieldSpec, raw: unknown, label = field.label): ParsedCell {
  const c = cellContent(raw);
  if (c.formula) return problem('CELL_FORMULA', label, '单元格含公式，请“选择性粘贴—数值”后再导入');
  const text = c.text.trim();
  if (text === '') {
    if (field.kind === 'media' || field.kind === 'relation') return field.required && field.kind === 'relation' ? problem('FIELD_REQUIRED', label, '不能为空') : { value: undefined };
    if (field.defaultValue !== undefined) return { value: field.defaultValue };
    if (field.required) return problem('FIELD_REQUIRED', label, '不能为空');
    return { value: undefined };
  }
  if (text.length > 2000) return problem('CELL_TOO_LONG', label, `内容过长（${text.length} 个字符）`);
  switch (field.kind) {
    case 'media': return { value: undefined }; // photos are uploaded in the panel, not in Excel
    case 'relation': return { value: text };
    case 'code': {
      const table = field.table!;
      if ((field as any).boolean) {
        if (text === '1' || text === '是') return { value: true };
        if (text === '0' || text === '否') return { value: false };
        return problem('CODE_UNKNOWN', label, `“${text}”应为“是”或“否”`);
      }
      if (hasCode(table, text)) return { value: text };
      const byLabel = codeOptions(table).filter((o) => o.label === text || `${o.code} ${o.label}` === text);
      if (byLabel.length === 1) return { value: byLabel[0].code };
      if (/^\d+$/.test(text)) {
        const padded = codeOptions(table).find((o) => /^\d+$/.test(o.code) && o.code.length > text.length && o.code === text.padStart(o.code.length, '0'));
        if (padded) return { value: padded.code };
      }
      return problem('CODE_UNKNOWN', label, `代码“${text}”不在代码表中`);
    }
    case 'date': {
      let d = c.date ?? null;
      if (!d && c.number !== undefined && !/^\d{8}$/.test(text)) d = serialToDate(c.number);
      if (!d) {
        const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(text);
        if (m && (text.length === 8 || /[-/.]/.test(text))) d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
      }
      if (!d || !isValidCalendarDate(d.year, d.month, d.day)) return problem('DATE_INVALID', label, `“${text}”不是有效日期，应为 YYYYMMDD 或 YYYY-MM-DD`);
      return { value: `${d.year}-${pad(d.month)}-${pad(d.day)}` };
    }
    case 'yearMonth': {
      const m = c.date ? [null, String(c.date.year), String(c.date.month)] : /^(\d{4})[-/.]?(\d{1,2})$/.exec(text);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return problem('YEAR_MONTH_INVALID', label, `“${text}”应为年月 YYYYMM`);
      return { value: `${m[1]}${pad(Number(m[2]))}` };
    }
    case 'region12': {
      if (/^\d{6}$/.test(text)) return { value: `${text}000000` };
      if (!/^\d{12}$/.test(text)) return problem('REGION_FORMAT', label, `应为 12 位行政区划代码（如 340104000000），收到“${text}”`);
      return { value: text };
    }
    case 'idNumber': return { value: text.replace(/\s+/g, '').toUpperCase() };
    case 'phone':
      if (!/^\d{5,20}$/.test(text)) return problem('PHONE_DIGITS', label, `只能填写数字（5 至 20 位），收到“${text}”`);
      return { value: text };
    case 'postcode':
      if (!/^\d{6}$/.test(text)) return problem('POSTCODE_INVALID', label, `应为 6 位数字，收到“${text}”`);
      return { value: text };
    case 'email':
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return problem('EMAIL_INVALID', label, `“${text}”不是有效的电子信箱`);
      return { value: text };
    case 'decimal1': {
      if (!/^\d+(\.\d)?$/.test(text) && !(c.number !== undefined && Math.round(c.number * 10) === c.number * 10 && c.number >= 0)) {
        return problem('DECIMAL_ONE_PLACE', label, `应为数字，最多一位小数（如 2.5），收到“${text}”`);
      }
      return { value: c.number ?? Number(text) };
    }
    case 'integer': {
      const n = Number(text);
      if (!Number.isInteger(n)) return problem('INTEGER_INVALID', label, `应为整数，收到“${text}”`);
      return { value: n };
    }
    default: {
      if ((field.kind as string) === 'number') {
        const n = Number(text);
        if (!Number.isFinite(n)) return problem('NUMBER_INVALID', label, `应为数字，收到“${text}”`);
        return { value: n };
      }
      if (field.maxLength && text.length > field.maxLength) return problem('TEXT_TOO_LONG', label, `最多 ${field.maxLength} 个字符，收到 ${text.length} 个`);
      const pattern = (field as any).pattern;
      if (pattern && !new RegExp(pattern).test(text)) return problem('FORMAT_INVALID', label, `“${text}”格式不正确`);
      return { value: text };
    }
  }
}

/**
 * Template conformity: the header row must be the kind's columns, in order (the hidden
 * separator included); a file may end with the 学校标识码 column. Returns the problem or null.
 */
export function checkHeaders(kind: TemplateKind, headers: string[]): { problem: CellProblem; column?: number } | { withSchoolCode: boolean } {
  const expected = columnsOf(kind);
  const got = headers.map((h) => String(h ?? '').trim());
  while (got.length && got[got.length - 1] === '') got.pop();
  for (let i = 0; i < expected.length; i++) {
    if (got[i] !== expected[i].header) {
      return {
        column: i + 1,
        problem: {
          code: 'TEMPLATE_MISMATCH',
          message: `不符合模板：第 ${i + 1} 列应为“${expected[i].header}”，实际为“${got[i] ?? ''}”。请下载最新模板，按原列顺序填写（不要增删列，隐藏列“${SEPARATOR_HEADER}”须保留）`,
        },
      };
    }
  }
  const rest = got.slice(expected.length);
  const schoolAllowed = kind === 'students' || kind === 'update';
  if (rest.length === 0) return { withSchoolCode: false };
  if (schoolAllowed && rest.length === 1 && rest[0] === SCHOOL_CODE_HEADER) return { withSchoolCode: true };
  return {
    column: expected.length + 1,
    problem: { code: 'TEMPLATE_MISMATCH', message: `不符合模板：第 ${expected.length + 1} 列“${rest[0]}”不是模板中的列，请删除多余的列` },
  };
}
