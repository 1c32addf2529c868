/**
 * Publication of public rosters (公示): one `roster_publications` row per school and
 * publication (earlier ones kept), static files under public/rosters/ (JSON, CSV, XLSX per
 * school; an index per county and for the province), served to websites by the public REST
 * API (src/api/roster-publication/controllers/public-roster.ts).
 *
 * Set-based: one query per batch of schools reads exactly the four published fields of their
 * registered in-school students (masked in src/domain/rosters.ts), and XLSX is written with
 * ExcelJS's streaming writer. A school whose roster has not changed since its last publication
 * is not published again, so its ETag and Last-Modified stay and polling websites get 304.
 */
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import ExcelJS from 'exceljs';
import { assertPublishable, buildRoster, publicClasses, rosterCsv, rosterEtag, rosterKey, type RosterClass } from '../domain/rosters';
import { scopeColumnOf, scopeColumnsOfSchool, type UserScope } from '../domain/scope';
import { schoolYearLabel } from '../domain/promotion';
import { withSystemWrite } from './system-write';
import { sqlOf, rowsOf, UID, type Sql } from './changes/sql';
import { readSchoolYear } from './promotion';
import { writeAudit } from './audit';

export const PUB_UID = 'api::roster-publication.roster-publication';
const SCHOOLS_PER_BATCH = 10; // ~5,000 students in memory at a time (bench: +93 MB with 50)
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

/** The four published fields of the registered in-school students of some schools. */
async function studentsOf(sql: Sql, codes: string[]) {
  const s = sql.table(UID.student), cl = sql.table(UID.cls);
  const link = sql.link(UID.student, 'schoolClass');
  const sc = (a: string) => `s.${q(sql.col(UID.student, a))}`;
  const cc = (a: string) => `c.${q(sql.col(UID.cls, a))}`;
  return rowsOf(await sql.knex.raw(
    `SELECT s.document_id AS doc, ${sc('name')} AS name, ${sc('gender')} AS gender, ${sc('grade')} AS grade, ${sc('schoolCode')} AS school,
            ${cc('number')} AS class_number, ${cc('name')} AS class_name
       FROM ${q(s)} s LEFT JOIN ${q(link.table)} l ON l.${q(link.from)} = s.id LEFT JOIN ${q(cl)} c ON c.id = l.${q(link.to)}
      WHERE ${sc('schoolCode')} IN (${codes.map(() => '?').join(', ')}) AND ${sc('registrationStatus')} = 'registered' AND ${sc('enrollmentStatus')} = '01'`,
    codes));
}

export interface PublishReport { published: number; unchanged: number; students: number; schools: string[] }

export async function publishRosters(strapi: Core.Strapi, opts: { scope: UserScope | null; trigger: 'cron' | 'manual' | 'start'; actorName: string }): Promise<PublishReport> {
  const sql0 = await sqlOf(strapi);
  const schools = await schoolsOf(sql0, opts.scope);
  const year = schoolYearLabel((await readSchoolYear(strapi)).schoolYear);
  const latest = new Map((await latestPublications(strapi, { scope: opts.scope, columns: ['schoolCode', 'etag'] })).rows.map((r: any) => [r.schoolCode, r.etag]));
  const report: PublishReport = { published: 0, unchanged: 0, students: 0, schools: [] };
  const dir = rostersDir(strapi);
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < schools.length; i += SCHOOLS_PER_BATCH) {
    const batch = schools.slice(i, i + SCHOOLS_PER_BATCH);
    const rows = await studentsOf(sql0, batch.map((s: any) => s.code));
    const bySchool = new Map<string, any[]>();
    for (const r of rows) (bySchool.get(r.school) ?? bySchool.set(r.school, []).get(r.school)!).push(r);
    const toWrite: any[] = [];
    for (const school of batch) {
      const source = bySchool.get(school.code) ?? [];
      if (!source.length && !latest.has(school.code)) continue; // never published, nobody to publish
      const classes: RosterClass[] = buildRoster(source.map((r: any) => ({
        key: rosterKey(r.doc), name: r.name, gender: r.gender, grade: Number(r.grade),
        classNumber: r.class_number === null ? null : Number(r.class_number), className: r.class_name,
      })));
      assertPublishable(classes);
      const etag = rosterEtag(school.code, year, classes);
      if (latest.get(school.code) === etag) { report.unchanged += 1; continue; }
      toWrite.push({ school, classes, etag, count: source.length });
    }
    if (!toWrite.length) continue;
    const now = new Date();
    const created = await withSystemWrite('roster publication', () => strapi.db.transaction(async () => {
      const out: any[] = [];
      for (const w of toWrite) {
        out.push(await strapi.db.query(PUB_UID).create({
          data: {
            schoolName: w.school.name, schoolYear: year, releasedAt: now, studentCount: w.count, classes: w.classes, etag: w.etag,
            trigger: opts.trigger, actorName: opts.actorName, ...scopeColumnsOfSchool(w.school), publishedAt: now,
          },
        }));
      }
      return out;
    }));
    for (const row of created) {
      await writeSchoolFiles(dir, row);
      report.published += 1;
      report.students += row.studentCount ?? 0;
      report.schools.push(row.schoolCode);
    }
  }
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

/** Writes a file atomically (readers never see half a file). */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

async function writeSchoolFiles(dir: string, row: any): Promise<void> {
  const doc = publicationDoc(row);
  writeAtomic(path.join(dir, `${row.schoolCode}.json`), JSON.stringify(doc));
  writeAtomic(path.join(dir, `${row.schoolCode}.csv`), rosterCsv(row.classes));
  const file = path.join(dir, `${row.schoolCode}.xlsx`);
  const tmp = `${file}.${process.pid}.tmp`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('公示名单');
  ws.addRow([`${doc.school.name}（${doc.school.code}）${doc.schoolYear} 学年在校生名单`]).commit();
  ws.addRow(['年级', '班级', '姓名', '性别']).commit();
  for (const c of row.classes as RosterClass[]) for (const s of c.students) ws.addRow([c.grade, c.name, s.name, s.gender]).commit();
  ws.commit();
  await wb.commit();
  fs.renameSync(tmp, file);
}

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
