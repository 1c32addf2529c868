/**
 * 学年升级 (promotion) on the database: set-based, one transaction, exactly once.
 *
 * - Plan (pure, src/domain/promotion.ts): which (school, grade) pairs move up, to which grade,
 *   under which class-name label. Graduating grades and grades with no next grade stay.
 * - Apply: ONE `UPDATE … FROM <pairs>` on classes (grade, derived name) and ONE on students
 *   (registered, 在校 only: 休学 and every other status keep their grade). Nobody is relinked:
 *   a class is a cohort. Both rows get `promoted_year` = the new school year, so an undo takes
 *   back exactly what this run moved.
 * - Exactly once: PostgreSQL `pg_try_advisory_xact_lock` (N instances: one runs, the others
 *   answer "running"), SQLite's single writer; a `promotion_runs` row per school year (unique
 *   index) makes a second run a no-op. The school year and term switch in the same transaction.
 */
import fs from 'fs';
import type { Core } from '@strapi/strapi';
import { analyzeAfterBulk } from './list-speed';
import { DomainError } from '../domain/errors';
import { checkPromotionTarget, planPromotion, previewOfSchool, promotionTargetYear, schoolYearLabel, type GradeCount, type PromotionPair, type SchoolPlan } from '../domain/promotion';
import { schoolYearOf } from '../domain/grades';
import { chinaDateOf } from '../domain/dates';
import { withSystemWrite } from './system-write';
import { sqlOf, rowsOf, UID, type Sql } from './changes/sql';
import { writeAudit } from './audit';
import { dialectOf } from '../seed/bulk';

export const RUN_UID = 'api::promotion-run.promotion-run';
const YEAR_KEY = { type: 'core', name: 'xueji', key: 'school-year' } as const;
const LOCK_KEY = 7_310_001; // advisory lock id of promotion (one per task)

export interface SchoolYearState { schoolYear: number; term: '1' | '2'; since?: string }

export interface Actor { id?: number; name: string; trigger: 'cron' | 'manual' }

const q = (n: string) => `"${n}"`;

/** Current school year of the system (core store); initialised from the calendar on first read. */
export async function readSchoolYear(strapi: Core.Strapi): Promise<SchoolYearState> {
  const v: any = await strapi.store.get({ ...YEAR_KEY });
  if (v && typeof v === 'object' && Number.isInteger(v.schoolYear)) return v;
  const cfg = (strapi.config.get('xueji') as any)?.promotion ?? {};
  const init: SchoolYearState = { schoolYear: schoolYearOf(chinaDateOf(new Date()), cfg.month ?? 8, cfg.day ?? 1), term: '1' };
  await strapi.store.set({ ...YEAR_KEY, value: init });
  return init;
}

async function writeSchoolYear(strapi: Core.Strapi, state: SchoolYearState): Promise<void> {
  await strapi.store.set({ ...YEAR_KEY, value: state });
}

/** The school year a promotion started today opens (cron: exactly that; manual: current + 1). */
export function targetOfToday(strapi: Core.Strapi, now = new Date()): number {
  const cfg = (strapi.config.get('xueji') as any)?.promotion ?? {};
  return promotionTargetYear(chinaDateOf(now), cfg.month ?? 8, cfg.day ?? 1);
}

async function loadPlan(strapi: Core.Strapi, sql: Sql): Promise<{ plans: SchoolPlan[]; names: Map<string, string>; pairs: PromotionPair[] }> {
  const t = sql.table(UID.school);
  const rows = rowsOf(await sql.knex.raw(
    `SELECT ${q(sql.col(UID.school, 'code'))} AS code, ${q(sql.col(UID.school, 'name'))} AS name, ${q(sql.col(UID.school, 'schoolingSystem'))} AS sys, ${q(sql.col(UID.school, 'category'))} AS cat FROM ${q(t)}`));
  const plans = planPromotion(rows.map((r: any) => ({ code: r.code, name: r.name, schoolingSystem: r.sys, category: r.cat })));
  return { plans, names: new Map(rows.map((r: any) => [r.code, r.name])), pairs: plans.flatMap((p) => p.pairs) };
}

/** Registered students per (school, grade) by status, and classes per (school, grade). */
async function countsOf(sql: Sql): Promise<GradeCount[]> {
  const s = sql.table(UID.student);
  const [code, grade, es, rs] = ['schoolCode', 'grade', 'enrollmentStatus', 'registrationStatus'].map((a) => q(sql.col(UID.student, a)));
  const students = rowsOf(await sql.knex.raw(
    `SELECT ${code} AS code, ${grade} AS grade,
       SUM(CASE WHEN ${es} = '01' THEN 1 ELSE 0 END) AS in_school,
       SUM(CASE WHEN ${es} = '02' THEN 1 ELSE 0 END) AS suspended,
       COUNT(*) AS total
     FROM ${q(s)} WHERE ${rs} = 'registered' AND ${es} IN ('01', '02', '03', '04', '05') GROUP BY ${code}, ${grade}`));
  const c = sql.table(UID.cls);
  const classes = rowsOf(await sql.knex.raw(
    `SELECT ${q(sql.col(UID.cls, 'schoolCode'))} AS code, ${q(sql.col(UID.cls, 'grade'))} AS grade, COUNT(*) AS n FROM ${q(c)} GROUP BY 1, 2`));
  const key = (code: string, g: number) => `${code}|${g}`;
  const out = new Map<string, GradeCount>();
  for (const r of students) {
    const inSchool = Number(r.in_school), suspended = Number(r.suspended);
    out.set(key(r.code, Number(r.grade)), { schoolCode: r.code, grade: Number(r.grade), inSchool, suspended, other: Number(r.total) - inSchool - suspended, classes: 0 });
  }
  for (const r of classes) {
    const k = key(r.code, Number(r.grade));
    const row = out.get(k) ?? { schoolCode: r.code, grade: Number(r.grade), inSchool: 0, suspended: 0, other: 0, classes: 0 };
    row.classes = Number(r.n);
    out.set(k, row);
  }
  return [...out.values()];
}

/** Graduating-grade students (registered, on the roll) with an open change request, per school and grade. */
async function openRequestBlockers(sql: Sql, plans: SchoolPlan[]): Promise<Array<{ schoolCode: string; grade: number; count: number }>> {
  const graduating = plans.flatMap((p) => p.graduating.map((g) => ({ code: p.schoolCode, grade: g })));
  if (!graduating.length) return [];
  const s = sql.table(UID.student);
  const cr = sql.table(UID.request);
  const link = sql.link(UID.request, 'student');
  const [code, grade, es, rs] = ['schoolCode', 'grade', 'enrollmentStatus', 'registrationStatus'].map((a) => `s.${q(sql.col(UID.student, a))}`);
  const rows = rowsOf(await sql.knex.raw(
    `SELECT ${code} AS code, ${grade} AS grade, COUNT(DISTINCT s.id) AS n
       FROM ${q(cr)} r JOIN ${q(link.table)} l ON l.${q(link.from)} = r.id JOIN ${q(s)} s ON s.id = l.${q(link.to)}
      WHERE r.${q(sql.col(UID.request, 'openKey'))} IS NOT NULL AND ${rs} = 'registered' AND ${es} IN ('01', '02')
      GROUP BY ${code}, ${grade}`));
  const want = new Set(graduating.map((g) => `${g.code}|${g.grade}`));
  return rows.filter((r: any) => want.has(`${r.code}|${Number(r.grade)}`))
    .map((r: any) => ({ schoolCode: r.code, grade: Number(r.grade), count: Number(r.n) }))
    .sort((a: any, b: any) => a.schoolCode.localeCompare(b.schoolCode) || a.grade - b.grade);
}

function pairsJson(pairs: PromotionPair[], undo = false): string {
  return JSON.stringify(pairs.map((p) => ({ code: p.schoolCode, grade: undo ? p.toGrade : p.grade, label: undo ? p.backLabel : p.label })));
}

/** `FROM <pairs> v` on both dialects. */
function pairsFrom(sql: Sql): string {
  return sql.dialect === 'postgres'
    ? `json_to_recordset(?::json) AS v(code text, grade integer, label text)`
    : `(SELECT value ->> '$.code' AS code, value ->> '$.grade' AS grade, value ->> '$.label' AS label FROM json_each(?)) AS v`;
}

/** The two statements of a promotion (or of its undo). Returns the rows moved per table. */
async function applyPairs(sql: Sql, pairs: PromotionPair[], year: number, now: Date, undo: boolean, failAfterClasses = false): Promise<{ classes: number; students: number }> {
  const c = sql.table(UID.cls), s = sql.table(UID.student);
  const cc = (a: string) => q(sql.col(UID.cls, a));
  const sc = (a: string) => q(sql.col(UID.student, a));
  const json = pairsJson(pairs, undo);
  const step = undo ? '- 1' : '+ 1';
  const ts = sql.ts(now);
  const cls = await sql.knex.raw(
    `UPDATE ${q(c)} SET ${cc('grade')} = ${q(c)}.${cc('grade')} ${step}, ${cc('name')} = v.label || '(' || ${q(c)}.${cc('number')} || ')班',
       ${cc('promotedYear')} = ${undo ? 'NULL' : '?'}, ${cc('updatedAt')} = ?
     FROM ${pairsFrom(sql)}
     WHERE ${q(c)}.${cc('schoolCode')} = v.code AND ${q(c)}.${cc('grade')} = v.grade${undo ? ` AND ${q(c)}.${cc('promotedYear')} = ?` : ''}`,
    undo ? [ts, json, year] : [year, ts, json]);
  if (failAfterClasses) throw new Error('promotion: simulated failure after the classes (test)');
  if (!undo) await pauseForKillTest();
  let students: any;
  if (undo) {
    students = await sql.knex.raw(
      `UPDATE ${q(s)} SET ${sc('grade')} = ${sc('grade')} - 1, ${sc('promotedYear')} = NULL, ${sc('updatedAt')} = ? WHERE ${sc('promotedYear')} = ?`, [ts, year]);
    // Classes moved by this run whose school no longer plans that grade: grade back, name kept.
    await sql.knex.raw(`UPDATE ${q(c)} SET ${cc('grade')} = ${cc('grade')} - 1, ${cc('promotedYear')} = NULL WHERE ${cc('promotedYear')} = ?`, [year]);
  } else {
    students = await sql.knex.raw(
      `UPDATE ${q(s)} SET ${sc('grade')} = ${q(s)}.${sc('grade')} + 1, ${sc('promotedYear')} = ?, ${sc('updatedAt')} = ?
       FROM ${pairsFrom(sql)}
       WHERE ${q(s)}.${sc('schoolCode')} = v.code AND ${q(s)}.${sc('grade')} = v.grade
         AND ${q(s)}.${sc('registrationStatus')} = 'registered' AND ${q(s)}.${sc('enrollmentStatus')} = '01'`,
      [year, ts, json]);
  }
  return { classes: affected(cls), students: affected(students) };
}

/**
 * Test-only (NODE_ENV=test): with XUEJI_PROMOTION_PAUSE_FILE set, the promotion writes that
 * file after its first UPDATE and then waits forever inside the open transaction, so a test can
 * SIGKILL the process mid-transaction deterministically (tests/api/promotion-kill.test.ts).
 */
async function pauseForKillTest(): Promise<void> {
  const file = process.env.XUEJI_PROMOTION_PAUSE_FILE;
  if (!file || process.env.NODE_ENV !== 'test') return;
  fs.writeFileSync(file, String(process.pid));
  await new Promise(() => setInterval(() => undefined, 60_000));
}

const affected = (res: any): number => Number(res?.rowCount ?? res?.changes ?? (Array.isArray(res) ? res.length : 0));

/** PostgreSQL: the transaction-scoped advisory lock of promotion; false when another instance holds it. */
async function tryLock(sql: Sql): Promise<boolean> {
  if (sql.dialect !== 'postgres') return true; // SQLite: one writer at a time
  const r = rowsOf(await sql.knex.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [LOCK_KEY]));
  return r[0]?.ok === true;
}

export interface PreviewReport {
  schoolYear: number; schoolYearLabel: string; currentSchoolYear: number; alreadyRun: boolean;
  totals: { schools: number; classes: number; promoted: number; graduating: number; suspendedKept: number };
  schools: Array<{ code: string; name: string; grades: ReturnType<typeof previewOfSchool>; problem?: string }>;
  /** Why a start into this year would be refused now (not a blocker: it cannot be ignored). */
  refusal?: { code: string; message: string };
  blockers: Array<{ code: string; schoolCode?: string; grade?: number; count?: number; message: string }>;
}

async function buildPreview(strapi: Core.Strapi, sql: Sql, target: number): Promise<PreviewReport> {
  const current = await readSchoolYear(strapi);
  const { plans, names } = await loadPlan(strapi, sql);
  const counts = await countsOf(sql);
  const blockers: PreviewReport['blockers'] = [];
  for (const b of await openRequestBlockers(sql, plans)) {
    blockers.push({ code: 'GRADUATING_OPEN_REQUESTS', schoolCode: b.schoolCode, grade: b.grade, count: b.count,
      message: `${names.get(b.schoolCode) ?? b.schoolCode} ${b.grade} 年级（毕业年级）有 ${b.count} 名学生的学籍变动尚在办理，请先办结或撤回` });
  }
  const schools: PreviewReport['schools'] = [];
  const totals = { schools: 0, classes: 0, promoted: 0, graduating: 0, suspendedKept: 0 };
  for (const p of plans) {
    const grades = previewOfSchool(p, counts);
    if (p.problem && grades.some((g) => g.students > 0)) {
      blockers.push({ code: 'SCHOOL_NOT_PLANNED', schoolCode: p.schoolCode, message: `${names.get(p.schoolCode) ?? p.schoolCode}：${p.problem}，该校学生不升级` });
    }
    if (!grades.length) continue;
    schools.push({ code: p.schoolCode, name: names.get(p.schoolCode) ?? '', grades, ...(p.problem ? { problem: p.problem } : {}) });
    totals.schools += 1;
    for (const g of grades) {
      if (g.action === 'promote') { totals.promoted += g.students; totals.classes += g.classes; }
      if (g.action === 'graduate') totals.graduating += g.students;
      totals.suspendedKept += g.suspended;
    }
  }
  const run = await strapi.db.query(RUN_UID).findOne({ where: { schoolYear: target } });
  let refusal: PreviewReport['refusal'];
  try {
    if (run?.state !== 'done') checkPromotionTarget(current.schoolYear, target, targetOfToday(strapi));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    refusal = { code: e.code, message: e.message };
  }
  return { schoolYear: target, schoolYearLabel: schoolYearLabel(target), currentSchoolYear: current.schoolYear, alreadyRun: run?.state === 'done', totals, schools, blockers, ...(refusal ? { refusal } : {}) };
}

export type RunOutcome =
  | { status: 'done'; run: any }
  | { status: 'noop'; run: any; message: string }
  | { status: 'busy'; message: string };

export function promotionService(strapi: Core.Strapi) {
  const tx = <T>(reason: string, fn: (sql: Sql, now: Date) => Promise<T>): Promise<T> =>
    withSystemWrite(reason, () => strapi.db.transaction(async () => fn(await sqlOf(strapi), new Date())) as Promise<T>);

  /** After commit: the rewritten student and class tables get fresh visibility map and statistics. */
  async function afterBulk<T>(result: T, changed: (r: T) => boolean): Promise<T> {
    if (changed(result)) for (const uid of ['api::student.student', 'api::school-class.school-class']) await analyzeAfterBulk(strapi, uid);
    return result;
  }

  async function preview(target?: number): Promise<PreviewReport> {
    const current = await readSchoolYear(strapi);
    const year = target ?? current.schoolYear + 1;
    if (!Number.isInteger(year) || year < 2000 || year > 2100) checkPromotionTarget(current.schoolYear, year);
    const sql = await sqlOf(strapi);
    return buildPreview(strapi, sql, year);
  }

  /**
   * Runs the promotion into `schoolYear` — always named, never "the next one", so a repeated or
   * concurrent start of the same year is a no-op instead of a second step up. Cron passes the
   * year of the day; a manual start is refused when blockers exist unless `ignoreBlockers`.
   */
  async function run(actor: Actor, opts: { schoolYear: number; ignoreBlockers?: boolean; failAfterClasses?: boolean }): Promise<RunOutcome> {
    return afterBulk(await tx(`promotion ${actor.trigger}`, async (sql, now): Promise<RunOutcome> => {
      if (!(await tryLock(sql))) return { status: 'busy', message: '学年升级正在另一实例中执行' };
      const current = await readSchoolYear(strapi);
      const target = opts.schoolYear;
      const existing = await strapi.db.query(RUN_UID).findOne({ where: { schoolYear: target } });
      if (existing?.state === 'done') return { status: 'noop', run: existing, message: `${schoolYearLabel(target)} 学年已升级，未重复执行` };
      if (actor.trigger === 'cron' && target <= current.schoolYear) {
        return { status: 'noop', run: existing ?? null, message: `当前已是 ${schoolYearLabel(current.schoolYear)} 学年，未执行` };
      }
      checkPromotionTarget(current.schoolYear, target, targetOfToday(strapi, now));
      const report = await buildPreview(strapi, sql, target);
      if (actor.trigger === 'manual' && report.blockers.length && !opts.ignoreBlockers) {
        throw new DomainError('PROMOTION_BLOCKED', `学年升级有 ${report.blockers.length} 项待处理事项：${report.blockers[0].message}${report.blockers.length > 1 ? ' 等' : ''}。处理后再升级，或确认忽略后升级`, undefined, { blockers: report.blockers });
      }
      const { pairs } = await loadPlan(strapi, sql);
      const moved = await applyPairs(sql, pairs, target, now, false, opts.failAfterClasses);
      const data = {
        schoolYear: target, fromYear: current.schoolYear, state: 'done', trigger: actor.trigger, actorId: actor.id ?? null, actorName: actor.name,
        startedAt: now, finishedAt: new Date(), undoneAt: null, undoneByName: null,
        report: { ...report, alreadyRun: false, moved },
      };
      const row = existing
        ? await strapi.db.query(RUN_UID).update({ where: { id: existing.id }, data })
        : await strapi.db.query(RUN_UID).create({ data: { ...data, publishedAt: now } });
      await writeSchoolYear(strapi, { schoolYear: target, term: '1', since: now.toISOString() });
      await writeAudit(strapi, {
        action: 'promotion.run', subjectType: RUN_UID, subjectId: String(target),
        changes: { schoolYear: { before: current.schoolYear, after: target }, moved, trigger: actor.trigger },
        actor: { id: actor.id, name: actor.name, kind: actor.trigger === 'cron' ? 'system' : 'admin' },
      });
      strapi.log.info(`[xueji] 学年升级 ${schoolYearLabel(target)}：班级 ${moved.classes}，学生 ${moved.students}（${actor.trigger}，${actor.name}）`);
      return { status: 'done', run: row };
    }), (outcome) => outcome.status === 'done');
  }

  /** Takes back the latest run (one logged operation): grades, class names, school year. */
  async function undo(actor: Actor, schoolYear: number): Promise<any> {
    return afterBulk(await tx('promotion undo', async (sql, now) => {
      if (!(await tryLock(sql))) throw new DomainError('PROMOTION_RUNNING', '学年升级正在执行，请稍后再试');
      const row = await strapi.db.query(RUN_UID).findOne({ where: { schoolYear } });
      if (!row) throw new DomainError('PROMOTION_RUN_NOT_FOUND', `没有 ${schoolYearLabel(schoolYear)} 学年的升级记录`);
      if (row.state !== 'done') throw new DomainError('PROMOTION_NOT_UNDOABLE', `${schoolYearLabel(schoolYear)} 学年的升级已撤销`);
      const current = await readSchoolYear(strapi);
      if (current.schoolYear !== schoolYear) {
        throw new DomainError('PROMOTION_NOT_UNDOABLE', `只能撤销最近一次升级（当前为 ${schoolYearLabel(current.schoolYear)} 学年）`);
      }
      const { pairs } = await loadPlan(strapi, sql);
      const moved = await applyPairs(sql, pairs, schoolYear, now, true);
      const back = row.fromYear ?? schoolYear - 1;
      const updated = await strapi.db.query(RUN_UID).update({
        where: { id: row.id },
        data: { state: 'undone', undoneAt: now, undoneByName: actor.name, report: { ...(row.report ?? {}), undone: moved } },
      });
      await writeSchoolYear(strapi, { schoolYear: back, term: '1', since: now.toISOString() });
      await writeAudit(strapi, {
        action: 'promotion.undo', subjectType: RUN_UID, subjectId: String(schoolYear),
        changes: { schoolYear: { before: schoolYear, after: back }, moved },
        actor: { id: actor.id, name: actor.name, kind: 'admin' },
      });
      strapi.log.info(`[xueji] 撤销学年升级 ${schoolYearLabel(schoolYear)}：班级 ${moved.classes}，学生 ${moved.students}（${actor.name}）`);
      return updated;
    }), () => true);
  }

  async function list(): Promise<any[]> {
    return strapi.db.query(RUN_UID).findMany({ orderBy: { schoolYear: 'desc' } });
  }

  async function get(schoolYear: number): Promise<any> {
    const row = await strapi.db.query(RUN_UID).findOne({ where: { schoolYear } });
    if (!row) throw new DomainError('PROMOTION_RUN_NOT_FOUND', `没有 ${schoolYearLabel(schoolYear)} 学年的升级记录`);
    return row;
  }

  return { preview, run, undo, list, get, readSchoolYear: () => readSchoolYear(strapi), dialect: () => dialectOf(strapi) };
}
