import fs from 'fs';
import os from 'os';
import path from 'path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import ExcelJS from 'exceljs';
// ExcelJS's own zip library (a dependency of exceljs): used here to write zips laid out unlike ExcelJS's.
import JSZip from 'jszip';
import { readRows } from '../../src/server/excel/read-rows';

/**
 * The upload reader takes the sheet straight from the zip's central directory, and falls back to
 * ExcelJS's own file-order reader for any zip it does not read that way. Both paths must give the
 * same rows and the same merged cells.
 */
let dir: string;
const rows = [
  ['姓名', '性别码', '出生日期', '备注'],
  ['张三', '1', new Date(Date.UTC(2015, 8, 1)), '家住合肥市蜀山区'],
  ['李四', '2', new Date(Date.UTC(2016, 0, 31)), ''],
  ['王五', '1', new Date(Date.UTC(2014, 11, 12)), '跨两格'],
];
let original: string;

const read = async (file: string) => {
  const out: Array<{ number: number; values: any[] }> = [];
  let merges: string[] | undefined;
  for await (const row of readRows(file, (m) => { merges = m; })) out.push(row);
  return { out, merges };
};
/** The original workbook rewritten as a zip: entries in `order` (the rest after), `drop` left out. */
const rewrite = async (name: string, { order = [], drop = [] }: { order?: string[]; drop?: string[] }) => {
  const zip = await JSZip.loadAsync(fs.readFileSync(original));
  const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir && !drop.includes(n));
  const sorted = [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
  const next = new JSZip();
  for (const n of sorted) next.file(n, await zip.files[n].async('nodebuffer'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, await next.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return file;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xueji-read-rows-'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学生');
  for (const r of rows) ws.addRow(r);
  ws.mergeCells('D4:E4');
  original = path.join(dir, 'original.xlsx');
  await wb.xlsx.writeFile(original);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readRows', () => {
  it('reads the sheet by the central directory: the rows in order, dates as dates, the merge below the header', async () => {
    const { out, merges } = await read(original);
    expect(out.map((r) => r.number)).toEqual([1, 2, 3, 4]);
    expect(out[1].values.slice(0, 2)).toEqual(['张三', '1']);
    expect(out[1].values[2]).toEqual(new Date(Date.UTC(2015, 8, 1)));
    expect(out[1].values[3]).toBe('家住合肥市蜀山区');
    expect(merges).toEqual(['D4:E4']);
  });

  it('falls back to ExcelJS\'s file order for a workbook without styles.xml, with the same rows and merges', async () => {
    const file = await rewrite('no-styles.xlsx', { drop: ['xl/styles.xml'] });
    const direct = await read(original);
    const { out, merges } = await read(file);
    expect(out.map((r) => r.values.slice(0, 2))).toEqual(direct.out.map((r) => r.values.slice(0, 2)));
    expect(out[3].values[3]).toBe('跨两格');
    expect(merges).toEqual(['D4:E4']);
  });

  it('reads a zip whose shared strings come before the sheet (the order ExcelJS streams best) the same way', async () => {
    const file = await rewrite('strings-first.xlsx', { order: ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'] });
    const direct = await read(original);
    const { out, merges } = await read(file);
    expect(out).toEqual(direct.out);
    expect(merges).toEqual(['D4:E4']);
  });
});
