/**
 * The change engine (DESIGN "Changes are a table"): one service runs every change type of
 * src/domain/changes — file, decide (approve / reject / return), withdraw, resubmit, reverse,
 * registration batches — by interpreting the table; it never names a type.
 *
 * Every operation is one transaction inside the system-write context: the request row is
 * claimed with a version check (`UPDATE … WHERE version = ?`), so of N concurrent decisions on a
 * step exactly one is recorded and the others get 409 CHANGE_CONFLICT; then the approval rows,
 * the effect, the notifications and the audit rows, set-based for batches.
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../../../domain/errors';
import { chinaDateOf, formatCalendarDate } from '../../../domain/dates';
import { stageOfGrade, isInitialGrade } from '../../../domain/grades';
import { SCOPE_COLUMNS, TO_SIDE_COLUMNS, scopeColumnsOfSchool, scopeColumnOf, isInScope, type UserScope } from '../../../domain/scope';
import { maskRecord, maskName } from '../../../domain/masking';
import { normalizeIdNumber } from '../../../domain/id-card';
import { KEY_FIELDS, STUDENT_FIELDS } from '../../../domain/student-fields';
import {
  changeTypeOf, chainOf, resolveSteps, resolveParty, startStep, checkPreconditions, checkPayload, proofsRequired,
  checkDecider, checkDecision, afterDecision, checkWithdraw, checkResubmit, checkReverse, isOpen, DEFAULT_RULES,
  PARTY_LABELS, STATE_LABELS, CHANGE_TYPE_BY_CODE,
  type ChangeRules, type ChangeTypeSpec, type ResolvedStep, type Decision, type StudentFacts, type FilingFacts,
} from '../../../domain/changes';
import { withSystemWrite } from '../../../server/system-write';
import { scopeOfAdmin, isSuperAdmin, inScope } from '../../../server/scope';
import { checkStudentFields, identityKeyOf } from '../../../server/write-rules';
import { sqlOf, rowsOf, updateRows, requestTitle, UID, type Sql } from '../../../server/changes/sql';
import { applyEffects, reverseEffect, type ClassRow, type EffectRecord } from '../../../server/changes/effects';
import { rowBuilder, linkOf } from '../../../seed/bulk';
import { signUploadPath, mediaUrlSecret, mediaUrlTtl, uploadPathOf } from '../../../server/media-urls';

type Row = Record<string, any>;

export interface Caller { id: number; name: string; scope: UserScope | null; superAdmin: boolean }

const fail = (code: string, message: string, details?: Row) => new DomainError(code, message, undefined, details);

/** HTTP status of each refusal; everything else is 400. */
export const STATUS_OF: Record<string, number> = {
  CHANGE_CONFLICT: 409, CHANGE_REQUEST_OPEN: 409, REVERSAL_STALE: 409,
  OUT_OF_SCOPE: 403, CHANGE_NOT_YOUR_STEP: 403, CHANGE_SELF_APPROVAL: 403, CHANGE_TWO_STEPS: 403, CHANGE_NOT_FILER: 403,
  REVERSE_COUNTY_ONLY: 403, FILER_NOT_ALLOWED: 403, NO_SCOPE: 403,
  CHANGE_NOT_FOUND: 404, STUDENT_NOT_FOUND: 404, TRANSFER_STUDENT_NOT_FOUND: 404,
};

const DOC_ID = /^[a-z0-9]{10,40}$/;
const SUBMIT_MAX = 2000;

/** Fields a registration needs (FIELDS required ones), with the photo and two family members. */
const REQUIRED_FIELDS = STUDENT_FIELDS.filter((f) => f.required && f.kind !== 'relation');

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rules = (): ChangeRules & typeof DEFAULT_RULES => ({ ...DEFAULT_RULES, ...((strapi.config.get('xueji') as any)?.changes ?? {}) });
  const caps = () => (strapi.config.get('xueji') as any)?.classCaps;
  const todayOf = (now: Date) => (rules() as any).today ?? formatCalendarDate(chinaDateOf(now));

  // ---------------------------------------------------------------- callers
  function orgOf(caller: Caller): UserScope {
    if (!caller.scope) throw fail('NO_SCOPE', caller.superAdmin ? '系统管理员不代表任何学校或教育行政部门，不能提交或审批学籍变动' : '账号未设置管辖范围');
    return caller.scope;
  }

  function canSee(caller: Caller, row: Row): boolean {
    if (caller.superAdmin && !caller.scope) return true;
    return !!caller.scope && inScope(UID.request, caller.scope, row);
  }

  // ---------------------------------------------------------------- loading
  async function loadRequest(documentId: unknown, caller: Caller): Promise<Row> {
    if (typeof documentId !== 'string' || !DOC_ID.test(documentId)) throw fail('CHANGE_NOT_FOUND', '没有找到该学籍变动申请');
    const row = await strapi.db.query(UID.request).findOne({
      where: { documentId },
      populate: { student: { select: ['id', 'documentId', 'name', 'grade', 'enrollmentStatus', 'registrationStatus'] }, fromSchool: { select: ['id', 'code', 'name'] }, toSchool: { select: ['id', 'code', 'name'] }, fromClass: { select: ['id', 'documentId', 'name', 'grade'] }, toClass: { select: ['id', 'documentId', 'name', 'grade'] } },
    });
    if (!row) throw fail('CHANGE_NOT_FOUND', '没有找到该学籍变动申请');
    if (!canSee(caller, row)) throw fail('OUT_OF_SCOPE', '超出管辖范围：只能查看和办理本辖区（本校）的学籍变动');
    return row;
  }

  const viewOf = (row: Row) => ({
    state: row.state, currentStep: row.currentStep ?? 0, steps: (row.steps ?? []) as ResolvedStep[],
    filerId: row.filerId, filerLevel: row.filerLevel, filerCode: row.filerCode,
  });

  const sidesOf = (row: Row) => ({
    from: Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, row[c]])),
    to: row.toSchoolCode ? Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, row[TO_SIDE_COLUMNS[c]]])) : null,
  });

  /** The response shape of the REST contract. */
  function present(row: Row, caller: Caller, extra: Row = {}) {
    const spec = CHANGE_TYPE_BY_CODE.get(row.type);
    const steps: ResolvedStep[] = row.steps ?? [];
    const decidesHere = caller.superAdmin || (caller.scope && steps.some((s) => s.level === caller.scope!.level && s.code === caller.scope!.code));
    let payload = row.payload ?? null;
    // 关键信息变更: the full before/after only for the approving levels; others see it masked.
    if (row.type === '51' && payload) {
      payload = decidesHere ? { ...payload, ...(extra.before ? { before: extra.before } : {}) } : { fields: maskCorrection(payload.fields ?? {}) };
      delete extra.before;
    }
    const today = todayOf(new Date());
    const cur = steps[row.currentStep ?? 0];
    // Until a transfer is approved the receiving side learns name, school and grade only.
    const fromSide = caller.superAdmin || (!!caller.scope && isInScope(caller.scope, row));
    const showFromClass = fromSide || row.state === 'approved';
    return {
      documentId: row.documentId, type: row.type, typeLabel: spec?.label, state: row.state, stateLabel: STATE_LABELS[row.state as keyof typeof STATE_LABELS],
      currentStep: row.currentStep ?? 0,
      steps: steps.map((s) => ({
        level: s.party, scopeLevel: s.level, code: s.code, label: PARTY_LABELS[s.party], due: s.due ?? null,
        ...(s.dueEstimated ? { dueEstimated: true } : {}),
        ...(s.decidedAt ? { decidedAt: s.decidedAt, decision: s.decision, decider: s.deciderName, comment: s.comment ?? null } : {}),
      })),
      waiting: isOpen(row.state) ? (row.state === 'returned' ? { level: row.filerLevel, code: row.filerCode } : cur ? { level: cur.level, code: cur.code } : null) : null,
      dueDate: row.dueDate ?? null,
      overdue: isOpen(row.state) && !!row.dueDate && String(row.dueDate) < today,
      student: row.student ? { documentId: row.student.documentId, name: row.studentName ?? row.student.name, grade: row.grade ?? row.student.grade } : row.studentName ? { name: row.studentName, grade: row.grade } : null,
      grade: row.grade ?? null,
      fromSchool: row.fromSchool ? { code: row.fromSchool.code, name: row.fromSchool.name } : null,
      toSchool: row.toSchool ? { code: row.toSchool.code, name: row.toSchool.name } : null,
      fromClass: row.fromClass && showFromClass ? { documentId: row.fromClass.documentId, name: row.fromClass.name } : null,
      toClass: row.toClass ? { documentId: row.toClass.documentId, name: row.toClass.name } : null,
      reason: row.reason, payload, pledge: row.pledge ?? null,
      filer: { name: row.filerName, level: row.filerLevel, code: row.filerCode },
      submittedAt: row.submittedAt, completedAt: row.completedAt ?? null,
      ...extra,
    };
  }

  /** Masked corrected values for those who do not decide: which fields change, not to what. */
  function maskCorrection(fields: Row): Row {
    const out: Row = {};
    for (const [k, v] of Object.entries(fields)) {
      out[k] = k === 'name' ? maskName(String(v)) : k === 'birthDate' ? `${String(v).slice(0, 4)}-**-**` : k === 'gender' || k === 'idType' ? v : (maskRecord({ [k]: v })?.[k] === v ? '***' : maskRecord({ [k]: v })?.[k]);
    }
    return out;
  }

  // ---------------------------------------------------------------- facts
  async function studentFacts(student: Row, school: Row): Promise<StudentFacts> {
    const approved = await strapi.db.query(UID.request).findMany({
      where: { student: { id: student.id }, state: 'approved', type: { $in: ['23', '25', '12', '33'] } },
      select: ['type', 'grade', 'completedAt'], orderBy: { completedAt: 'asc' },
    });
    const stage = stageOfGrade(student.grade, school.schoolingSystem);
    let suspensions = 0; let extensions = 0; let suspendedGrade: number | null = null; let primaryRepeats = 0;
    for (const r of approved) {
      if (r.type === '23' && r.grade && stageOfGrade(r.grade, school.schoolingSystem) === stage) { suspensions += 1; extensions = 0; suspendedGrade = r.grade; }
      if (r.type === '25') extensions += 1;
      if (r.type === '33' && r.grade && stageOfGrade(r.grade, school.schoolingSystem) === 'primary') primaryRepeats += 1;
    }
    return {
      registrationStatus: student.registrationStatus, enrollmentStatus: student.enrollmentStatus, grade: Number(student.grade),
      schoolingSystem: school.schoolingSystem, schoolCategory: school.category, suspensions, extensions, suspendedGrade, primaryRepeats,
    };
  }

  /** The open request that holds a student (or its grade), for the refusal message. */
  async function openRequestOf(openKeys: string[]): Promise<Row | null> {
    return strapi.db.query(UID.request).findOne({ where: { openKey: { $in: openKeys } }, select: ['documentId', 'type', 'state'] });
  }

  const heldError = (held: Row) => fail('CHANGE_REQUEST_OPEN',
    `异动中：该学生已有在办的“${CHANGE_TYPE_BY_CODE.get(held.type)?.label ?? held.type}”申请（${held.documentId}），办结或撤回后才能提交新的申请`,
    { holder: held.documentId });

  /** Missing fields, photo, family and 查重 of a draft student (SPEC §3). */
  async function registrationProblems(s: Row): Promise<DomainError[]> {
    const out: DomainError[] = [];
    const missing = REQUIRED_FIELDS.filter((f) => s[f.key] === undefined || s[f.key] === null || s[f.key] === '').map((f) => f.label);
    if (s.idType === '1' && !s.idNumber) missing.push('身份证件号');
    if (missing.length) out.push(fail('REGISTRATION_INCOMPLETE', `信息不完整：${missing.join('、')}未填写`, { fields: missing }));
    if (!s.photo) out.push(fail('REGISTRATION_PHOTO_MISSING', '缺少入学照片（起始年级必须采集照片）'));
    if ((s.family ?? []).length < 2) out.push(fail('FAMILY_TOO_FEW', '至少填写两名家庭成员（孤儿或单亲可填亲属或监护教师）'));
    try { checkStudentFields(s, { entryAge: (strapi.config.get('xueji') as any)?.entryAge }); } catch (e) { if (e instanceof DomainError) out.push(e); else throw e; }
    const key = s.idNumber ? identityKeyOf(s) : null;
    if (key) {
      // 查重 at once against every record: one lookup on the unique identity-key index
      // (own ID numbers of every document type share the 'P:' form).
      const dup = await strapi.db.query(UID.student).findOne({ where: { identityKey: key, id: { $ne: s.id } }, select: ['id', 'schoolCode'] });
      if (dup) out.push(fail('STUDENT_DUPLICATE', `身份证号已被注册（学校标识码 ${dup.schoolCode}），一人只能有一个学籍`));
    }
    return out;
  }

  // ---------------------------------------------------------------- writing
  interface NewRequest {
    spec: ChangeTypeSpec; student?: Row | null; studentName?: string | null; grade: number;
    fromSchool: Row; fromClass?: Row | null; toSchool?: Row | null; toClass?: Row | null;
    reason: string; payload?: Row | null; pledge?: Row | null; proofs?: number[]; openKey: string;
  }

  /** Inserts requests set-based (one code path for one and for a class of 2,000). */
  async function insertRequests(sql: Sql, caller: Caller, items: NewRequest[], now: Date): Promise<Row[]> {
    const org = orgOf(caller);
    const today = todayOf(now);
    const cal = rules().calendar;
    const builder = rowBuilder(strapi, UID.request);
    const ids = await sql.writer.takeIds(builder.table, items.length);
    const docIds = sql.newDocumentIds(items.length);
    const rows: Row[] = []; const created: Row[] = [];
    const links: Record<string, Row[]> = { student: [], fromSchool: [], toSchool: [], fromClass: [], toClass: [] };
    const L = Object.fromEntries(Object.keys(links).map((k) => [k, linkOf(strapi, UID.request, k)]));
    items.forEach((it, i) => {
      const from = scopeColumnsOfSchool(it.fromSchool as any);
      const to = it.toSchool ? scopeColumnsOfSchool(it.toSchool as any) : null;
      const stage = stageOfGrade(it.grade, it.fromSchool.schoolingSystem);
      const steps = startStep(resolveSteps(chainOf(it.spec, stage, rules()), from, to), 0, today, cal);
      const data: Row = {
        id: ids[i], documentId: docIds[i], type: it.spec.code, reason: it.reason, payload: it.payload ?? null,
        title: requestTitle(it.spec.label, it.studentName ?? it.student?.name, it.grade, today),
        studentName: it.studentName ?? it.student?.name ?? null, grade: it.grade,
        state: 'pending', currentStep: 0, steps, dueDate: steps[0]?.due ?? null, submittedAt: sql.ts(now), completedAt: null,
        filerName: caller.name, pledge: it.pledge ?? null, filerId: caller.id, filerLevel: org.level, filerCode: org.code,
        waitingLevel: steps[0]?.level ?? null, waitingCode: steps[0]?.code ?? null, effect: null, version: 0, openKey: it.openKey,
        ...from, ...Object.fromEntries(SCOPE_COLUMNS.map((c) => [TO_SIDE_COLUMNS[c], (to as any)?.[c] ?? null])),
        createdAt: sql.ts(now), updatedAt: sql.ts(now), publishedAt: sql.ts(now),
      };
      rows.push(builder.row(data));
      if (it.student) links.student.push(L.student.row(ids[i], it.student.id));
      links.fromSchool.push(L.fromSchool.row(ids[i], it.fromSchool.id));
      if (it.fromClass) links.fromClass.push(L.fromClass.row(ids[i], it.fromClass.id));
      if (it.toSchool) links.toSchool.push(L.toSchool.row(ids[i], it.toSchool.id));
      if (it.toClass) links.toClass.push(L.toClass.row(ids[i], it.toClass.id));
      created.push({ ...data, student: it.student, fromSchool: it.fromSchool, toSchool: it.toSchool, fromClass: it.fromClass, toClass: it.toClass });
    });
    try {
      await sql.writer.insert(builder.table, rows);
    } catch (e: any) {
      if (/open_key|UNIQUE|23505/i.test(`${e?.code} ${e?.message} ${e?.detail}`)) throw fail('CHANGE_REQUEST_OPEN', '异动中：该学生已有在办的学籍变动申请，办结或撤回后才能提交新的申请');
      throw e;
    }
    for (const [k, list] of Object.entries(links)) await sql.writer.insert(L[k].table, list);
    for (const [i, it] of items.entries()) {
      if (it.proofs?.length) await strapi.db.query(UID.request).update({ where: { id: ids[i] }, data: { proofs: it.proofs } });
    }
    return created;
  }

  interface Note { row: Row; level: string; code: string; kind: string; message: string; due?: string | null }

  /** Columns of the side (student's or receiving) a recipient belongs to. */
  function recipientColumns(level: string, code: string, row: Row): Row {
    const col = scopeColumnOf(level as any);
    const from = Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, row[c]]));
    const to = Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, row[TO_SIDE_COLUMNS[c]]]));
    return from[col] === code ? from : to[col] === code ? to : {};
  }

  async function notify(sql: Sql, notes: Note[], now: Date): Promise<void> {
    if (!notes.length) return;
    const builder = rowBuilder(strapi, UID.notification);
    const ids = await sql.writer.takeIds(builder.table, notes.length);
    const docIds = sql.newDocumentIds(notes.length);
    const link = linkOf(strapi, UID.notification, 'changeRequest');
    const rows: Row[] = []; const links: Row[] = [];
    notes.forEach((n, i) => {
      const sideCols = recipientColumns(n.level, n.code, n.row);
      const cols: Row = {};
      // A bureau's notification carries its region's columns only; a school's all four.
      const depth = SCOPE_COLUMNS.indexOf(scopeColumnOf(n.level as any));
      SCOPE_COLUMNS.forEach((c, j) => { cols[c] = j <= depth ? sideCols[c] ?? null : null; });
      rows.push(builder.row({
        id: ids[i], documentId: docIds[i], kind: n.kind, message: n.message, recipientLevel: n.level, recipientCode: n.code,
        dueDate: n.due ?? null, readAt: null, ...cols, createdAt: sql.ts(now), updatedAt: sql.ts(now), publishedAt: sql.ts(now),
      }));
      links.push(link.row(ids[i], n.row.id));
    });
    await sql.writer.insert(builder.table, rows);
    await sql.writer.insert(link.table, links);
  }

  async function audit(sql: Sql, caller: Caller, entries: Array<{ row: Row; action: string; changes: Row }>, now: Date): Promise<void> {
    if (!entries.length) return;
    const builder = rowBuilder(strapi, UID.audit);
    const ids = await sql.writer.takeIds(builder.table, entries.length);
    const docIds = sql.newDocumentIds(entries.length);
    const ctx: any = strapi.requestContext.get();
    await sql.writer.insert(builder.table, entries.map((e, i) => builder.row({
      id: ids[i], documentId: docIds[i], action: e.action, subjectType: UID.request, subjectId: e.row.documentId,
      actorId: caller.id, actorName: caller.name, actorKind: 'admin', ip: ctx?.request?.ip ?? null, at: sql.ts(now),
      changes: e.changes, ...Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, e.row[c] ?? null])),
      createdAt: sql.ts(now), updatedAt: sql.ts(now), publishedAt: sql.ts(now),
    })));
  }

  const subjectName = (row: Row) => row.studentName ? `学生 ${row.studentName}` : `${row.grade} 年级`;
  const typeLabel = (row: Row) => CHANGE_TYPE_BY_CODE.get(row.type)?.label ?? row.type;

  /** To-do of the party a request now waits for; notices to the schools concerned. */
  function notesFor(event: 'filed' | 'next' | 'approved' | 'rejected' | 'returned' | 'withdrawn' | 'resubmitted' | 'reversed', row: Row, comment?: string): Note[] {
    const steps: ResolvedStep[] = row.steps ?? [];
    const cur = steps[row.currentStep ?? 0];
    const what = `${typeLabel(row)}：${subjectName(row)}`;
    const out: Note[] = [];
    const filer = { level: row.filerLevel, code: row.filerCode };
    const fromSchool = { level: 'school', code: row.schoolCode };
    const toSchool = row.toSchoolCode ? { level: 'school', code: row.toSchoolCode } : null;
    const push = (to: { level: string; code: string } | null, kind: string, message: string, due?: string | null) => {
      if (to?.code && !out.some((n) => n.level === to.level && n.code === to.code)) out.push({ row, level: to.level, code: to.code, kind, message, due });
    };
    switch (event) {
      case 'filed': case 'next': case 'resubmitted':
        if (cur) push(cur, 'todo', `待审批：${what}，请于 ${cur.due} 前办理`, cur.due);
        // The sending school learns of a transfer out filed elsewhere.
        if (event === 'filed' && row.filerCode !== row.schoolCode) push(fromSchool, 'info', `${typeLabel(row)}：${subjectName(row)} 已由 ${row.toSchool?.name ?? '转入学校'} 提出申请`);
        break;
      case 'approved':
        push(filer, 'done', `已办结：${what}`);
        push(fromSchool, 'done', `已办结：${what}`);
        push(toSchool, 'done', `已办结：${what}`);
        break;
      case 'rejected':
        push(filer, 'rejected', `未通过：${what}。理由：${comment ?? ''}`);
        push(fromSchool, 'rejected', `未通过：${what}`);
        break;
      case 'returned':
        push(filer, 'todo', `退回修改：${what}。意见：${comment ?? ''}`);
        break;
      case 'withdrawn':
        if (cur) push(cur, 'info', `已撤回：${what}`);
        push(fromSchool, 'info', `已撤回：${what}`);
        break;
      case 'reversed':
        push(filer, 'info', `已纠错撤销：${what}。理由：${comment ?? ''}`);
        push(fromSchool, 'info', `已纠错撤销：${what}`);
        push(toSchool, 'info', `已纠错撤销：${what}`);
        break;
    }
    return out;
  }

  /** Writes the new workflow state of requests, version-checked: the claim that decides races. */
  async function claim(sql: Sql, updates: Array<{ row: Row; set: Row }>, now: Date): Promise<void> {
    const table = sql.table(UID.request);
    const tsKind = sql.dialect === 'postgres' ? 'timestamp' : 'int';
    const rows = updates.map(({ row, set }) => ({
      id: row.id, version: row.version ?? 0,
      state: set.state ?? row.state, current_step: set.currentStep ?? row.currentStep ?? 0, steps: set.steps ?? row.steps,
      due_date: set.dueDate !== undefined ? set.dueDate : row.dueDate ?? null,
      waiting_level: set.waitingLevel !== undefined ? set.waitingLevel : row.waitingLevel ?? null,
      waiting_code: set.waitingCode !== undefined ? set.waitingCode : row.waitingCode ?? null,
      open_key: set.openKey !== undefined ? set.openKey : row.openKey ?? null,
      completed_at: set.completedAt !== undefined ? (set.completedAt ? sql.ts(set.completedAt) : null) : row.completedAt ? sql.ts(new Date(row.completedAt)) : null,
      effect: set.effect !== undefined ? set.effect : row.effect ?? null,
      updated_at: sql.ts(now),
    }));
    // `version` is the guard; the new version is written from next_version.
    const kinds = {
      id: 'int', version: 'int', state: 'text', current_step: 'int', steps: 'json', due_date: 'date', waiting_level: 'text', waiting_code: 'text',
      open_key: 'text', completed_at: tsKind, effect: 'json', updated_at: tsKind,
    } as const;
    const done = await updateRows(sql, table, rows, kinds as any, 'version', (t) => `"version" = ${t}."version" + 1`);
    if (done.length !== rows.length) {
      const lost = rows.filter((r) => !done.includes(r.id)).map((r) => updates.find((u) => u.row.id === r.id)!.row.documentId);
      throw fail('CHANGE_CONFLICT', '该申请刚刚已被他人处理，请刷新后查看最新状态', { conflicts: lost });
    }
  }

  async function approvals(sql: Sql, caller: Caller, items: Array<{ row: Row; step: number; level: string; decision: Decision; comment: string | null }>, now: Date): Promise<void> {
    const builder = rowBuilder(strapi, UID.approval);
    const ids = await sql.writer.takeIds(builder.table, items.length);
    const docIds = sql.newDocumentIds(items.length);
    const link = linkOf(strapi, UID.approval, 'changeRequest');
    await sql.writer.insert(builder.table, items.map((it, i) => builder.row({
      id: ids[i], documentId: docIds[i], step: it.step, level: it.level, decision: it.decision, comment: it.comment,
      deciderId: caller.id, deciderName: caller.name, decidedAt: sql.ts(now),
      ...Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, it.row[c] ?? null])),
      createdAt: sql.ts(now), updatedAt: sql.ts(now), publishedAt: sql.ts(now),
    })));
    await sql.writer.insert(link.table, items.map((it, i) => link.row(ids[i], it.row.id)));
  }

  const run = <T>(reason: string, fn: (sql: Sql, now: Date) => Promise<T>): Promise<T> =>
    withSystemWrite(reason, () => strapi.db.transaction(async () => fn(await sqlOf(strapi), new Date())) as Promise<T>);

  // ---------------------------------------------------------------- file
  async function resolveStudent(spec: ChangeTypeSpec, ref: unknown, caller: Caller, org: UserScope): Promise<Row> {
    const populate = { schoolClass: { populate: { school: true } }, school: true, photo: true, family: true };
    if (spec.filer === 'to-school') {
      // The receiving side names the student by ID number and name; it learns nothing more.
      const r = ref as Row;
      if (!r || typeof r !== 'object' || typeof r.idNumber !== 'string' || typeof r.name !== 'string') {
        throw fail('STUDENT_IDENTITY_REQUIRED', '转入申请须填写学生的身份证件号和姓名（student: { idNumber, name }）');
      }
      const s = await strapi.db.query(UID.student).findOne({ where: { identityKey: `P:${normalizeIdNumber(r.idNumber)}` }, populate });
      if (!s || s.name !== r.name.trim() || s.registrationStatus !== 'registered' || !['01', '02'].includes(s.enrollmentStatus)) {
        throw fail('TRANSFER_STUDENT_NOT_FOUND', '没有找到身份证件号与姓名一致的在校学生（省内转学只能转入已注册的在校生；跨省转入请用“转入(跨省)”）');
      }
      return s;
    }
    if (typeof ref !== 'string' || !DOC_ID.test(ref)) throw fail('STUDENT_REQUIRED', '请指定学生（student：学生的 documentId）');
    const s = await strapi.db.query(UID.student).findOne({ where: { documentId: ref }, populate });
    if (!s) throw fail('STUDENT_NOT_FOUND', '没有找到该学生');
    if (!inScope(UID.student, org, s)) throw fail('OUT_OF_SCOPE', '超出管辖范围：只能为本校学生提交学籍变动');
    return s;
  }

  async function loadClass(ref: unknown, label: string): Promise<Row> {
    if (typeof ref !== 'string' || !DOC_ID.test(ref)) throw fail('CLASS_REQUIRED', `请选择${label}（toClass：班级的 documentId）`);
    const cls = await strapi.db.query(UID.cls).findOne({ where: { documentId: ref }, populate: { school: true } });
    if (!cls?.school) throw fail('CLASS_NOT_FOUND', `没有找到${label}`);
    return cls;
  }

  function checkText(v: unknown, label: string, max: number, required: boolean): string | null {
    if (v === undefined || v === null || v === '') {
      if (required) throw fail('FIELD_REQUIRED', `${label}：必须填写`);
      return null;
    }
    if (typeof v !== 'string') throw fail('FIELD_TYPE', `${label}：应为文本`);
    if (v.length > max) throw fail('INPUT_TOO_LONG', `${label}：最多 ${max} 个字`);
    return v.trim();
  }

  /** Proof files must exist and be the caller's own uploads (media scope). */
  async function checkProofs(raw: unknown, org: UserScope): Promise<number[]> {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw) || raw.length > 20 || raw.some((x) => !Number.isInteger(Number(x)) || Number(x) < 1)) throw fail('PROOFS_INVALID', '证明材料应为已上传文件的编号列表（最多 20 个）');
    const ids = [...new Set(raw.map(Number))];
    if (!ids.length) return [];
    const files = await strapi.db.query(UID.file).findMany({ where: { id: { $in: ids } }, select: ['id', ...SCOPE_COLUMNS] });
    if (files.length !== ids.length) throw fail('PROOF_NOT_FOUND', '证明材料：有文件不存在');
    if (files.some((f: Row) => !inScope(UID.file, org, f))) throw fail('OUT_OF_SCOPE', '证明材料：只能附本单位上传的文件');
    return ids;
  }

  /** Key-field correction payload: only key fields, changed, and a record that passes every field rule. */
  function checkCorrection(student: Row, payload: Row | null | undefined): Row {
    const fields = payload?.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields) || !Object.keys(fields).length) {
      throw fail('CORRECTION_FIELDS_REQUIRED', '请在 payload.fields 中填写更正后的关键信息（姓名、性别、出生日期、身份证件类型、身份证件号、照片）');
    }
    const allowed = KEY_FIELDS.filter((k) => k !== 'studentNumber') as readonly string[];
    const clean: Row = {};
    for (const [k, v] of Object.entries(fields)) {
      if (!allowed.includes(k)) throw fail('CORRECTION_FIELD_NOT_KEY', `“${k}”不是关键信息；其他信息由学校直接维护`);
      if (k === 'photo') { if (!Number.isInteger(v)) throw fail('PAYLOAD_INVALID', '照片：应为已上传文件的编号'); }
      else if (typeof v !== 'string' || !v.trim() || v.length > 50) throw fail('PAYLOAD_INVALID', `“${k}”：应为不超过 50 字的文本`);
      const same = k === 'photo' ? student.photo?.id === v : String(student[k] ?? '') === String(v).trim();
      if (!same) clean[k] = typeof v === 'string' ? v.trim() : v;
    }
    if (!Object.keys(clean).length) throw fail('CORRECTION_NO_CHANGE', '更正后的信息与现有信息相同');
    const merged = { ...student, ...clean };
    checkStudentFields(merged, { entryAge: undefined }); // ID check digit, agreement with birth date and gender
    return { fields: clean };
  }

  /**
   * The rules a request must pass on its facts and its payload, on filing and again on a
   * resubmission (a returned request may come back with another payload): the type's
   * preconditions and the payload's fields. `self`: the request resubmitted, not counted
   * against its own limits.
   */
  async function filingProblems(a: { spec: ReturnType<typeof changeTypeOf>; student: Row | null; fromSchool: Row; fromClass: Row | null; toSchool: Row | null; toClass: Row | null; grade: number; payload: Row | null; today: string; self?: number }): Promise<DomainError[]> {
    const { spec, student, fromSchool, fromClass, toSchool, toClass, grade, today } = a;
    const facts: FilingFacts = { today, ownSchoolCode: fromSchool.code, payload: a.payload ?? undefined };
    if (student) facts.student = await studentFacts(student, fromSchool);
    if (spec.subject === 'grade') {
      const n = await strapi.db.query(UID.student).count({ where: { schoolCode: fromSchool.code, grade, enrollmentStatus: '01', registrationStatus: 'registered' } });
      facts.grade = { grade, schoolingSystem: fromSchool.schoolingSystem, schoolCategory: fromSchool.category, schoolType: fromSchool.schoolType, inSchool: n };
    }
    if (toSchool || toClass) {
      const central = (s: Row) => s?.centralSchool?.id ?? s?.id;
      const [x, y] = await Promise.all([fromSchool, toSchool].map((s) => (s ? strapi.db.query(UID.school).findOne({ where: { id: s.id }, populate: { centralSchool: true } }) : null)));
      facts.target = { schoolCode: (toSchool ?? fromSchool).code, classGrade: toClass ? Number(toClass.grade) : undefined, sameDistrict: !!(x && y && (x.centralSchool || y.centralSchool) && central(x) === central(y)) };
    }
    if (spec.requires.includes('repeatLimits') && student) {
      const yearStart = `${Number(today.slice(0, 4)) - (today.slice(5) < '08-01' ? 1 : 0)}-08-01`;
      const where = (extra: Row) => ({ type: '33', state: { $in: ['pending', 'returned', 'approved'] }, submittedAt: { $gte: new Date(`${yearStart}T00:00:00+08:00`) }, ...(a.self ? { id: { $ne: a.self } } : {}), ...extra });
      facts.repeats = {
        inClass: await strapi.db.query(UID.request).count({ where: where({ fromClass: { id: fromClass?.id } }) }),
        inSchool: await strapi.db.query(UID.request).count({ where: where({ schoolCode: fromSchool.code }) }),
        schoolSize: await strapi.db.query(UID.student).count({ where: { schoolCode: fromSchool.code, enrollmentStatus: '01', registrationStatus: 'registered' } }),
      };
    }
    const stage = stageOfGrade(grade, fromSchool.schoolingSystem);
    return [...checkPreconditions(spec, facts, rules()), ...checkPayload(spec, a.payload ?? undefined, stage)];
  }

  async function file(caller: Caller, body: Row): Promise<Row> {
    const org = orgOf(caller);
    if (org.level !== 'school') throw fail('FILER_NOT_ALLOWED', '学籍变动由学校提出申请；教育行政部门负责审批');
    const spec = changeTypeOf(body.type);
    const reason = checkText(body.reason, '变动原因', 2000, true)!;
    const payloadIn = body.payload === undefined || body.payload === null ? null : body.payload;
    if (payloadIn !== null && (typeof payloadIn !== 'object' || Array.isArray(payloadIn))) throw fail('PAYLOAD_INVALID', 'payload 应为对象');
    if (payloadIn && JSON.stringify(payloadIn).length > 10000) throw fail('INPUT_TOO_LONG', 'payload 过大');
    const proofs = await checkProofs(body.proofs, org);
    const now = new Date();
    const today = todayOf(now);

    // Subject: a student (or draft), or a whole grade of the caller's school.
    let student: Row | null = null; let fromSchool: Row; let grade: number; let fromClass: Row | null = null;
    if (spec.subject === 'grade') {
      fromSchool = await strapi.db.query(UID.school).findOne({ where: { code: org.code } });
      grade = Number(payloadIn?.grade);
      if (!Number.isInteger(grade) || grade < 1 || grade > 12) throw fail('PAYLOAD_INVALID', '年级：payload.grade 应为 1–12 的整数');
    } else {
      student = await resolveStudent(spec, body.student, caller, org);
      fromSchool = student.schoolClass?.school ?? student.school;
      fromClass = student.schoolClass ?? null;
      grade = Number(student.grade);
    }
    // Filer: the student's school, or the receiving school.
    let toSchool: Row | null = null; let toClass: Row | null = null;
    if (spec.filer === 'to-school') toSchool = await strapi.db.query(UID.school).findOne({ where: { code: org.code } });
    else if (!fromSchool || fromSchool.code !== org.code) throw fail('OUT_OF_SCOPE', '只能为本校学生提交学籍变动');
    if (spec.target === 'school-and-class' && spec.filer !== 'to-school') {
      const code = checkText(body.toSchool, '转入学校', 10, true);
      toSchool = await strapi.db.query(UID.school).findOne({ where: { code } });
      if (!toSchool) throw fail('SCHOOL_NOT_FOUND', `没有找到学校标识码为 ${code} 的学校`);
    }
    if (spec.target) {
      toClass = await loadClass(body.toClass, spec.target === 'class' ? '编入班级' : '转入班级');
      const owner = toSchool ?? fromSchool;
      if (toClass.school.id !== owner.id) throw fail('CLASS_NOT_OF_SCHOOL', `所选班级不属于${toSchool ? '转入学校' : '本校'}`);
    }

    const problems = await filingProblems({ spec, student, fromSchool, fromClass, toSchool, toClass, grade, payload: payloadIn, today });
    const stage = stageOfGrade(grade, fromSchool.schoolingSystem);
    if (proofsRequired(spec, stage) && !proofs.length) problems.push(fail('PROOFS_REQUIRED', `请上传证明材料：${spec.proofs?.what}`));
    let payload: Row | null = payloadIn;
    if (spec.effect.kind === 'correct' && student) payload = checkCorrection(student, payloadIn);
    if (spec.subject === 'draft' && student) problems.push(...(await registrationProblems(student)));
    if (problems.length) throw withAll(problems);

    // One open request per student (and per grade for whole-grade requests).
    const gradeKey = `G:${fromSchool.code}:${grade}`;
    const openKey = student ? student.documentId : gradeKey;
    const held = await openRequestOf(student ? [student.documentId, gradeKey] : [gradeKey]);
    if (held) throw heldError(held);
    if (spec.subject === 'grade') {
      // Graduation (or a batch transfer) waits until no student of the grade has a request open.
      const open = rowsOf(await strapi.db.connection.raw(
        `SELECT r.document_id FROM "${strapi.db.metadata.get(UID.request as any).tableName}" r WHERE r.open_key IS NOT NULL AND r.school_code = ? AND r.grade = ? LIMIT 1`, [fromSchool.code, grade]));
      if (open.length) throw fail('GRADUATION_BLOCKED', `本年级还有在办的学籍变动申请（${open[0].document_id}），办结后才能提交${spec.label}`, { holder: open[0].document_id });
    }

    return run(`change.file ${spec.code}`, async (sql, at) => {
      const [row] = await insertRequests(sql, caller, [{
        spec, student, grade, fromSchool, fromClass, toSchool, toClass, reason, payload, proofs, openKey,
        pledge: body.pledge ? { principal: checkText((body.pledge as Row).principal, '校长姓名', 50, true), confirmedAt: at.toISOString() } : null,
      }], at);
      if (spec.subject === 'draft' && student) {
        await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET registration_status = 'submitted' WHERE id = ?`, [student.id]);
      }
      await notify(sql, notesFor('filed', row), at);
      await audit(sql, caller, [{ row, action: 'change.file', changes: { type: spec.code, state: { before: null, after: 'pending' } } }], at);
      return present(row, caller);
    }).catch(async (e) => {
      if (e instanceof DomainError && e.code === 'CHANGE_REQUEST_OPEN') {
        const h = await openRequestOf([openKey]);
        if (h) throw heldError(h);
      }
      throw e;
    });
  }

  /** Several problems: the first is the message, all of them are in details.errors. */
  function withAll(problems: DomainError[]): DomainError {
    const first = problems[0];
    return new DomainError(first.code, first.message, first.field, { ...(first.details ?? {}), errors: problems.map((p) => p.toJSON()) });
  }

  // ---------------------------------------------------------------- registration batches
  async function submitRegistrations(caller: Caller, body: Row): Promise<Row> {
    const org = orgOf(caller);
    if (org.level !== 'school') throw fail('FILER_NOT_ALLOWED', '新生注册由学校提交');
    const ids = body.students;
    if (!Array.isArray(ids) || !ids.length || ids.length > SUBMIT_MAX || ids.some((x) => typeof x !== 'string' || !DOC_ID.test(x))) {
      throw fail('STUDENTS_INVALID', `students 应为 1–${SUBMIT_MAX} 个学生 documentId`);
    }
    const principal = checkText(body.pledge?.principal, '诚信承诺：校长姓名', 50, true);
    const unique = [...new Set(ids as string[])];
    const students = await strapi.db.query(UID.student).findMany({
      where: { documentId: { $in: unique } },
      populate: { schoolClass: { populate: { school: true } }, school: true, photo: true, family: true },
    });
    if (students.length !== unique.length) throw fail('STUDENT_NOT_FOUND', '有学生不存在', { missing: unique.filter((d) => !students.some((s: Row) => s.documentId === d)) });
    const errorsOut: Row[] = [];
    for (const s of students) {
      if (s.schoolCode !== org.code) { errorsOut.push({ student: s.documentId, name: s.name, code: 'OUT_OF_SCOPE', message: '不是本校学生' }); continue; }
      const school = s.schoolClass?.school ?? s.school;
      const problems = checkPreconditions(changeTypeOf('11'), { today: todayOf(new Date()), student: await studentFacts(s, school) }, rules());
      problems.push(...(await registrationProblems(s)));
      for (const p of problems) errorsOut.push({ student: s.documentId, name: s.name, code: p.code, message: p.message });
    }
    const keys = students.map((s: Row) => s.documentId);
    const held = await strapi.db.query(UID.request).findMany({ where: { openKey: { $in: keys } }, select: ['documentId', 'openKey', 'type'] });
    for (const h of held) errorsOut.push({ student: h.openKey, code: 'CHANGE_REQUEST_OPEN', message: `已有在办申请（${h.documentId}）`, holder: h.documentId });
    if (errorsOut.length) {
      throw fail(errorsOut[0].code === 'OUT_OF_SCOPE' ? 'OUT_OF_SCOPE' : 'REGISTRATION_CHECK_FAILED', `${errorsOut.length} 项检查未通过，未提交任何学生：${errorsOut[0].name ?? ''}${errorsOut[0].message}`, { errors: errorsOut });
    }
    return run('registration.submit', async (sql, at) => {
      const pledge = { principal, confirmedAt: at.toISOString(), count: students.length };
      const items: NewRequest[] = students.map((s: Row) => {
        const school = s.schoolClass?.school ?? s.school;
        // Initial grades (1, 7, 10) are new students; other grades 在校生注册 (SPEC §3).
        const code = isInitialGrade(Number(s.grade), school.schoolingSystem) ? '11' : '15';
        return { spec: changeTypeOf(code), student: s, grade: Number(s.grade), fromSchool: school, fromClass: s.schoolClass, reason: `新生注册（${s.name}）`, pledge, openKey: s.documentId };
      });
      const rows = await insertRequests(sql, caller, items, at);
      const sIds = students.map((s: Row) => s.id);
      await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET registration_status = 'submitted' WHERE id IN (${sIds.map(() => '?').join(', ')})`, sIds);
      // One to-do per reviewing bureau for the batch, not one per student.
      const first = rows[0];
      await notify(sql, [{ ...notesFor('filed', first)[0], message: `待审批：新生注册 ${rows.length} 人（${first.fromSchool?.name ?? ''}），请于 ${first.steps[0]?.due} 前办理` }].filter((n) => n.level), at);
      await audit(sql, caller, rows.map((row) => ({ row, action: 'change.file', changes: { type: row.type, pledge: { principal } } })), at);
      return { data: rows.map((r) => present(r, caller)), meta: { count: rows.length } };
    });
  }

  // ---------------------------------------------------------------- decide
  async function decideMany(caller: Caller, docIds: unknown, decisionIn: unknown, commentIn: unknown): Promise<Row[]> {
    const org = orgOf(caller);
    const decision = checkDecision(decisionIn, commentIn);
    const comment = typeof commentIn === 'string' && commentIn.trim() ? commentIn.trim() : null;
    if (!Array.isArray(docIds) || !docIds.length || docIds.length > SUBMIT_MAX || docIds.some((x) => typeof x !== 'string' || !DOC_ID.test(x))) {
      throw fail('IDS_INVALID', `ids 应为 1–${SUBMIT_MAX} 个申请 documentId`);
    }
    const unique = [...new Set(docIds as string[])];
    const rows = await strapi.db.query(UID.request).findMany({
      where: { documentId: { $in: unique } },
      populate: { student: { select: ['id', 'documentId', 'name', 'grade'] }, toClass: { select: ['id'] }, fromSchool: { select: ['id', 'code', 'name'] }, toSchool: { select: ['id', 'code', 'name'] } },
    });
    if (rows.length !== unique.length) throw fail('CHANGE_NOT_FOUND', '没有找到该学籍变动申请', { missing: unique.filter((d) => !rows.some((r: Row) => r.documentId === d)) });
    const actor = { id: caller.id, level: org.level, code: org.code };
    const problems: Row[] = [];
    for (const row of rows) {
      if (!canSee(caller, row)) { problems.push({ documentId: row.documentId, ...fail('OUT_OF_SCOPE', '超出管辖范围').toJSON() }); continue; }
      const p = deciderProblem(viewOf(row), actor);
      if (p) problems.push({ documentId: row.documentId, ...p.toJSON() });
    }
    if (problems.length) {
      const first = problems[0];
      throw new DomainError(first.code, rows.length > 1 ? `${problems.length} 项不能办理，未作任何处理：${first.message}` : first.message, undefined, rows.length > 1 ? { errors: problems } : { ...(first.details ?? {}) });
    }
    return run(`change.${decision}`, async (sql, now) => {
      const today = todayOf(now);
      const cal = rules().calendar;
      const updates: Array<{ row: Row; set: Row }> = [];
      const completed: Row[] = [];
      for (const row of rows) {
        const view = viewOf(row);
        const next = afterDecision(view, decision);
        let steps = view.steps.map((s, i) => (i === view.currentStep ? { ...s, decision, decidedAt: now.toISOString(), deciderId: caller.id, deciderName: caller.name, comment: comment ?? undefined } : s));
        const set: Row = { state: next.state, currentStep: next.currentStep };
        if (next.state === 'pending') {
          steps = startStep(steps, next.currentStep, today, cal);
          Object.assign(set, { dueDate: steps[next.currentStep].due, waitingLevel: steps[next.currentStep].level, waitingCode: steps[next.currentStep].code });
        } else if (next.state === 'returned') {
          Object.assign(set, { dueDate: null, waitingLevel: row.filerLevel, waitingCode: row.filerCode });
        } else {
          Object.assign(set, { dueDate: null, waitingLevel: null, waitingCode: null, openKey: null, completedAt: now });
        }
        set.steps = steps;
        updates.push({ row, set });
        if (next.completed) completed.push(row);
      }
      await claim(sql, updates, now);
      await approvals(sql, caller, updates.map(({ row }) => ({ row, step: row.currentStep ?? 0, level: (row.steps ?? [])[row.currentStep ?? 0]?.party, decision, comment })), now);

      // Effects of completed requests, grouped by type; what they changed goes on the request.
      const effects = new Map<number, EffectRecord>();
      const byType = new Map<string, Row[]>();
      for (const row of completed) {
        if (!byType.has(row.type)) byType.set(row.type, []);
        byType.get(row.type)!.push({ id: row.id, documentId: row.documentId, type: row.type, studentId: row.student?.id, toClassId: row.toClass?.id, schoolCode: row.schoolCode, grade: row.grade, payload: row.payload });
      }
      const classIds = [...new Set(completed.map((r) => r.toClass?.id).filter(Boolean))];
      const classes = new Map<number, ClassRow>((classIds.length ? await strapi.db.query(UID.cls).findMany({ where: { id: { $in: classIds } }, populate: { school: true } }) : []).map((c: Row) => [c.id, c as ClassRow]));
      for (const [type, list] of byType) {
        for (const [id, rec] of await applyEffects(strapi, sql, changeTypeOf(type), list, { now, classes, caps: caps() })) effects.set(id, rec);
      }
      if (effects.size) {
        await updateRows(sql, sql.table(UID.request), [...effects].map(([id, effect]) => ({ id, effect })), { id: 'int', effect: 'json' });
      }
      if (decision !== 'approve') {
        // A returned or rejected registration goes back to the school for editing.
        const regIds = rows.filter((r) => changeTypeOf(r.type).subject === 'draft' && r.student).map((r) => r.student.id);
        if (regIds.length) await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET registration_status = 'returned' WHERE id IN (${regIds.map(() => '?').join(', ')})`, regIds);
      }

      const notes: Note[] = [];
      const out: Row[] = [];
      for (const { row, set } of updates) {
        const after = { ...row, ...set };
        const event = set.state === 'approved' ? 'approved' : set.state === 'rejected' ? 'rejected' : set.state === 'returned' ? 'returned' : 'next';
        notes.push(...notesFor(event, after, comment ?? undefined));
        out.push(after);
      }
      await notify(sql, batchNotes(notes), now);
      await audit(sql, caller, updates.map(({ row, set }) => ({ row, action: `change.${decision}`, changes: { state: { before: row.state, after: set.state }, step: row.currentStep ?? 0, comment } })), now);
      return out.map((r) => present(r, caller));
    });
  }

  /** A batch decision tells each recipient once per kind, with the count. */
  function batchNotes(notes: Note[]): Note[] {
    if (notes.length <= 20) return notes;
    const by = new Map<string, Note[]>();
    for (const n of notes) {
      const k = `${n.level}:${n.code}:${n.kind}`;
      if (!by.has(k)) by.set(k, []);
      by.get(k)!.push(n);
    }
    return [...by.values()].map((list) => (list.length === 1 ? list[0] : { ...list[0], message: `${list[0].message} 等 ${list.length} 项` }));
  }

  /** Conflicts (someone decided first) are 409; not-your-step and self-approval are 403. */
  function deciderProblem(view: ReturnType<typeof viewOf>, actor: { id: number; level: string; code: string }): DomainError | null {
    const mine = (s: ResolvedStep) => s.level === actor.level && s.code === actor.code;
    if (view.state !== 'pending' && view.steps.some(mine)) {
      return fail('CHANGE_CONFLICT', `该申请已${STATE_LABELS[view.state as keyof typeof STATE_LABELS]}，请刷新后查看最新状态`, { state: view.state });
    }
    const decided = view.steps.findIndex((s, i) => mine(s) && s.decision && i !== view.currentStep);
    if (view.state === 'pending' && decided >= 0 && !mine(view.steps[view.currentStep])) {
      const s = view.steps[decided];
      return fail('CHANGE_CONFLICT', `本环节已由 ${s.deciderName ?? ''} 于 ${s.decidedAt ?? ''} 办理，请刷新后查看最新状态`);
    }
    return checkDecider(view as any, actor);
  }

  async function decide(caller: Caller, documentId: unknown, body: Row): Promise<Row> {
    if (typeof documentId !== 'string' || !DOC_ID.test(documentId)) throw fail('CHANGE_NOT_FOUND', '没有找到该学籍变动申请');
    const [out] = await decideMany(caller, [documentId], body?.decision, body?.comment); // scope checked there
    return out;
  }

  // ---------------------------------------------------------------- withdraw, resubmit, reverse
  async function withdraw(caller: Caller, documentId: unknown): Promise<Row> {
    const org = orgOf(caller);
    const row = await loadRequest(documentId, caller);
    const p = checkWithdraw(viewOf(row), { id: caller.id, level: org.level, code: org.code });
    if (p) throw p;
    return run('change.withdraw', async (sql, now) => {
      await claim(sql, [{ row, set: { state: 'cancelled', openKey: null, dueDate: null, waitingLevel: null, waitingCode: null, completedAt: now } }], now);
      if (changeTypeOf(row.type).subject === 'draft' && row.student) await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET registration_status = 'draft' WHERE id = ?`, [row.student.id]);
      const after = { ...row, state: 'cancelled' };
      await notify(sql, notesFor('withdrawn', row), now);
      await audit(sql, caller, [{ row, action: 'change.withdraw', changes: { state: { before: row.state, after: 'cancelled' } } }], now);
      return present(after, caller);
    });
  }

  async function resubmit(caller: Caller, documentId: unknown, body: Row): Promise<Row> {
    const org = orgOf(caller);
    const row = await loadRequest(documentId, caller);
    const p = checkResubmit(viewOf(row), { id: caller.id, level: org.level, code: org.code });
    if (p) throw p;
    const spec = changeTypeOf(row.type);
    const reason = body?.reason !== undefined ? checkText(body.reason, '变动原因', 2000, true) : row.reason;
    let payload = row.payload;
    if (body?.payload !== undefined) {
      if (typeof body.payload !== 'object' || Array.isArray(body.payload)) throw fail('PAYLOAD_INVALID', 'payload 应为对象');
      if (JSON.stringify(body.payload).length > 10000) throw fail('INPUT_TOO_LONG', 'payload 过大');
      payload = body.payload;
    }
    // Checked again as on filing, on the facts as they are now: a returned request may come
    // back with another payload (a suspension of 600 months was once approved this way).
    const fromSchool = await strapi.db.query(UID.school).findOne({ where: { id: row.fromSchool?.id } });
    const student = row.student ? await strapi.db.query(UID.student).findOne({ where: { id: row.student.id } }) : null;
    if (fromSchool) {
      const problems = await filingProblems({
        spec, student, fromSchool, fromClass: row.fromClass ?? null, toSchool: row.toSchool ?? null, toClass: row.toClass ?? null,
        grade: Number(row.grade ?? student?.grade), payload, today: todayOf(new Date()), self: row.id,
      });
      if (problems.length) throw withAll(problems);
    }
    // The corrected record is checked again as on filing.
    if (spec.subject === 'draft' && row.student) {
      const s = await strapi.db.query(UID.student).findOne({ where: { id: row.student.id }, populate: { photo: true, family: true, schoolClass: { populate: { school: true } } } });
      const problems = await registrationProblems(s);
      if (problems.length) throw withAll(problems);
    }
    if (spec.effect.kind === 'correct' && row.student) {
      const s = await strapi.db.query(UID.student).findOne({ where: { id: row.student.id }, populate: { photo: true } });
      payload = checkCorrection(s, payload);
    }
    return run('change.resubmit', async (sql, now) => {
      const steps = startStep((row.steps as ResolvedStep[]).map((s, i) => (i >= row.currentStep ? { ...s, decision: undefined, decidedAt: undefined, deciderId: undefined, deciderName: undefined, comment: undefined } : s)), row.currentStep, todayOf(now), rules().calendar);
      const cur = steps[row.currentStep];
      await claim(sql, [{ row, set: { state: 'pending', steps, dueDate: cur.due, waitingLevel: cur.level, waitingCode: cur.code } }], now);
      await updateRows(sql, sql.table(UID.request), [{ id: row.id, reason, payload }], { id: 'int', reason: 'text', payload: 'json' });
      if (spec.subject === 'draft' && row.student) await sql.knex.raw(`UPDATE "${sql.table(UID.student)}" SET registration_status = 'submitted' WHERE id = ?`, [row.student.id]);
      const after = { ...row, state: 'pending', steps, reason, payload, dueDate: cur.due };
      await notify(sql, notesFor('resubmitted', after), now);
      await audit(sql, caller, [{ row, action: 'change.resubmit', changes: { state: { before: 'returned', after: 'pending' } } }], now);
      return present(after, caller);
    });
  }

  async function reverse(caller: Caller, documentId: unknown, body: Row): Promise<Row> {
    const org = orgOf(caller);
    const row = await loadRequest(documentId, caller);
    const spec = changeTypeOf(row.type);
    const comment = checkText(body?.comment ?? body?.reason, '纠错理由', 2000, true)!;
    const p = checkReverse(spec, { ...viewOf(row), ...sidesOf(row) } as any, { id: caller.id, level: org.level, code: org.code });
    if (p) throw p;
    return run('change.reverse', async (sql, now) => {
      const effect = row.effect as EffectRecord | null;
      await claim(sql, [{ row, set: { state: 'reversed' } }], now);
      if (effect) await reverseEffect(strapi, sql, spec, { id: row.id, documentId: row.documentId, studentId: row.student?.id }, effect, { now, caps: caps() });
      await approvals(sql, caller, [{ row, step: -1, level: 'county-correction', decision: 'reject', comment }], now);
      const after = { ...row, state: 'reversed' };
      await notify(sql, notesFor('reversed', after, comment), now);
      await audit(sql, caller, [{ row, action: 'change.reverse', changes: { state: { before: 'approved', after: 'reversed' }, comment } }], now);
      return present(after, caller);
    });
  }

  // ---------------------------------------------------------------- reading
  async function list(caller: Caller, query: Row): Promise<Row> {
    const box = query.box ?? 'all';
    if (!['todo', 'mine', 'all'].includes(box)) throw fail('BOX_INVALID', 'box 应为 todo（待我审批）、mine（我提交的）或 all（本辖区全部）');
    const where: Row[] = [];
    if (caller.scope) {
      const col = scopeColumnOf(caller.scope.level);
      where.push({ $or: [{ [col]: caller.scope.code }, { [TO_SIDE_COLUMNS[col]]: caller.scope.code }] });
    } else if (!caller.superAdmin) throw fail('NO_SCOPE', '账号未设置管辖范围');
    if (box === 'todo') {
      if (!caller.scope) return { data: [], meta: { pagination: { page: 1, pageSize: 0, total: 0, pageCount: 0 } } };
      where.push({ waitingLevel: caller.scope.level, waitingCode: caller.scope.code, state: { $in: ['pending', 'returned'] } });
    }
    if (box === 'mine') {
      if (!caller.scope) return { data: [], meta: { pagination: { page: 1, pageSize: 0, total: 0, pageCount: 0 } } };
      where.push({ filerLevel: caller.scope.level, filerCode: caller.scope.code });
    }
    if (query.type !== undefined && query.type !== '') where.push({ type: String(changeTypeOf(String(query.type)).code) });
    if (query.state !== undefined && query.state !== '') {
      if (!(String(query.state) in STATE_LABELS)) throw fail('STATE_INVALID', `state 应为 ${Object.keys(STATE_LABELS).join('、')} 之一`);
      where.push({ state: String(query.state) });
    }
    if (query.school !== undefined && query.school !== '') {
      if (!/^\d{10}$/.test(String(query.school))) throw fail('SCHOOL_INVALID', 'school 应为 10 位学校标识码');
      where.push({ $or: [{ schoolCode: String(query.school) }, { toSchoolCode: String(query.school) }] });
    }
    if (query.student !== undefined && query.student !== '') {
      if (typeof query.student !== 'string' || !DOC_ID.test(query.student)) throw fail('STUDENT_INVALID', 'student 应为学生的 documentId');
      where.push({ student: { documentId: query.student } });
    }
    const beforeOverdue = where.length ? { $and: [...where] } : {};
    if (query.overdue === 'true' || query.overdue === '1') where.push({ state: { $in: ['pending', 'returned'] }, dueDate: { $lt: todayOf(new Date()) } });
    const page = Math.max(1, Math.min(10000, Number.parseInt(String(query.page ?? '1'), 10) || 1));
    const pageSize = Math.max(1, Math.min(200, Number.parseInt(String(query.pageSize ?? '20'), 10) || 20));
    const w = where.length ? { $and: where } : {};
    const [rows, total] = await Promise.all([
      strapi.db.query(UID.request).findMany({
        where: w, orderBy: [{ dueDate: 'asc' }, { id: 'desc' }], offset: (page - 1) * pageSize, limit: pageSize, // overdue first
        populate: { student: { select: ['id', 'documentId', 'name', 'grade'] }, fromSchool: { select: ['code', 'name'] }, toSchool: { select: ['code', 'name'] }, fromClass: { select: ['documentId', 'name'] }, toClass: { select: ['documentId', 'name'] } },
      }),
      strapi.db.query(UID.request).count({ where: w }),
    ]);
    // Counts per type and overdue of the box (before the type and overdue filters), for the workbench header.
    const counts = await countsOf(beforeOverdue, query.type);
    return { data: rows.map((r: Row) => present(r, caller)), meta: { pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) }, counts } };
  }

  async function countsOf(where: Row, typeFilter: unknown): Promise<Row> {
    const w = typeFilter ? { $and: (where.$and ?? []).filter((c: Row) => !('type' in c)) } : where;
    const rows = await strapi.db.query(UID.request).findMany({ where: w, select: ['type', 'state', 'dueDate'], limit: 50000 });
    const today = todayOf(new Date());
    const byType: Record<string, number> = {};
    let overdue = 0;
    for (const r of rows) {
      byType[r.type] = (byType[r.type] ?? 0) + 1;
      if (isOpen(r.state) && r.dueDate && String(r.dueDate) < today) overdue += 1;
    }
    return { byType, overdue, total: rows.length };
  }

  async function get(caller: Caller, documentId: unknown): Promise<Row> {
    const row = await loadRequest(documentId, caller);
    const history = await strapi.db.query(UID.approval).findMany({ where: { changeRequest: { id: row.id } }, orderBy: { id: 'asc' }, select: ['step', 'level', 'decision', 'comment', 'deciderName', 'decidedAt'] });
    const proofs = await strapi.db.query(UID.request).findOne({ where: { id: row.id }, populate: { proofs: { select: ['id', 'name', 'mime', 'size', 'url', 'hash', 'ext'] } } });
    // Everyone who may see the request may open its proofs (a signed, expiring link), whichever side uploaded them.
    const sign = (f: Row) => signUploadPath(mediaUrlSecret(strapi), uploadPathOf(f), mediaUrlTtl(strapi));
    let before: Row | undefined;
    if (row.type === '51' && row.student) {
      const fields = Object.keys(row.payload?.fields ?? {});
      const s = await strapi.db.query(UID.student).findOne({ where: { id: row.student.id }, populate: { photo: true } });
      before = (row.effect as EffectRecord | null)?.correction?.before ?? Object.fromEntries(fields.map((k) => [k, k === 'photo' ? s?.photo?.id ?? null : s?.[k] ?? null]));
    }
    return present(row, caller, {
      before,
      history: history.map((h: Row) => ({ step: h.step, level: h.level, decision: h.decision, comment: h.comment, decider: h.deciderName, decidedAt: h.decidedAt })),
      proofs: (proofs?.proofs ?? []).map((f: Row) => ({ id: f.id, name: f.name, mime: f.mime, size: f.size, url: sign(f) })),
    });
  }

  // ---------------------------------------------------------------- what may be filed now
  /** Rules that depend on what the form will hold (target class, payload), not on the student. */
  const FORM_DEPENDENT = new Set(['WITHDRAWAL_COMPULSORY']);

  /** For a student of the caller's school: every type the school may file for them now, and why not the others. */
  async function options(caller: Caller, studentRef: unknown): Promise<Row> {
    const org = orgOf(caller);
    if (org.level !== 'school') throw fail('FILER_NOT_ALLOWED', '学籍变动由学校提出申请；教育行政部门负责审批');
    const spec0 = CHANGE_TYPE_BY_CODE.get('28')!;
    const student = await resolveStudent(spec0, studentRef, caller, org);
    const school = student.schoolClass?.school ?? student.school;
    const facts: FilingFacts = { today: todayOf(new Date()), ownSchoolCode: school.code, student: await studentFacts(student, school) };
    const held = await openRequestOf([student.documentId, `G:${school.code}:${student.grade}`]);
    const stage = stageOfGrade(Number(student.grade), school.schoolingSystem);
    const types = [];
    for (const spec of CHANGE_TYPE_BY_CODE.values()) {
      if (spec.subject !== 'student' || spec.filer !== 'from-school') continue;
      const reasons = held ? [heldError(held).message] : checkPreconditions(spec, facts, rules()).filter((e) => !FORM_DEPENDENT.has(e.code)).map((e) => e.message);
      types.push({
        type: spec.code, label: spec.label, allowed: reasons.length === 0, reasons,
        target: spec.target ?? null, payload: (spec.payload ?? []).map((f) => ({ ...f, required: f.required === true || (f.required === 'compulsory' && stage !== 'senior') })),
        proofs: proofsRequired(spec, stage) ? spec.proofs?.what ?? '证明材料' : null,
      });
    }
    return { student: { documentId: student.documentId, name: student.name, grade: student.grade, enrollmentStatus: student.enrollmentStatus, registrationStatus: student.registrationStatus }, holder: held?.documentId ?? null, types };
  }

  /** 新生注册 page: the school's drafts, what each still lacks, and the 查重 result. */
  async function drafts(caller: Caller): Promise<Row> {
    const org = orgOf(caller);
    if (org.level !== 'school') throw fail('FILER_NOT_ALLOWED', '新生注册由学校提交');
    const rows = await strapi.db.query(UID.student).findMany({
      where: { schoolCode: org.code, registrationStatus: { $in: ['draft', 'returned'] } },
      populate: { schoolClass: { populate: { school: true } }, school: true, photo: true, family: true }, orderBy: [{ grade: 'asc' }, { name: 'asc' }], limit: 2000,
    });
    const data = [];
    for (const s of rows) {
      const problems = await registrationProblems(s);
      data.push({ documentId: s.documentId, name: s.name, gender: s.gender, grade: s.grade, className: s.schoolClass?.name ?? null, registrationStatus: s.registrationStatus, ready: problems.length === 0, problems: problems.map((p) => ({ code: p.code, message: p.message })) });
    }
    return { data, meta: { total: data.length, ready: data.filter((d) => d.ready).length } };
  }

  // ---------------------------------------------------------------- notifications
  async function notifications(caller: Caller, query: Row): Promise<Row> {
    if (!caller.scope) return { data: [], meta: { unread: 0 } };
    const where: Row = { recipientLevel: caller.scope.level, recipientCode: caller.scope.code };
    if (query.unread === 'true' || query.unread === '1') where.readAt = { $null: true };
    const rows = await strapi.db.query(UID.notification).findMany({ where, orderBy: { id: 'desc' }, limit: 100, populate: { changeRequest: { select: ['documentId', 'type', 'state'] } } });
    const unread = await strapi.db.query(UID.notification).count({ where: { recipientLevel: caller.scope.level, recipientCode: caller.scope.code, readAt: { $null: true } } });
    return {
      data: rows.map((n: Row) => ({ id: n.documentId, kind: n.kind, message: n.message, due: n.dueDate, readAt: n.readAt, createdAt: n.createdAt, request: n.changeRequest ? { documentId: n.changeRequest.documentId, type: n.changeRequest.type, state: n.changeRequest.state } : null })),
      meta: { unread },
    };
  }

  async function markRead(caller: Caller, id: unknown): Promise<Row> {
    if (!caller.scope || typeof id !== 'string' || !DOC_ID.test(id)) throw fail('NOTIFICATION_NOT_FOUND', '没有找到该通知');
    const n = await strapi.db.query(UID.notification).findOne({ where: { documentId: id, recipientLevel: caller.scope.level, recipientCode: caller.scope.code } });
    if (!n) throw fail('NOTIFICATION_NOT_FOUND', '没有找到该通知');
    await withSystemWrite('notification.read', () => strapi.db.query(UID.notification).update({ where: { id: n.id }, data: { readAt: new Date() } }));
    return { id, readAt: new Date().toISOString() };
  }

  // ---------------------------------------------------------------- callers
  async function callerOf(ctx: any): Promise<Caller> {
    const user = ctx.state?.user;
    const superAdmin = isSuperAdmin(user);
    const scope = await scopeOfAdmin(strapi, user.id);
    const name = [user.firstname, user.lastname].filter(Boolean).join('') || user.email;
    return { id: user.id, name, scope, superAdmin };
  }

  return { file, decide, decideMany, withdraw, resubmit, reverse, list, get, submitRegistrations, notifications, markRead, options, drafts, callerOf, resolveParty, notify };
};
