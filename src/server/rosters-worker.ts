/**
 * The roster publication's worker process (公示): started by `publishRosters` (./rosters.ts) with
 * a job on stdin, it reads the students with its own small knex connection — no Strapi loaded,
 * so a province-wide publication costs the server no heap (the server alone is ≈ 280 MB and
 * V8 keeps what it once grew to) and the worker stays far under the 300 MB goal.
 *
 * PostgreSQL: a session advisory lock on the worker's one connection (released when it ends or
 * dies), so two instances' nightly runs publish once. Schools in batches of about 5,000
 * students (counted first): one query reads exactly the four published fields of their
 * registered in-school students; each school's roster is masked and checked
 * (src/domain/rosters.ts), skipped when its content hash equals the latest publication's, else
 * written to public/rosters/<code>.{json,csv,xlsx} (XLSX by ExcelJS's streaming writer, files
 * renamed into place so readers never see half a file) and then inserted as a new `roster_publications` row
 * (one multi-row INSERT per batch, earlier rows kept). Prints one JSON line: the report, or the error.
 */
import fs from 'fs';
import path from 'path';
import ExcelJS from 'exceljs';
import { createId } from '@paralleldrive/cuid2';
import { assertPublishable, buildRoster, publicClasses, rosterCsv, rosterEtag, rosterKey, type RosterClass } from '../domain/rosters';
import { DomainError } from '../domain/errors';
import { timestampValue } from '../seed/bulk';

export interface WorkerSchool { code: string; name: string; provinceCode: string | null; cityCode: string | null; countyCode: string | null }

/** Everything the worker needs; table and column names are resolved from Strapi's metadata by the server. */
export interface RosterJob {
  db: { client: string; connection: unknown; schema: string | null };
  dialect: 'sqlite' | 'postgres';
  names: {
    student: { table: string; name: string; gender: string; grade: string; schoolCode: string; registrationStatus: string; enrollmentStatus: string };
    link: { table: string; from: string; to: string };
    cls: { table: string; number: string; name: string };
    pub: { table: string; cols: Record<string, string> };
  };
  schools: WorkerSchool[];
  schoolYear: string;
  trigger: string;
  actorName: string;
  dir: string;
}

export interface WorkerReport { published: number; unchanged: number; students: number; schools: string[]; maxRssBytes: number }

/** Students read per query: schools are grouped up to this many (a larger school alone). */
const ROWS_PER_BATCH = 5_000;
const SCHOOLS_PER_BATCH = 100; // one multi-row INSERT per batch stays under SQLite's bound-variable limit
const CODES_PER_QUERY = 500;
const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
/** PostgreSQL advisory lock of the publication, held by the worker's one connection while it runs (N instances: one publishes). */
const LOCK_KEY = 7_310_003;

const rowsOf = (res: any): any[] => (Array.isArray(res) ? res : res?.rows ?? []);

/** Writes a file atomically (readers never see half a file). */
export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

async function writeXlsx(file: string, title: string, classes: RosterClass[]): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('公示名单');
  ws.addRow([title]).commit();
  ws.addRow(['年级', '班级', '姓名', '性别']).commit();
  for (const c of classes) for (const s of c.students) ws.addRow([c.grade, c.name, s.name, s.gender]).commit();
  ws.commit();
  await wb.commit();
  fs.renameSync(tmp, file);
}

/** Groups the schools into batches of at most ROWS_PER_BATCH students (one query counts them). */
async function batchesOf(knex: any, job: RosterJob, where: string): Promise<WorkerSchool[][]> {
  const S = job.names.student;
  const counts = new Map<string, number>();
  for (let i = 0; i < job.schools.length; i += CODES_PER_QUERY) {
    const codes = job.schools.slice(i, i + CODES_PER_QUERY).map((s) => s.code);
    const rows = rowsOf(await knex.raw(
      `SELECT s.${q(S.schoolCode)} AS school, COUNT(*) AS n FROM ${q(S.table)} s WHERE s.${q(S.schoolCode)} IN (${codes.map(() => '?').join(', ')}) AND ${where} GROUP BY s.${q(S.schoolCode)}`, codes));
    for (const r of rows) counts.set(r.school, Number(r.n));
  }
  const out: WorkerSchool[][] = [];
  let batch: WorkerSchool[] = [], n = 0;
  for (const school of job.schools) {
    const k = counts.get(school.code) ?? 0;
    if (batch.length && (n + k > ROWS_PER_BATCH || batch.length >= SCHOOLS_PER_BATCH)) { out.push(batch); batch = []; n = 0; }
    batch.push(school); n += k;
  }
  if (batch.length) out.push(batch);
  return out;
}

export async function runRosterJob(job: RosterJob): Promise<WorkerReport> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const knex = require('knex')({
    client: job.dialect === 'sqlite' ? 'better-sqlite3' : 'pg',
    connection: job.db.connection,
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
    ...(job.dialect === 'postgres' && job.db.schema ? { searchPath: [job.db.schema] } : {}),
  });
  const { student: S, link: L, cls: C, pub: P } = job.names;
  const report: WorkerReport = { published: 0, unchanged: 0, students: 0, schools: [], maxRssBytes: 0 };
  fs.mkdirSync(job.dir, { recursive: true });
  try {
    if (job.dialect === 'postgres' && !rowsOf(await knex.raw('SELECT pg_try_advisory_lock(?) AS ok', [LOCK_KEY]))[0]?.ok) {
      throw new DomainError('ROSTERS_RUNNING', '学籍公示正在另一进程中发布，请稍后再试');
    }
    // The latest content hash of every school, read under the lock: an instance that published
    // just before this one leaves nothing to publish again.
    const latest = new Map<string, string>(rowsOf(await knex.raw(
      `SELECT ${q(P.cols.schoolCode)} AS school, ${q(P.cols.etag)} AS etag FROM ${q(P.table)} WHERE id IN (SELECT MAX(id) FROM ${q(P.table)} GROUP BY ${q(P.cols.schoolCode)})`))
      .map((r: any) => [r.school, r.etag]));
    const onRoll = `s.${q(S.registrationStatus)} = 'registered' AND s.${q(S.enrollmentStatus)} = '01'`;
    for (const batch of await batchesOf(knex, job, onRoll)) {
      const rows = rowsOf(await knex.raw(
        `SELECT s.document_id AS doc, s.${q(S.name)} AS name, s.${q(S.gender)} AS gender, s.${q(S.grade)} AS grade, s.${q(S.schoolCode)} AS school,
                c.${q(C.number)} AS class_number, c.${q(C.name)} AS class_name
           FROM ${q(S.table)} s LEFT JOIN ${q(L.table)} l ON l.${q(L.from)} = s.id LEFT JOIN ${q(C.table)} c ON c.id = l.${q(L.to)}
          WHERE s.${q(S.schoolCode)} IN (${batch.map(() => '?').join(', ')}) AND ${onRoll}`,
        batch.map((s) => s.code)));
      const bySchool = new Map<string, any[]>();
      for (const r of rows) (bySchool.get(r.school) ?? bySchool.set(r.school, []).get(r.school)!).push(r);
      const toWrite: Array<{ school: WorkerSchool; classes: RosterClass[]; etag: string; count: number }> = [];
      for (const school of batch) {
        const source = bySchool.get(school.code) ?? [];
        if (!source.length && !latest.has(school.code)) continue; // never published, nobody to publish
        const classes = buildRoster(source.map((r: any) => ({
          key: rosterKey(r.doc), name: r.name, gender: r.gender, grade: Number(r.grade),
          classNumber: r.class_number === null ? null : Number(r.class_number), className: r.class_name,
        })));
        assertPublishable(classes);
        const etag = rosterEtag(school.code, job.schoolYear, classes);
        if (latest.get(school.code) === etag) { report.unchanged += 1; continue; }
        toWrite.push({ school, classes, etag, count: source.length });
      }
      if (!toWrite.length) continue;
      const now = new Date();
      const ts = timestampValue(job.dialect, now);
      const c = P.cols;
      // Files first, then the rows: a worker that dies in between leaves the school's latest row
      // (and so its content hash) unchanged, and the next run writes the files again.
      const publishedAt = now.toISOString();
      for (const w of toWrite) {
        const doc = { school: { code: w.school.code, name: w.school.name }, schoolYear: job.schoolYear, publishedAt, classes: publicClasses(w.classes) };
        const base = path.join(job.dir, w.school.code);
        writeAtomic(`${base}.json`, JSON.stringify(doc));
        writeAtomic(`${base}.csv`, rosterCsv(w.classes));
        await writeXlsx(`${base}.xlsx`, `${w.school.name}（${w.school.code}）${job.schoolYear} 学年在校生名单`, w.classes);
      }
      await knex(P.table).insert(toWrite.map((w) => ({
        document_id: createId(), [c.schoolName]: w.school.name, [c.schoolYear]: job.schoolYear, [c.releasedAt]: ts,
        [c.studentCount]: w.count, [c.classes]: JSON.stringify(w.classes), [c.etag]: w.etag, [c.trigger]: job.trigger,
        [c.actorName]: job.actorName, [c.provinceCode]: w.school.provinceCode, [c.cityCode]: w.school.cityCode,
        [c.countyCode]: w.school.countyCode, [c.schoolCode]: w.school.code, created_at: ts, updated_at: ts, published_at: ts,
      })));
      for (const w of toWrite) {
        report.published += 1;
        report.students += w.count;
        report.schools.push(w.school.code);
      }
    }
  } finally {
    await knex.destroy();
  }
  report.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  return report;
}

if (require.main === module) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => { input += d; });
  process.stdin.on('end', () => {
    runRosterJob(JSON.parse(input)).then(
      // Exit once the line is flushed: a pipe write is asynchronous, and process.exit() right after
      // it cut a large report (20,000 schools) short, so the server read it as a failure.
      (report) => { process.stdout.write(`${JSON.stringify({ report })}\n`, () => process.exit(0)); },
      (e) => {
        const error = e instanceof DomainError ? { code: e.code, message: e.message } : { code: 'ROSTER_PUBLISH_FAILED', message: String(e?.stack ?? e) };
        process.stdout.write(`${JSON.stringify({ error })}\n`, () => process.exit(1));
      });
  });
}
