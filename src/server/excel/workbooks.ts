/**
 * Workbooks from the one column spec (src/domain/excel-columns.ts): templates (text-formatted
 * cells, dropdowns from the code tables, hidden separator column, frozen header, an
 * instructions sheet), the error workbook (rows as uploaded, 错误原因, bad cells red with a
 * comment naming the rule) and the streaming row reader of uploads.
 */
import fs from 'fs';
import ExcelJS from 'exceljs';
import {
  columnsOf, SEPARATOR_COLUMN, SEPARATOR_HEADER, SCHOOL_CODE_HEADER, ERROR_REASON_HEADER, TEMPLATE_TITLES,
  type Column, type TemplateKind,
} from '../../domain/excel-columns';
import { codeOptions } from '../../domain/code-lookup';
import { readRows } from './read-rows';

const TEMPLATE_ROWS = 5000;
const CODE_SHEET = '代码表';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const RED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF9999' } };

const colLetter = (n: number): string => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

const hint = (c: Column): string | undefined => {
  const f = c.field;
  if (!f) return undefined;
  const req = f.required ? '必填。' : '';
  switch (f.kind) {
    case 'date': return `${req}日期，YYYYMMDD 或 YYYY-MM-DD`;
    case 'yearMonth': return `${req}年月，YYYYMM`;
    case 'region12': return `${req}12 位行政区划代码（6 位区划码 + 000000）`;
    case 'idNumber': return `${req}证件号，X 大写`;
    case 'phone': return `${req}只填数字`;
    case 'decimal1': return `${req}公里，最多一位小数`;
    case 'code': return `${req}从下拉列表选择，或填代码`;
    case 'media': return '照片请在管理后台上传，此列留空';
    default: return req || undefined;
  }
};

/** A template workbook as a buffer. `withSchoolCode`: a bureau's file names each row's school. */
export async function templateBuffer(kind: TemplateKind, opts: { withSchoolCode?: boolean } = {}): Promise<Buffer> {
  const columns = columnsOf(kind, opts);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'xueji';
  const ws = wb.addWorksheet(TEMPLATE_TITLES[kind], { views: [{ state: 'frozen', ySplit: 1 }] });
  const codes = wb.addWorksheet(CODE_SHEET, { state: 'veryHidden' } as any);
  const tables: string[] = [];

  ws.columns = columns.map((c) => ({ header: c.header, key: c.header, width: Math.max(10, c.header.length * 2 + 4), style: { numFmt: '@' } }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = HEADER_FILL;
    const h = hint(c);
    if (h) cell.note = h;
    if (c.field?.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
  });
  if (kind === 'students' || kind === 'update') ws.getColumn(SEPARATOR_COLUMN).hidden = true;

  columns.forEach((c, i) => {
    const table = c.field?.kind === 'code' ? c.field.table : undefined;
    if (!table) return;
    let at = tables.indexOf(table);
    if (at < 0) {
      tables.push(table);
      at = tables.length - 1;
      const opts = codeOptions(table);
      codes.getCell(1, at + 1).value = table;
      opts.forEach((o, j) => { codes.getCell(j + 2, at + 1).value = o.label; });
    }
    const n = codeOptions(table).length;
    const L = colLetter(at + 1);
    (ws as any).dataValidations.add(`${colLetter(i + 1)}2:${colLetter(i + 1)}${TEMPLATE_ROWS + 1}`, {
      type: 'list', allowBlank: !c.field?.required, formulae: [`${CODE_SHEET}!$${L}$2:$${L}$${n + 1}`],
      showErrorMessage: false, // codes typed by hand ("01") are accepted too
    } as any);
  });

  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 110 }];
  const lines = [
    `${TEMPLATE_TITLES[kind]}模板 — 填写说明`,
    '1. 所有单元格均为文本格式：身份证件号、代码、电话等请原样填写，不要改成数值（否则会丢失前导 0 或末位 X）。',
    '2. 不要增加、删除或调换列；第一行表头不要修改；不要留空行；粘贴时请使用“选择性粘贴—数值”，不要使用公式。',
    '3. 代码列可从下拉列表选择名称，也可直接填写代码（如民族填“01”或“汉族”）。',
    '4. 日期填写 YYYYMMDD 或 YYYY-MM-DD（如 20180912）；入学年月填写 YYYYMM；行政区划填写 12 位代码（6 位区划码后加 000000）。',
    '5. 上下学距离以公里为单位，最多一位小数；联系电话只填数字。',
    ...(kind === 'students' || kind === 'update' ? [
      `6. 第 ${SEPARATOR_COLUMN} 列“${SEPARATOR_HEADER}”为隐藏分隔列，请保留；其后为两名家庭成员（孤儿或单亲可填亲属或监护教师）。`,
      '7. 班级填写班级名称（如“一年级(1)班”）或班号（如“1”）；年级填写数字。',
      `8. 教育行政部门导入时，最后一列“${SCHOOL_CODE_HEADER}”填写每行学生所在学校的 10 位学校标识码。`,
    ] : ['6. 按“姓名 + 身份证件号”匹配已有学生；找不到的行会被指出，不会新增学生。']),
    '整份文件先全部校验：任何一行有错，都不会写入，并可下载“错误文件”查看每个错误单元格（标红并附批注）。',
  ];
  lines.forEach((t, i) => { help.getCell(i + 1, 1).value = t; });
  help.getRow(1).font = { bold: true, size: 14 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface CellError { row: number; column: number; code: string; message: string }

/**
 * The error workbook, written streaming from the upload (second pass): every data row as
 * uploaded, a 错误原因 column, bad cells red with a comment naming the rule.
 */
export async function writeErrorWorkbook(source: string, target: string, byRow: Map<number, CellError[]>, headerCount: number): Promise<void> {
  const out = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: target, useStyles: true, useSharedStrings: false });
  const ws = out.addWorksheet('错误明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  const reasonCol = headerCount + 1;
  let wroteHeader = false;
  for await (const { number, values } of readRows(source)) {
    const row = ws.getRow(number);
    const n = Math.max(values.length, headerCount);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const cell = row.getCell(i + 1);
      cell.value = v === undefined ? null : plain(v);
      cell.numFmt = '@';
    }
    if (number === 1) {
      row.getCell(reasonCol).value = ERROR_REASON_HEADER;
      row.font = { bold: true };
      wroteHeader = true;
    } else {
      const errs = byRow.get(number) ?? [];
      row.getCell(reasonCol).value = errs.map((e) => e.message).join('；');
      for (const e of errs) {
        if (!e.column) continue;
        const cell = row.getCell(e.column);
        cell.fill = RED_FILL;
        const prev = typeof cell.note === 'string' ? `${cell.note}\n` : '';
        cell.note = `${prev}[${e.code}] ${e.message}`;
      }
    }
    row.commit();
  }
  if (!wroteHeader) ws.getRow(1).getCell(1).value = ERROR_REASON_HEADER;
  await ws.commit();
  await out.commit();
}

/** A cell value as it can be written back (formulas as their text, rich text flattened). */
function plain(v: any): any {
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    if ('formula' in v || 'sharedFormula' in v) return `=${v.formula ?? v.sharedFormula}`;
    if (Array.isArray(v.richText)) return v.richText.map((r: any) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return v;
}
