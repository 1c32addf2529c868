/**
 * The parse worker of imports: a process of its own (no Strapi, no database) that reads the
 * upload with ExcelJS's streaming reader and the column spec (./parse-rows.ts) and sends the
 * parsed rows to the server. ExcelJS makes ~170 KB of short-lived objects per 72-cell row; in
 * the server that garbage grew a 100,000-row import to ~800 MB RSS (V8 grows a busy heap lazily)
 * and its collections went over Strapi's whole heap. Here it is collected in a small heap, and
 * the parse runs on another core while the server checks and writes the rows before.
 *
 * Protocol: the job (`{ kind, file, partial }`) as the first argument, or (a worker started ahead
 * of its job, so that Node and ExcelJS load while the server checks the upload) as the first IPC
 * message `{ job }`; on the IPC channel one
 * message per batch of rows `{ h?: withSchoolCode, r: ParsedRow[], e: [row, column, code, message][] }`,
 * then `{ end: true }`, or `{ fail: { code, message, row, column } }` (a refusal of the file) or
 * `{ crash: text }`. IPC, not stdout: a write to a stdio pipe blocks on Linux until the server
 * reads, which it does only between its database waits — the worker would stop each time. The
 * server sends `more` per batch it took: the worker stays at most WINDOW batches (more than one
 * insert batch of the server) ahead. The channel closing (cancel, server gone) ends the worker.
 */
import { DomainError } from '../../domain/errors';
import { SCHOOL_CODE_HEADER, type TemplateKind } from '../../domain/excel-columns';
import { parseRowsInProcess, type ParsedRow } from './parse-rows';

export const ROWS_PER_MESSAGE = 250;
const WINDOW = 12;

export interface ParseJob { kind: TemplateKind; file: string; partial: boolean }
export interface ParseMessage {
  h?: boolean; r?: ParsedRow[]; e?: Array<[number, number, string, string]>; end?: true;
  fail?: { code: string; message: string; row: number; column: number; status?: number }; crash?: string;
}

async function run(job: ParseJob): Promise<void> {
  let credits = WINDOW;
  let wake: (() => void) | null = null;
  process.on('message', () => { credits += 1; wake?.(); });
  process.on('disconnect', () => process.exit(0));
  const send = (m: ParseMessage) => new Promise<void>((resolve) => { process.send!(m, undefined, undefined, () => resolve()); });
  let header: boolean | undefined;
  let rows: ParsedRow[] = [];
  let errors: Array<[number, number, string, string]> = [];
  const flush = async () => {
    while (credits <= 0) await new Promise<void>((resolve) => { wake = resolve; });
    wake = null;
    credits -= 1;
    const m: ParseMessage = { r: rows, e: errors };
    if (header !== undefined) m.h = header;
    header = undefined;
    rows = [];
    errors = [];
    await send(m);
  };
  try {
    const parsed = parseRowsInProcess(job.kind, job.file, (row, column, code, message) => { errors.push([row, column, code, message]); },
      (columns) => { header = columns.some((c) => c.header === SCHOOL_CODE_HEADER); }, job.partial, false);
    for await (const p of parsed) {
      rows.push(p);
      if (rows.length === ROWS_PER_MESSAGE) await flush();
    }
    if (rows.length || errors.length || header !== undefined) await flush();
    await send({ end: true });
  } catch (e: any) {
    if (e instanceof DomainError) {
      const { row = 0, column = 0, status } = e as DomainError & { row?: number; column?: number; status?: number };
      await send({ fail: { code: e.code, message: e.message, row, column, status } });
    } else await send({ crash: String(e?.stack ?? e) });
  }
}

if (require.main === module) {
  const go = (job: ParseJob) => run(job).then(() => process.exit(0), (e) => { process.stderr.write(`${e?.stack ?? e}\n`); process.exit(1); });
  // Started ahead of its job (src/server/excel/import-read.ts): the job is the first message.
  if (process.argv[2]) go(JSON.parse(process.argv[2]));
  else {
    process.once('message', (m: { job: ParseJob }) => go(m.job));
    process.on('disconnect', () => process.exit(0));
  }
}
