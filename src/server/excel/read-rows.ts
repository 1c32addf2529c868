/**
 * The streaming row reader of uploads. It loads only ExcelJS's streaming workbook reader, not the
 * whole library (~0.1 s less to start the parse worker, which imports nothing else of ExcelJS).
 */
import fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { zipEntries, entryStream, MergeScanner, type ZipEntry } from './upload-check';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const WorkbookReader: any = require('exceljs/lib/stream/xlsx/workbook-reader');

/**
 * ExcelJS 4.4's streaming reader decodes each zip chunk on its own (utils/parse-sax.js), so a
 * Chinese character split across two chunks turns into U+FFFD (seen at row ~2,000 of a
 * 10,000-row file). The worksheet and shared-string entries are decoded here as one UTF-8
 * stream instead; the reader passes strings through unchanged.
 */
async function* utf8(chunks: AsyncIterable<any>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}
/** The sheet's text passed on unchanged, its merged cells noted on the way. */
async function* scanned(text: AsyncIterable<string>, merges: MergeScanner): AsyncGenerator<string> {
  for await (const chunk of text) {
    merges.push(chunk);
    yield chunk;
  }
}
const MERGES = Symbol('merges');
const readerProto: any = WorkbookReader.prototype;
if (!readerProto.__xuejiUtf8) {
  const parseWorksheet = readerProto._parseWorksheet;
  const parseSharedStrings = readerProto._parseSharedStrings;
  readerProto._parseWorksheet = function* (iterable: AsyncIterable<any>, sheetNo: number) {
    // ExcelJS reads `this.model.sheets` for the sheet's name; when a worksheet is reached before
    // workbook.xml was parsed, model is unset and it throws (seen intermittently in CI). We read
    // the first worksheet whatever its name, so an empty model is enough.
    this.model ??= { sheets: [] };
    const merges = new MergeScanner();
    for (const event of parseWorksheet.call(this, scanned(utf8(iterable), merges), sheetNo)) {
      if (event?.value) event.value[MERGES] = merges;
      yield event;
    }
  };
  readerProto._parseSharedStrings = function (entry: any) { entry.setEncoding?.('utf8'); return parseSharedStrings.call(this, entry); };
  readerProto.__xuejiUtf8 = true;
}

const READER_OPTIONS = { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' } as const;
const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/**
 * Rows of the first worksheet, streaming: { number, values } with values[0] = column 1. After the
 * last row, `onEnd` gets the merged cells below the header row found in the sheet.
 */
export async function* readRows(file: string, onEnd?: (merges: string[]) => void): AsyncGenerator<{ number: number; values: any[] }> {
  const sheet = (await directSheet(file)) ?? (await sheetInZipOrder(file));
  if (!sheet) return;
  for await (const row of sheet as any) {
    const vals: any[] = Array.isArray(row.values) ? row.values.slice(1) : [];
    yield { number: row.number, values: vals };
  }
  onEnd?.((sheet as any)[MERGES]?.refs() ?? []);
}

/** ExcelJS's streaming reader over the zip in file order: its first worksheet. */
async function sheetInZipOrder(file: string): Promise<AsyncIterable<any> | null> {
  const reader = new WorkbookReader(fs.createReadStream(file), READER_OPTIONS as any);
  for await (const sheet of reader as any) return sheet;
  return null;
}

/**
 * The first worksheet read straight from the zip by its central directory: first the parts its
 * rows need (relations, workbook, shared strings, styles), then the sheet, inflated as it is
 * parsed. ExcelJS's reader takes the zip in file order, and writers (Excel, WPS, ExcelJS) put
 * the shared strings after the sheets, so it inflates the whole sheet into a temp file before the
 * first row can be parsed (27 MB for 10,000 rows). Null when a part is missing or stored in a way
 * this does not read: the caller falls back to ExcelJS's own order.
 */
async function directSheet(file: string): Promise<AsyncIterable<any> | null> {
  const entries = await zipEntries(file).catch(() => null);
  if (!entries) return null;
  const part = (name: string) => entries.find((e) => e.name === name);
  const sheet = entries.find((e) => SHEET.test(e.name));
  const rels = part('xl/_rels/workbook.xml.rels');
  const book = part('xl/workbook.xml');
  const styles = part('xl/styles.xml');
  if (!sheet || !rels || !book || !styles) return null;
  const open = async (e: ZipEntry | undefined) => (e ? entryStream(file, e) : null);
  const streams = { rels: await open(rels), book: await open(book), styles: await open(styles), strings: await open(part('xl/sharedStrings.xml')), sheet: await open(sheet) };
  if (!streams.rels || !streams.book || !streams.styles || !streams.sheet || (part('xl/sharedStrings.xml') && !streams.strings)) {
    for (const x of Object.values(streams)) x?.destroy();
    return null;
  }
  const reader: any = new WorkbookReader(file, READER_OPTIONS as any);
  await reader._parseRels(streams.rels);
  await reader._parseWorkbook(streams.book);
  if (streams.strings) for await (const _ of reader._parseSharedStrings(streams.strings)) { /* cached on the reader */ }
  await reader._parseStyles(streams.styles);
  for (const { value } of reader._parseWorksheet(streams.sheet, SHEET.exec(sheet.name)![1])) return value;
  return null;
}
