/**
 * Publication of public rosters (公示): one `roster_publications` row per school and
 * publication (earlier ones kept), static files under public/rosters/ (JSON, CSV, XLSX per
 * school; an index per county and for the province), served to websites by the public REST
 * API (src/api/roster-publication/controllers/public-roster.ts).
 *
 * The heavy part runs in a worker process without Strapi (./rosters-worker.ts): one query per
 * batch of schools reads exactly the four published fields of their registered in-school
 * students (masked in src/domain/rosters.ts), rows are inserted and files written there, XLSX by
 * ExcelJS's streaming writer. A school whose roster has not changed since its last publication
 * is not published again, so its ETag and Last-Modified stay and polling websites get 304.
 */
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { spawn } from 'child_process';
import { publicClasses } from '../domain/rosters';
import { DomainError } from '../domain/errors';
import { scopeColumnOf, type UserScope } from '../domain/scope';
import { schoolYearLabel } from '../domain/promotion';
import { schemaOf } from '../seed/bulk';
import { writeAtomic, type RosterJob, type WorkerReport } from './rosters-worker';
import { sqlOf, rowsOf, UID, type Sql } from './changes/sql';
import { readSchoolYear } from './promotion';
import { writeAudit } from './audit';

export const PUB_UID = 'api::roster-publication.roster-publication';
const q = (n: string) => `"${n}"`;

export const rostersDir = (strapi: Core.Strapi): string => path.join(strapi.dirs.static.public, 'rosters');

/** The public document of a publication row (the REST answer and the JSON file). */
export function publicationDoc(row: any) {
  return {
    school: { code: row.schoolCode, name: row.schoolName },
    schoolYear: row.schoolYear,
    publishedAt: new Date(row.releasedAt).toISOString(),
    classes: publicClasses(row.classes ?? []),
  };
}

export const listItem = (row: any) => ({ school: { code: row.schoolCode, name: row.schoolName }, schoolYear: row.schoolYear, publishedAt: new Date(row.releasedAt).toISOString() });

/** The latest publication of every school (one row per school), optionally inside a scope. */
export async function latestPublications(strapi: Core.Strapi, opts: { scope?: UserScope | null; since?: Date; offset?: number; limit?: number; columns?: string[] } = {}): Promise<{ rows: any[]; total: number; lastModified: Date | null; maxId: number }> {
  const sql = await sqlOf(strapi);
  const t = sql.table(PUB_UID);
  const c = (a: string) => q(sql.col(PUB_UID, a));
  const where: string[] = [`p.id IN (SELECT MAX(id) FROM ${q(t)} GROUP BY ${c('schoolCode')})`];
  const binds: unknown[] = [];
  if (opts.scope) { where.push(`p.${c(scopeColumnOf(opts.scope.level))} = ?`); binds.push(opts.scope.code); }
  if (opts.since) { where.push(`p.${c('releasedAt')} > ?`); binds.push(sql.ts(opts.since)); }
  const w = where.join(' AND ');
  const agg = rowsOf(await sql.knex.raw(`SELECT COUNT(*) AS n, MAX(p.${c('releasedAt')}) AS lm, MAX(p.id) AS mx FROM ${q(t)} p WHERE ${w}`, binds))[0] ?? {};
  const cols = opts.columns ?? ['schoolCode', 'schoolName', 'schoolYear', 'releasedAt'];
  const select = ['p.id AS id', ...cols.map((a) => `p.${c(a)} AS ${q(a)}`)].join(', ');
  const page = opts.limit === undefined ? '' : ` LIMIT ${Number(opts.limit)} OFFSET ${Number(opts.offset ?? 0)}`;
  const rows = rowsOf(await sql.knex.raw(`SELECT ${select} FROM ${q(t)} p WHERE ${w} ORDER BY p.${c('schoolCode')}${page}`, binds));
  return { rows, total: Number(agg.n ?? 0), lastModified: agg.lm ? dateOf(agg.lm) : null, maxId: Number(agg.mx ?? 0) };
}

/** Stored datetimes: a Date, epoch ms (SQLite) or local timestamp text (PostgreSQL). */
export function dateOf(v: any): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number' || /^\d+$/.test(String(v))) return new Date(Number(v));
  return new Date(String(v));
}

async function schoolsOf(sql: Sql, scope: UserScope | null) {
  const t = sql.table(UID.school);
  const c = (a: string) => q(sql.col(UID.school, a));
  const cols = `id, ${c('code')} AS code, ${c('name')} AS name, ${c('provinceCode')} AS "provinceCode", ${c('cityCode')} AS "cityCode", ${c('countyCode')} AS "countyCode"`;
  const where = scope ? ` WHERE ${c(scopeColumnOf(scope.level))} = ?` : '';
  return rowsOf(await sql.knex.raw(`SELECT ${cols} FROM ${q(t)}${where} ORDER BY ${c('code')}`, scope ? [scope.code] : []));
}

export interface PublishReport { published: number; unchanged: number; students: number; schools: string[]; workerMaxRssBytes?: number }

/** The worker's job: resolved table and column names and the schools. */
async function jobOf(strapi: Core.Strapi, sql: Sql, schools: any[], opts: { trigger: string; actorName: string }): Promise<RosterJob> {
  const col = (uid: string, attrs: string[]) => Object.fromEntries(attrs.map((a) => [a, sql.col(uid, a)]));
  const link = sql.link(UID.student, 'schoolClass');
  const conn: any = (strapi.db.config as any).connection;
  return {
    db: { client: conn.client, connection: conn.connection, schema: schemaOf(strapi) },
    dialect: sql.dialect,
    names: {
      student: { table: sql.table(UID.student), ...col(UID.student, ['name', 'gender', 'grade', 'schoolCode', 'registrationStatus', 'enrollmentStatus']) } as any,
      link: { table: link.table, from: link.from, to: link.to },
      cls: { table: sql.table(UID.cls), ...col(UID.cls, ['number', 'name']) } as any,
      pub: { table: sql.table(PUB_UID), cols: col(PUB_UID, ['schoolName', 'schoolYear', 'releasedAt', 'studentCount', 'classes', 'etag', 'trigger', 'actorName', 'provinceCode', 'cityCode', 'countyCode', 'schoolCode']) },
    },
    schools: schools.map((s: any) => ({ code: s.code, name: s.name, provinceCode: s.provinceCode, cityCode: s.cityCode, countyCode: s.countyCode })),
    schoolYear: schoolYearLabel((await readSchoolYear(strapi)).schoolYear),
    trigger: opts.trigger, actorName: opts.actorName, dir: rostersDir(strapi),
  };
}

/** Runs the job in the worker process (compiled dist/src/server/rosters-worker.js); rejects with its DomainError. */
function runWorker(strapi: Core.Strapi, job: RosterJob, onWorker?: (pid: number) => void): Promise<WorkerReport> {
  const file = path.join(strapi.dirs.dist.src, 'server', 'rosters-worker.js');
  return new Promise((resolve, reject) => {
    // A small young generation and a capped old space: the worker holds one batch (≈ 5,000
    // students) at a time, so V8 collects early instead of growing the process.
    const child = spawn(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=96', file], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
    if (child.pid) onWorker?.(child.pid);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let msg: any;
      try { msg = JSON.parse(out.trim().split('\n').pop() || 'null'); } catch { msg = null; }
      if (msg?.report && code === 0) return resolve(msg.report);
      if (msg?.error?.code && msg.error.code !== 'ROSTER_PUBLISH_FAILED') return reject(new DomainError(msg.error.code, msg.error.message));
      reject(new Error(`roster worker failed (${signal ?? code}): ${msg?.error?.message ?? out.slice(0, 500)}`));
    });
    child.stdin!.end(JSON.stringify(job));
  });
}

/**
 * Publishes the rosters of a region (the province when `scope` is null). The reading, masking,
 * inserting and file writing run in a worker process (./rosters-worker.ts); the indexes, the
 * audit row and the log line are written here.
 */
export async function publishRosters(strapi: Core.Strapi, opts: { scope: UserScope | null; trigger: 'cron' | 'manual' | 'start'; actorName: string; onWorker?: (pid: number) => void }): Promise<PublishReport> {
  const sql = await sqlOf(strapi);
  const schools = await schoolsOf(sql, opts.scope);
  const dir = rostersDir(strapi);
  const worker = await runWorker(strapi, await jobOf(strapi, sql, schools, opts), opts.onWorker);
  const report: PublishReport = { published: worker.published, unchanged: worker.unchanged, students: worker.students, schools: worker.schools, workerMaxRssBytes: worker.maxRssBytes };
  fs.mkdirSync(dir, { recursive: true });
  await writeIndexes(strapi, dir);
  if (report.published) {
    await writeAudit(strapi, {
      action: 'roster.publish', subjectType: PUB_UID, subjectId: opts.scope ? `${opts.scope.level}:${opts.scope.code}` : 'province',
      changes: { published: report.published, unchanged: report.unchanged, students: report.students, trigger: opts.trigger },
      scope: opts.scope ? scopeOfRegion(opts.scope) : null,
      actor: { name: opts.actorName, kind: opts.trigger === 'manual' ? 'admin' : 'system' },
    });
  }
  strapi.log.info(`[xueji] 学籍公示：发布 ${report.published} 所学校（${report.students} 名学生），未变化 ${report.unchanged} 所（${opts.trigger}，${opts.actorName}）`);
  return report;
}

const scopeOfRegion = (s: UserScope) => ({ [scopeColumnOf(s.level)]: s.code });

/** index.json (the province) and county-<code>.json: the latest publication of each school, with its files. */
async function writeIndexes(strapi: Core.Strapi, dir: string): Promise<void> {
  const { rows } = await latestPublications(strapi, { columns: ['schoolCode', 'schoolName', 'schoolYear', 'releasedAt', 'countyCode'] });
  const item = (r: any) => ({ ...listItem(r), files: { json: `/rosters/${r.schoolCode}.json`, csv: `/rosters/${r.schoolCode}.csv`, xlsx: `/rosters/${r.schoolCode}.xlsx` } });
  const generatedAt = new Date().toISOString();
  writeAtomic(path.join(dir, 'index.json'), JSON.stringify({ data: rows.map(item), meta: { generatedAt, total: rows.length } }));
  const byCounty = new Map<string, any[]>();
  for (const r of rows) if (r.countyCode) (byCounty.get(r.countyCode) ?? byCounty.set(r.countyCode, []).get(r.countyCode)!).push(r);
  for (const [county, list] of byCounty) {
    writeAtomic(path.join(dir, `county-${county}.json`), JSON.stringify({ data: list.map(item), meta: { generatedAt, total: list.length, countyCode: county } }));
  }
}
