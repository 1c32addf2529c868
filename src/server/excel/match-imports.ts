/**
 * Imports that work on existing students, matched by 姓名 + 身份证件号 (SPEC §7; never adds a
 * student): batch update (`update`), the sub-records (`resume`, `exam`, `evaluation`, `award`,
 * `punishment`) and class assignment (`classes`, 分班/调班). Same shape as the new-student
 * import: every row checked first with the panel's rule functions (checkCodes,
 * checkStudentFields, checkKeyFieldsUnchanged, class caps), any error → nothing written; else one
 * transaction of set-based statements and one audit row.
 */
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { DomainError } from '../../domain/errors';
import { SUB_RECORD_TYPES, type SubRecordKind } from '../../domain/excel-columns';
import { scopeColumnsOfRow } from '../../domain/scope';
import { stageOfGrade } from '../../domain/grades';
import { checkClassCapacity } from '../../domain/class-caps';
import { IN_SCHOOL_STATUSES, EXIT_STATUSES } from '../../domain/code-tables';
import { checkCodes, checkStudentFields, checkKeyFieldsUnchanged, xuejiConfig } from '../write-rules';
import { withSystemWrite } from '../system-write';
import { writeAudit } from '../audit';
import { sqlOf, updateRows, type ColKind } from '../changes/sql';
import { rowBuilder, linkOf, metaOf, timestampValue, dialectOf, type Row } from '../../seed/bulk';
import {
  readUpload, matchStudents, headerIndex, columnOfField, findClass, cancelled, Cancelled,
  type ParsedRow, type RunOpts, type ImportResult,
  importFail,
} from './import-read';

const STUDENT = 'api::student.student';
const MEMBER = 'family.member';
const CLASS = 'api::school-class.school-class';
type Data = Record<string, any>;
type Add = (row: number, column: number, code: string, message: string) => void;

/** Runs one rule; a DomainError becomes an error of the row at the column of its field. */
function rule(p: ParsedRow, add: Add, index: Map<string, number>, fallback: number, fn: () => void): boolean {
  try { fn(); return true; } catch (e: any) {
    if (!(e instanceof DomainError)) throw e;
    add(p.row, columnOfField(index, e.field) || fallback, e.code, e.message);
    p.ok = false;
    return false;
  }
}

/** A record may be changed: not left (read-only), not under review. */
function writable(p: ParsedRow, s: Data, add: Add, col: number): boolean {
  if (EXIT_STATUSES.includes(s.enrollmentStatus)) {
    add(p.row, col, 'STUDENT_RECORD_CLOSED', '学籍状态：该学生已离校，学籍档案只读；如需恢复请办理毕业回退或恢复入学资格'); p.ok = false; return false;
  }
  if (s.registrationStatus === 'submitted') {
    add(p.row, col, 'STUDENT_UNDER_REVIEW', '注册状态：该学生的注册申请正在审核中，审核通过或退回后才能修改'); p.ok = false; return false;
  }
  return true;
}

const KIND_OF_TYPE: Record<string, ColKind> = {
  integer: 'int', biginteger: 'int', decimal: 'num', float: 'num', date: 'date', datetime: 'timestamp', json: 'json', boolean: 'bool',
};
/** Column kinds of attributes for `updateRows` (from Strapi's metadata). */
function columnKinds(strapi: Core.Strapi, uid: string, keys: string[]): { cols: Record<string, string>; kinds: Record<string, ColKind> } {
  const attrs = metaOf(strapi, uid).attributes;
  const cols: Record<string, string> = {};
  const kinds: Record<string, ColKind> = { id: 'int' };
  for (const k of keys) {
    const a = attrs[k];
    cols[k] = a.columnName ?? k;
    kinds[cols[k]] = KIND_OF_TYPE[a.type] ?? 'text';
  }
  return { cols, kinds };
}

export async function importMatched(strapi: Core.Strapi, o: RunOpts): Promise<ImportResult> {
  const read = await readUpload(o.kind, o, o.kind === 'update');
  const { errors, rows, columns, headerCount, add } = read;
  const index = headerIndex(columns);
  const colOf = (h: string) => index.get(h) ?? 0;
  const cols = { name: colOf('姓名'), id: colOf('身份证件号') };
  const populate = o.kind === 'update' ? { family: true, schoolClass: true } : o.kind === 'classes' ? { schoolClass: true, school: true } : undefined;
  const matched = await matchStudents(strapi, o.caller, rows, add, cols, populate);
  await o.check();

  let plan: (() => Promise<number>) | null = null;
  if (o.kind === 'update') plan = await planUpdate(strapi, rows, matched, add, index, colOf);
  else if (o.kind === 'classes') plan = await planClasses(strapi, rows, matched, add, colOf);
  else if (o.kind === 'graduates') plan = await planGraduates(strapi, o, rows, matched, add, colOf);
  else plan = planSubRecords(strapi, o.kind as SubRecordKind, rows, matched, add, index, cols.name);

  errors.sort((a, b) => a.row - b.row || a.column - b.column);
  const valid = rows.filter((p) => p.ok).length;
  const result: ImportResult = { rowsRead: rows.length, rowsValid: valid, rowsWritten: 0, errors, headerCount };
  if (errors.length || o.dryRun) return result;
  await o.check();
  if (o.kind === 'graduates') {
    // Filed through the change engine (its own transaction, chain and notifications).
    result.rowsWritten = await plan();
    await writeAudit(strapi, {
      action: 'import', subjectType: 'api::import-job.import-job', subjectId: String(o.jobId), scope: scopeColumnsOfRow([...matched.values()][0] ?? {}),
      changes: { kind: o.kind, fileName: o.fileName, rowsRead: rows.length, rowsWritten: result.rowsWritten },
      actor: { id: o.caller.id, name: o.caller.name, kind: 'admin' },
    });
    return result;
  }
  result.rowsWritten = await withSystemWrite(`import ${o.jobId}`, () => strapi.db.transaction(async () => {
    if (cancelled.has(o.jobId)) throw new Cancelled();
    const n = await plan!();
    const first = [...matched.values()][0];
    const same = [...matched.values()].every((s) => s.schoolCode === first?.schoolCode);
    await writeAudit(strapi, {
      action: 'import', subjectType: 'api::import-job.import-job', subjectId: String(o.jobId),
      scope: same && first ? scopeColumnsOfRow(first) : scopeColumnsOfRow({ provinceCode: first?.provinceCode, cityCode: same ? first?.cityCode : null } as any),
      changes: { kind: o.kind, fileName: o.fileName, rowsRead: rows.length, rowsWritten: n },
      actor: { id: o.caller.id, name: o.caller.name, kind: 'admin' },
    });
    return n;
  }));
  return result;
}

// ------------------------------------------------------------------------- batch update
function planUpdate(strapi: Core.Strapi, rows: ParsedRow[], matched: Map<ParsedRow, Data>, add: Add, index: Map<string, number>, colOf: (h: string) => number) {
  const cfg = xuejiConfig(strapi) ?? {};
  const today = new Date();
  const touched = new Set<string>();
  const memberKeys = new Set<string>();
  const plans: Array<{ s: Data; changes: Data; family: Data[] | null }> = [];
  for (const p of rows) {
    const s = matched.get(p);
    if (!s || !writable(p, s, add, colOf('姓名'))) continue;
    const changes: Data = { ...p.student };
    delete changes.name; delete changes.idNumber;
    if ((changes.grade !== undefined && Number(changes.grade) !== Number(s.grade)) || p.classText !== undefined) {
      const sameClass = p.classText === undefined || (s.schoolClass && findClass([s.schoolClass], Number(s.grade), p.classText));
      if (!sameClass || (changes.grade !== undefined && Number(changes.grade) !== Number(s.grade))) {
        add(p.row, colOf('班级'), 'CLASS_CHANGE_NOT_HERE', '班级：批量修改不调整年级和班级，分班、调班请使用“分班调班”模板导入；升级、留级请办理学籍变动');
        p.ok = false; continue;
      }
    }
    delete changes.grade;
    if (s.registrationStatus === 'registered' && !rule(p, add, index, colOf('姓名'), () => checkKeyFieldsUnchanged(changes, s))) continue;
    const familyTouched = p.family.some((m) => Object.keys(m).length);
    const family = familyTouched ? [0, 1].map((i) => ({ ...(s.family?.[i] ?? {}), ...p.family[i] })) : s.family ?? [];
    const ok = rule(p, add, index, colOf('姓名'), () => {
      checkCodes(strapi, STUDENT, changes);
      p.family.forEach((m, i) => checkCodes(strapi, MEMBER, m, `家庭成员${i + 1}：`));
      checkStudentFields({ ...s, ...changes, family }, { entryAge: cfg.entryAge, today });
    });
    if (!ok) continue;
    if (familyTouched && (s.family?.length ?? 0) < 2) {
      add(p.row, colOf('家庭成员1姓名'), 'FAMILY_TOO_FEW', '家庭成员：该学生的家庭成员不足两名，请在管理后台补充后再批量修改'); p.ok = false; continue;
    }
    Object.keys(changes).forEach((k) => touched.add(k));
    if (familyTouched) p.family.forEach((m) => Object.keys(m).forEach((k) => memberKeys.add(k)));
    plans.push({ s, changes, family: familyTouched ? family : null });
  }
  return async () => {
    const sql = await sqlOf(strapi);
    const now = sql.ts(new Date());
    const keys = [...touched];
    const st = columnKinds(strapi, STUDENT, [...keys, 'updatedAt']);
    const rowsOut: Row[] = plans.map(({ s, changes }) => {
      const r: Row = { id: s.id, [st.cols.updatedAt]: now };
      for (const k of keys) r[st.cols[k]] = k in changes ? changes[k] : s[k] ?? null;
      return r;
    });
    await updateRows(sql, sql.table(STUDENT), rowsOut, st.kinds);
    const mk = [...memberKeys];
    if (mk.length) {
      const mt = columnKinds(strapi, MEMBER, mk);
      const members: Row[] = [];
      for (const { family } of plans) {
        if (!family) continue;
        for (const m of family.slice(0, 2)) {
          const r: Row = { id: m.id };
          for (const k of mk) r[mt.cols[k]] = m[k] ?? null;
          members.push(r);
        }
      }
      await updateRows(sql, sql.table(MEMBER), members, mt.kinds);
    }
    return plans.length;
  };
}

// ------------------------------------------------------------------------- sub-records
function planSubRecords(strapi: Core.Strapi, kind: SubRecordKind, rows: ParsedRow[], matched: Map<ParsedRow, Data>, add: Add, index: Map<string, number>, nameCol: number) {
  const uid = SUB_RECORD_TYPES[kind];
  const items: Array<{ s: Data; data: Data }> = [];
  for (const p of rows) {
    const s = matched.get(p);
    if (!s || !writable(p, s, add, nameCol)) continue;
    if (!p.ok) continue;
    if (!rule(p, add, index, nameCol, () => checkCodes(strapi, uid, p.record))) continue;
    items.push({ s, data: p.record });
  }
  return async () => {
    const sql = await sqlOf(strapi);
    const builder = rowBuilder(strapi, uid);
    const link = linkOf(strapi, uid, 'student');
    const ts = timestampValue(dialectOf(strapi), new Date());
    const out: Row[] = []; const links: Row[] = [];
    for (let start = 0; start < items.length; start += 5000) {
      const chunk = items.slice(start, start + 5000);
      const ids = await sql.writer.takeIds(builder.table, chunk.length);
      chunk.forEach(({ s, data }, i) => {
        out.push(builder.row({ ...data, id: ids[i], documentId: createId(), ...scopeColumnsOfRow(s), createdAt: ts, updatedAt: ts, publishedAt: ts, locale: null }));
        links.push(link.row(ids[i], s.id));
      });
      await sql.writer.insert(builder.table, out.splice(0));
      await sql.writer.insert(link.table, links.splice(0));
    }
    return items.length;
  };
}

// ------------------------------------------------------------------------- 分班 / 调班
async function planClasses(strapi: Core.Strapi, rows: ParsedRow[], matched: Map<ParsedRow, Data>, add: Add, colOf: (h: string) => number) {
  const cfg = xuejiConfig(strapi) ?? {};
  const schoolCodes = [...new Set([...matched.values()].map((s) => s.schoolCode))];
  const classes = await strapi.db.query(CLASS).findMany({ where: { schoolCode: { $in: schoolCodes } }, populate: { school: true } });
  const moves: Array<{ p: ParsedRow; s: Data; to: Data }> = [];
  for (const p of rows) {
    const s = matched.get(p);
    if (!s || !writable(p, s, add, colOf('姓名'))) continue;
    if (!IN_SCHOOL_STATUSES.includes(s.enrollmentStatus)) {
      add(p.row, colOf('姓名'), 'STUDENT_NOT_IN_SCHOOL', '学籍状态：该学生不在校（休学等），不能分班'); p.ok = false; continue;
    }
    if (!p.ok) continue;
    const grade = Number(p.student.grade ?? p.record.grade ?? s.grade);
    if (grade !== Number(s.grade)) {
      add(p.row, colOf('年级'), 'GRADE_CLASS_MISMATCH', `年级：学生在 ${s.grade} 年级，分班调班只在本年级内调整；升级、留级请办理学籍变动`); p.ok = false; continue;
    }
    const to = findClass(classes.filter((c: Data) => c.schoolCode === s.schoolCode), grade, p.classText ?? '');
    if (!to) { add(p.row, colOf('班级'), 'CLASS_NOT_FOUND', `班级：本校没有 ${grade} 年级的“${p.classText}”`); p.ok = false; continue; }
    if (s.schoolClass?.id === to.id) continue; // already there
    moves.push({ p, s, to });
  }
  // Caps: the class as it is, minus the file's moves out, plus its moves in (in file order).
  const out = new Map<number, number>();
  for (const m of moves) if (m.s.schoolClass) out.set(m.s.schoolClass.id, (out.get(m.s.schoolClass.id) ?? 0) + 1);
  const byTarget = new Map<number, typeof moves>();
  for (const m of moves) (byTarget.get(m.to.id) ?? byTarget.set(m.to.id, []).get(m.to.id)!).push(m);
  for (const [classId, list] of byTarget) {
    const cls = list[0].to;
    const count = await strapi.db.query(STUDENT).count({ where: { schoolClass: { id: classId }, enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } } });
    const base = count - (out.get(classId) ?? 0);
    try { checkClassCapacity(base, list.length, stageOfGrade(cls.grade, cls.schoolingSystem || cls.school?.schoolingSystem), cfg.classCaps); } catch (e: any) {
      if (!(e instanceof DomainError)) throw e;
      const free = Math.max(0, Number(e.details?.cap) - base);
      for (const m of list.slice(free)) { add(m.p.row, colOf('班级'), 'CLASS_FULL', `班级：${cls.name}${e.message.replace(/^[^（]*/, '')}`); m.p.ok = false; }
    }
  }
  return async () => {
    const sql = await sqlOf(strapi);
    const link = linkOf(strapi, STUDENT, 'schoolClass');
    const l = sql.link(STUDENT, 'schoolClass');
    const ids = moves.map((m) => m.s.id);
    for (let i = 0; i < ids.length; i += 5000) await sql.knex(l.table).whereIn(l.from, ids.slice(i, i + 5000)).del();
    await sql.writer.insert(link.table, moves.map((m) => link.row(m.s.id, m.to.id)));
    const st = columnKinds(strapi, STUDENT, ['updatedAt']);
    await updateRows(sql, sql.table(STUDENT), moves.map((m) => ({ id: m.s.id, [st.cols.updatedAt]: sql.ts(new Date()) })), st.kinds);
    return moves.length;
  };
}

// ------------------------------------------------------------------------- graduates
/**
 * A graduates list files graduation (毕业, change type 21) through the change engine, one request
 * per grade: graduation is decided for a whole grade, so the list must name every student of
 * the grade still on the roll (others first get their own change, e.g. 留级).
 */
async function planGraduates(strapi: Core.Strapi, o: RunOpts, rows: ParsedRow[], matched: Map<ParsedRow, Data>, add: Add, colOf: (h: string) => number) {
  if (o.caller.scope?.level !== 'school') throw importFail('FILER_NOT_ALLOWED', '毕业生名单由学校导入：学籍变动由学校提出申请，教育行政部门负责审批', 403);
  const byGrade = new Map<number, ParsedRow[]>();
  for (const p of rows) {
    const s = matched.get(p);
    if (!s || !writable(p, s, add, colOf('姓名'))) continue;
    if (s.registrationStatus !== 'registered' || !IN_SCHOOL_STATUSES.includes(s.enrollmentStatus)) {
      add(p.row, colOf('姓名'), 'STUDENT_NOT_IN_SCHOOL', '学籍状态：只有已注册的在校学生才能毕业'); p.ok = false; continue;
    }
    (byGrade.get(Number(s.grade)) ?? byGrade.set(Number(s.grade), []).get(Number(s.grade))!).push(p);
  }
  for (const [grade, list] of byGrade) {
    const onRoll = await strapi.db.query(STUDENT).count({
      where: { schoolCode: o.caller.scope.code, grade, registrationStatus: 'registered', enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } },
    });
    if (list.length < onRoll) {
      add(list[0].row, colOf('姓名'), 'GRADUATES_INCOMPLETE', `年级：${grade} 年级在校 ${onRoll} 人，名单只有 ${list.length} 人；毕业按年级整体办理，请列出全部毕业生（不毕业的学生请先办理留级等学籍变动）`);
      list[0].ok = false;
    }
  }
  return async () => {
    const engine = strapi.service('api::change-request.engine') as any;
    let n = 0;
    for (const [grade, list] of byGrade) {
      const note = list.map((p) => p.record.reason).filter(Boolean).slice(0, 3).join('；');
      await engine.file(o.caller, { type: '21', reason: `毕业生名单导入（${o.fileName}，${list.length} 人）${note ? `：${note}` : ''}`.slice(0, 2000), payload: { grade } });
      n += list.length;
    }
    return n;
  };
}
