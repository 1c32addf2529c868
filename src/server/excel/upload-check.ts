/**
 * What an upload must be before the workbook reader sees it: an .xlsx (a zip), not encrypted
 * (an encrypted workbook is an OLE compound file), and no zip bomb — the central directory is
 * read without inflating anything, and the uncompressed total and ratio are bounded.
 */
import fs from 'fs';
import zlib from 'zlib';
import type { Readable } from 'stream';
import { DomainError } from '../../domain/errors';

/** Uncompressed bytes an import may expand to, in all (a 100,000-row sheet is ~100 MB). */
export const MAX_UNCOMPRESSED = 1024 * 1024 * 1024;
/** Compression ratio above which an entry larger than 10 MB is a bomb (xlsx XML compresses ~10–30×). */
export const MAX_RATIO = 200;

const fail = (code: string, message: string) => new DomainError(code, message);

export interface ZipEntry { name: string; method: number; compressed: number; uncompressed: number; offset: number; flags: number }

/**
 * The zip's central directory, read without inflating anything: the entries, or why there are
 * none to read (`truncated`: no end record; `corrupt`: a directory outside the file).
 */
async function centralDirectory(fh: fs.promises.FileHandle, size: number): Promise<ZipEntry[] | 'truncated' | 'corrupt'> {
  // End of central directory: the last 22 bytes + up to 64 KB of comment.
  const tailLen = Math.min(size, 22 + 65535);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) return 'truncated';
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > size || cdSize > 64 * 1024 * 1024) return 'corrupt';
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) break;
    const nameLen = cd.readUInt16LE(p + 28);
    entries.push({
      name: cd.toString('utf8', p + 46, p + 46 + nameLen), flags: cd.readUInt16LE(p + 8), method: cd.readUInt16LE(p + 10),
      compressed: cd.readUInt32LE(p + 20), uncompressed: cd.readUInt32LE(p + 24), offset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  return entries;
}

/** The entries of a zip file, or null when it has no readable central directory. */
export async function zipEntries(file: string): Promise<ZipEntry[] | null> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const found = await centralDirectory(fh, (await fh.stat()).size);
    return Array.isArray(found) ? found : null;
  } finally {
    await fh.close();
  }
}

/** One entry's content, inflated as it is read (stored or deflated entries); null for another method. */
export async function entryStream(file: string, entry: ZipEntry): Promise<Readable | null> {
  if (entry.method !== 8 && entry.method !== 0) return null;
  const fh = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(30);
  try { await fh.read(head, 0, 30, entry.offset); } finally { await fh.close(); }
  if (head.readUInt32LE(0) !== 0x04034b50) return null;
  const start = entry.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const raw = fs.createReadStream(file, { start, end: start + entry.compressed - 1 });
  if (entry.method === 0) return raw;
  const inflated = raw.pipe(zlib.createInflateRaw());
  raw.on('error', (e) => inflated.destroy(e));
  inflated.on('close', () => raw.destroy());
  return inflated;
}

/** Checks the upload before the parse (no inflating). */
export async function checkUpload(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    if (head.readUInt32BE(0) === 0xd0cf11e0) {
      throw fail('IMPORT_ENCRYPTED', '文件已加密（设置了打开密码）或是旧版 .xls 格式：请取消密码并另存为 .xlsx 后再导入');
    }
    if (head.readUInt32LE(0) !== 0x04034b50) throw fail('IMPORT_NOT_XLSX', '文件不是 Excel 工作簿（.xlsx）：请使用下载的模板，另存为 .xlsx 后导入');
    const entries = await centralDirectory(fh, size);
    if (entries === 'truncated') throw fail('IMPORT_NOT_XLSX', '文件不是完整的 Excel 工作簿（.xlsx），可能已损坏或未上传完整');
    if (entries === 'corrupt') throw fail('IMPORT_NOT_XLSX', '文件不是完整的 Excel 工作簿（.xlsx），可能已损坏');
    let total = 0;
    let hasWorkbook = false;
    for (const e of entries) {
      if (e.name === 'xl/workbook.xml') hasWorkbook = true;
      if (e.flags & 1) throw fail('IMPORT_ENCRYPTED', '文件已加密：请取消密码后另存为 .xlsx 再导入');
      total += e.uncompressed;
      if (e.uncompressed === 0xffffffff || total > MAX_UNCOMPRESSED || (e.uncompressed > 10 * 1024 * 1024 && e.uncompressed / Math.max(1, e.compressed) > MAX_RATIO)) {
        throw fail('IMPORT_ZIP_BOMB', '文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝；请上传正常的 Excel 工作簿');
      }
    }
    if (!hasWorkbook) throw fail('IMPORT_NOT_XLSX', '压缩包中没有 Excel 工作簿：请上传 .xlsx 文件');
  } finally {
    await fh.close();
  }
}

const END_OF_ROWS = '</sheetData>';
/** Whatever follows the rows is small (merges, page setup); a pathological tail is cut here. */
const MAX_TAIL_CHARS = 8 * 1024 * 1024;

/**
 * Merged cells of a worksheet (`<mergeCell ref="A2:A3"/>`), found in its XML text as the reader
 * goes through it (src/server/excel/read-rows.ts; the streaming reader does not report merges).
 * Merges follow the cell data (`</sheetData><mergeCells …>`): the rows are only searched for that
 * end tag, and what follows it is kept.
 */
export class MergeScanner {
  private tail = '';
  private rest: string | null = null;

  push(text: string): void {
    if (this.rest !== null) {
      if (this.rest.length < MAX_TAIL_CHARS) this.rest += text;
      return;
    }
    const s = this.tail + text;
    const at = s.indexOf(END_OF_ROWS);
    if (at < 0) this.tail = s.slice(-END_OF_ROWS.length);
    else this.rest = s.slice(at);
  }

  /** Merges reaching below the header row, as `A2:A3` (at most five). */
  refs(): string[] {
    const found = new Set<string>();
    for (const m of (this.rest ?? '').matchAll(/<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g)) {
      if (Number(m[4]) >= 2 && found.size < 5) found.add(`${m[1]}${m[2]}:${m[3]}${m[4]}`);
    }
    return [...found];
  }
}

/** A merge below the header row hides values (only its first cell has one): the file is refused. */
export const mergedCellsRefusal = (refs: string[]) =>
  fail('CELL_MERGED', `文件中有合并单元格（${refs.join('、')}）：合并后只有第一个单元格有内容，请取消合并并在每个单元格中填写后再导入`);
