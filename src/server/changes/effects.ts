/**
 * What an approved change does to the records, set-based (DESIGN "Bulk paths"): a few UPDATE
 * statements per batch, never a Document Service call per student — except the key-field
 * correction, which goes through the Document Service inside `withKeyFieldCorrection` so every
 * field rule applies to the corrected values. Each effect returns what it changed, stored on the
 * request, so the county's 异动纠错 can put it back.
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../../domain/errors';
import { scopeColumnsOfSchool, SCOPE_COLUMNS } from '../../domain/scope';
import { stageOfGrade } from '../../domain/grades';
import { checkClassCapacity } from '../../domain/class-caps';
import { formatRegionalNumber, formalStudentNumber } from '../../domain/student-number';
import { normalizeIdNumber } from '../../domain/id-card';
import type { ChangeTypeSpec } from '../../domain/changes';
import { reserveSequence } from '../sequences';
import { withKeyFieldCorrection } from '../system-write';
import { forIdChunks, rowsOf, updateRows, UID, type Sql } from './sql';

type Row = Record<string, any>;

/** What an effect changed: enough to reverse it. */
export interface EffectRecord {
  students: number[];
  /** Per student (same order): status, class id, school id, grade before. */
  before: Array<{ status: string; classId: number | null; schoolId: number | null; grade: number }>;
  after?: { status?: string; classId?: number; schoolId?: number; grade?: number };
  registered?: boolean;
  correction?: { before: Row; after: Row };
}

export interface ClassRow { id: number; grade: number; schoolingSystem?: string; school: Row }

const conflict = (message: string, details?: Row) => new DomainError('REVERSAL_STALE', message, undefined, details);

const SUB_RECORDS = [
  'api::resume-entry.resume-entry', 'api::exam-result.exam-result', 'api::evaluation.evaluation',
  'api::award.award', 'api::punishment.punishment',
];

const idList = (ids: number[]) => ids.map(() => '?').join(', ');

/** Status, class, school and grade of students now, in the order of `ids`. */
export async function snapshot(sql: Sql, ids: number[]): Promise<EffectRecord['before']> {
  const t = sql.table(UID.student);
  const cl = sql.link(UID.student, 'schoolClass');
  const sl = sql.link(UID.student, 'school');
  const rows = await forIdChunks(ids, async (chunk) => rowsOf(await sql.knex.raw(
    `SELECT s.id, s.enrollment_status AS status, s.grade, c."${cl.to}" AS class_id, k."${sl.to}" AS school_id FROM "${t}" s ` +
    `LEFT JOIN "${cl.table}" c ON c."${cl.from}" = s.id LEFT JOIN "${sl.table}" k ON k."${sl.from}" = s.id WHERE s.id IN (${idList(chunk)})`, chunk)));
  const by = new Map(rows.map((r: Row) => [Number(r.id), r]));
  return ids.map((id) => {
    const r = by.get(id) ?? {};
    return { status: r.status, classId: r.class_id == null ? null : Number(r.class_id), schoolId: r.school_id == null ? null : Number(r.school_id), grade: Number(r.grade) };
  });
}

/** Counts in-school students of a class under a row lock and checks its cap for `adding` more. */
export async function checkCapacity(sql: Sql, cls: ClassRow, adding: number, caps: any): Promise<void> {
  if (adding <= 0) return;
  if (sql.dialect === 'postgres') await sql.knex.raw(`SELECT id FROM "${sql.table(UID.cls)}" WHERE id = ? FOR UPDATE`, [cls.id]);
  const cl = sql.link(UID.student, 'schoolClass');
  const res = rowsOf(await sql.knex.raw(
    `SELECT count(*) AS n FROM "${sql.table(UID.student)}" s JOIN "${cl.table}" c ON c."${cl.from}" = s.id ` +
    `WHERE c."${cl.to}" = ? AND s.enrollment_status IN ('01','02','03','04','05')`, [cls.id]));
  checkClassCapacity(Number(res[0].n), adding, stageOfGrade(cls.grade, cls.schoolingSystem || cls.school?.schoolingSystem), caps);
}

async function setStatus(sql: Sql, ids: number[], status: string, now: Date): Promise<void> {
  await forIdChunks(ids, async (chunk) => {
    await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET enrollment_status = ?, updated_at = ? WHERE id IN (${idList(chunk)})`, [status, sql.ts(now), ...chunk]);
    return [];
  });
}

/**
 * Moves students into a class (and its school): links, grade, scope columns; when the school
 * changes, everything of theirs follows — sub-records, photo, their earlier requests and the
 * proofs — so the sending school keeps no access.
 */
export async function moveStudents(sql: Sql, ids: number[], cls: ClassRow, now: Date, opts: { exceptRequest?: number } = {}): Promise<void> {
  if (!ids.length) return;
  const cols = scopeColumnsOfSchool(cls.school as any);
  const set = SCOPE_COLUMNS.map((c) => `${snake(c)} = ?`).join(', ');
  const vals = SCOPE_COLUMNS.map((c) => (cols as any)[c] ?? null);
  const cl = sql.link(UID.student, 'schoolClass');
  const sl = sql.link(UID.student, 'school');
  await forIdChunks(ids, async (chunk) => {
    const ph = idList(chunk);
    await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET grade = ?, ${set}, updated_at = ? WHERE id IN (${ph})`, [cls.grade, ...vals, sql.ts(now), ...chunk]);
    await sql.knex.raw(`UPDATE "${cl.table}" SET "${cl.to}" = ? WHERE "${cl.from}" IN (${ph})`, [cls.id, ...chunk]);
    await sql.knex.raw(`UPDATE "${sl.table}" SET "${sl.to}" = ? WHERE "${sl.from}" IN (${ph})`, [cls.school.id, ...chunk]);
    for (const uid of SUB_RECORDS) {
      const l = sql.link(uid, 'student');
      await sql.knex.raw(`UPDATE "${sql.table(uid)}" SET ${set} WHERE id IN (SELECT "${l.from}" FROM "${l.table}" WHERE "${l.to}" IN (${ph}))`, [...vals, ...chunk]);
    }
    // The student's earlier requests (own side) and their decisions follow the record.
    const rl = sql.link(UID.request, 'student');
    const al = sql.link(UID.approval, 'changeRequest');
    const own = `SELECT "${rl.from}" FROM "${rl.table}" WHERE "${rl.to}" IN (${ph})${opts.exceptRequest ? ` AND "${rl.from}" <> ${Number(opts.exceptRequest)}` : ''}`;
    await sql.knex.raw(`UPDATE "${sql.table(UID.request)}" SET ${set} WHERE id IN (${own})`, [...vals, ...chunk]);
    await sql.knex.raw(`UPDATE "${sql.table(UID.approval)}" SET ${set} WHERE id IN (SELECT "${al.from}" FROM "${al.table}" WHERE "${al.to}" IN (${own}))`, [...vals, ...chunk]);
    // Photo and proofs.
    const m = mediaLink(sql);
    await sql.knex.raw(
      `UPDATE "${sql.table(UID.file)}" SET ${set} WHERE id IN (SELECT "${m.file}" FROM "${m.table}" WHERE ` +
      `("${m.type}" = ? AND "${m.related}" IN (${ph})) OR ("${m.type}" = ? AND "${m.related}" IN (SELECT "${rl.from}" FROM "${rl.table}" WHERE "${rl.to}" IN (${ph}))))`,
      [...vals, UID.student, ...chunk, UID.request, ...chunk]);
    return [];
  });
}

const snake = (c: string) => c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`);

/** The polymorphic link of uploaded files to records (Strapi's `files_related_mph`). */
function mediaLink(sql: Sql) {
  const jt: any = (sql.strapi.db.metadata.get(UID.file as any) as any).attributes.related.joinTable;
  return { table: jt.name as string, file: jt.joinColumn.name as string, related: jt.morphColumn.idColumn.name as string, type: jt.morphColumn.typeColumn.name as string };
}

/** Registration: registered, 地区学号 per county and entry year (a block reserved per group). */
async function register(strapi: Core.Strapi, sql: Sql, reqs: Row[], now: Date): Promise<void> {
  const ids = reqs.map((r) => r.studentId);
  const students = await forIdChunks(ids, async (chunk) => rowsOf(await sql.knex.raw(
    `SELECT id, county_code, entry_year_month, student_number, id_type, id_number, id_is_guardians FROM "${sql.table(UID.student)}" WHERE id IN (${idList(chunk)})`, chunk)));
  const byId = new Map(students.map((s: Row) => [Number(s.id), s]));
  const groups = new Map<string, Row[]>();
  for (const r of reqs) {
    const s = byId.get(r.studentId)!;
    const year = Number(String(s.entry_year_month ?? '').slice(0, 4)) || now.getFullYear();
    const key = `R:${s.county_code}:${year}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ s, r, year });
  }
  const rows: Row[] = [];
  for (const [key, list] of groups) {
    const first = await reserveSequence(strapi, key, list.length, sql.knex);
    list.forEach(({ s, r, year }, i) => {
      // A cross-province intake keeps the 学籍号 it brings (AG 三); otherwise the number stays.
      const previous = r.type === '14' ? String(r.payload?.previousStudentNumber ?? '').trim() : '';
      rows.push({
        id: s.id, registration_status: 'registered', updated_at: sql.ts(now),
        regional_number: formatRegionalNumber(s.county_code, year, first + i),
        student_number: previous || s.student_number,
      });
    });
  }
  await updateRows(sql, sql.table(UID.student), rows, { id: 'int', registration_status: 'text', regional_number: 'text', student_number: 'text', updated_at: sql.dialect === 'postgres' ? 'timestamp' : 'int' });
}

/**
 * Applies the effect of approved requests of one type; returns per request what it changed.
 * `ctx.classes` holds the target classes (with school) by id.
 */
export async function applyEffects(strapi: Core.Strapi, sql: Sql, spec: ChangeTypeSpec, reqs: Row[], ctx: { now: Date; classes: Map<number, ClassRow>; caps: any }): Promise<Map<number, EffectRecord>> {
  const out = new Map<number, EffectRecord>();
  const { now } = ctx;
  const kind = spec.effect.kind;
  if (kind === 'register') {
    await register(strapi, sql, reqs, now);
    for (const r of reqs) out.set(r.id, { students: [r.studentId], before: [], registered: true });
    return out;
  }
  if (kind === 'graduate') {
    for (const r of reqs) {
      const res = rowsOf(await sql.knex.raw(
        `UPDATE "${sql.table(UID.student)}" SET enrollment_status = ?, updated_at = ? WHERE school_code = ? AND grade = ? AND enrollment_status = '01' AND registration_status = 'registered' RETURNING id`,
        [spec.effect.status, sql.ts(now), r.schoolCode, r.grade]));
      const ids = res.map((x: Row) => Number(x.id));
      out.set(r.id, { students: ids, before: [], after: { status: spec.effect.status } });
    }
    return out;
  }
  if (kind === 'correct') {
    for (const r of reqs) out.set(r.id, await correct(strapi, r));
    return out;
  }
  for (const r of reqs) {
    const ids = kind === 'batch-transfer' ? await gradeStudents(sql, r.schoolCode, r.grade) : [r.studentId];
    const before = await snapshot(sql, ids);
    const rec: EffectRecord = { students: ids, before };
    if (kind === 'extend') { out.set(r.id, rec); continue; }
    const cls = r.toClassId ? ctx.classes.get(r.toClassId) : undefined;
    if (cls) {
      await checkCapacity(sql, cls, ids.filter((_, i) => before[i].classId !== cls.id).length, ctx.caps);
      await moveStudents(sql, ids, cls, now, { exceptRequest: kind === 'transfer' || kind === 'batch-transfer' ? r.id : undefined });
      rec.after = { classId: cls.id, schoolId: cls.school.id, grade: cls.grade };
    }
    if (spec.effect.status) {
      await setStatus(sql, ids, spec.effect.status, now);
      rec.after = { ...rec.after, status: spec.effect.status };
    }
    out.set(r.id, rec);
  }
  return out;
}

async function gradeStudents(sql: Sql, schoolCode: string, grade: number): Promise<number[]> {
  return rowsOf(await sql.knex.raw(
    `SELECT id FROM "${sql.table(UID.student)}" WHERE school_code = ? AND grade = ? AND enrollment_status = '01' AND registration_status = 'registered' ORDER BY id`,
    [schoolCode, grade])).map((x: Row) => Number(x.id));
}

/** 关键信息变更: through the Document Service, so every field rule checks the corrected record. */
async function correct(strapi: Core.Strapi, r: Row): Promise<EffectRecord> {
  const current: Row = await strapi.db.query(UID.student).findOne({ where: { id: r.studentId }, populate: { photo: true } });
  const fields: Row = { ...(r.payload?.fields ?? {}) };
  const before: Row = {};
  for (const k of Object.keys(fields)) before[k] = k === 'photo' ? current.photo?.id ?? null : current[k] ?? null;
  // A formal 学籍号 is "G" + the ID number: it follows a corrected ID number.
  if (fields.idNumber && current.studentNumber === formalStudentNumber(current.idNumber)) {
    before.studentNumber = current.studentNumber;
    fields.studentNumber = formalStudentNumber(normalizeIdNumber(fields.idNumber));
  }
  // A copy: the write rules add derived fields (school, scope columns) to the data they get.
  await withKeyFieldCorrection(r.documentId, () => strapi.documents(UID.student as any).update({ documentId: current.documentId, data: { ...fields } } as any));
  return { students: [r.studentId], before: [], correction: { before, after: fields } };
}

/** 异动纠错: puts back what an effect changed, if the records are still as it left them. */
export async function reverseEffect(strapi: Core.Strapi, sql: Sql, spec: ChangeTypeSpec, r: Row, rec: EffectRecord, ctx: { now: Date; caps: any }): Promise<void> {
  const { now } = ctx;
  if (rec.correction) {
    const current: Row = await strapi.db.query(UID.student).findOne({ where: { id: r.studentId }, populate: { photo: true } });
    for (const [k, v] of Object.entries(rec.correction.after)) {
      const now_ = k === 'photo' ? current.photo?.id ?? null : current[k];
      if (String(now_ ?? '') !== String(v ?? '')) throw conflict('该学生的关键信息在变更后又被修改，不能直接纠错撤销', { field: k, expected: v, now: now_ });
    }
    await withKeyFieldCorrection(`${r.documentId}:reverse`, () => strapi.documents(UID.student as any).update({ documentId: current.documentId, data: { ...rec.correction!.before } } as any));
    return;
  }
  if (!rec.students.length || !rec.after) return;
  const nowState = await snapshot(sql, rec.students);
  const a = rec.after;
  const stale = nowState.some((s) => (a.status !== undefined && s.status !== a.status) || (a.classId !== undefined && s.classId !== a.classId));
  if (stale) throw conflict('相关学生的学籍在本次变动后又有变化（状态或班级已不同），请先处理后续变动再纠错');
  if (a.classId !== undefined) {
    // Back to each student's class; students of one former class move together.
    const byClass = new Map<number, number[]>();
    rec.students.forEach((id, i) => {
      const c = rec.before[i]?.classId;
      if (c == null) return;
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(id);
    });
    for (const [classId, ids] of byClass) {
      const cls: Row = await strapi.db.query(UID.cls).findOne({ where: { id: classId }, populate: { school: true } });
      if (!cls?.school) throw conflict('原班级已不存在，不能纠错撤销');
      await checkCapacity(sql, cls as ClassRow, ids.length, ctx.caps);
      await moveStudents(sql, ids, cls as ClassRow, now, { exceptRequest: r.id });
    }
    // A grade may differ from the class's after a later promotion: restore the stored grade.
    const grades = rec.students.map((id, i) => ({ id, grade: rec.before[i]?.grade }));
    await updateRows(sql, sql.table(UID.student), grades, { id: 'int', grade: 'int' });
  }
  if (a.status !== undefined) {
    const byStatus = new Map<string, number[]>();
    rec.students.forEach((id, i) => {
      const st = rec.before[i]?.status ?? '01';
      if (!byStatus.has(st)) byStatus.set(st, []);
      byStatus.get(st)!.push(id);
    });
    if (spec.effect.kind === 'graduate') byStatus.set('01', rec.students);
    for (const [st, ids] of byStatus) await setStatus(sql, ids, st, now);
  }
}
