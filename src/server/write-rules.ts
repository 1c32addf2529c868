/**
 * Validation and derived fields on every write that goes through the Document Service
 * (admin panel, REST, scripts): code values, region codes, ID numbers, duplicates, class caps,
 * entry age, numbers, and the scope columns (always derived, never taken from the input).
 * Bulk paths (seed, import) call the same per-record functions before their set-based insert.
 */
import type { Core } from '@strapi/strapi';
import { DomainError, fieldError } from '../domain/errors';
import { hasCode } from '../domain/code-lookup';
import { normalizeIdNumber, parseIdNumber, crossCheckIdentity } from '../domain/id-card';
import { validateRegion12, isCountyCode, regionLevel } from '../domain/regions';
import { parseSchoolCode } from '../domain/school-code';
import { scopeColumnsFor, scopeColumnsOfSchool, scopeColumnsOfRow, scopeColumnsOfRegion, SCOPE_COLUMNS, TO_SIDE_COLUMNS } from '../domain/scope';
import { gradesOfSchool, stageOfGrade, className, schoolYearOf } from '../domain/grades';
import { checkClassCapacity } from '../domain/class-caps';
import { checkEntryAge } from '../domain/entry-age';
import { formalStudentNumber, jStudentNumber, formatRegionalNumber } from '../domain/student-number';
import { IN_SCHOOL_STATUSES } from '../domain/code-tables';
import { chinaDateOf } from '../domain/dates';
import { labelTable } from '../domain/content-model';
import { relationTarget, loadRef } from './relations';
import { reserveSequence } from './sequences';
import { withDomainErrors, toHttpError } from './http-errors';
import { errors } from '@strapi/utils';
import { assertWritable } from './scope';
import { isApplyingCorrection } from './key-fields';
import { KEY_FIELDS } from '../domain/student-fields';

type Data = Record<string, any>;
const LABELS = labelTable();
const SCOPE_KEYS: readonly string[] = SCOPE_COLUMNS;

export const xuejiConfig = (strapi: Core.Strapi) => strapi.config.get('xueji') as any;

/** Every `global::code` attribute (also inside components) must hold a code of its table. */
export function checkCodes(strapi: Core.Strapi, uid: string, data: Data, prefix = ''): void {
  const model: any = strapi.getModel(uid as any);
  for (const [key, attr] of Object.entries<any>(model.attributes)) {
    const value = data[key];
    if (value === undefined || value === null || value === '') continue;
    if (attr.customField === 'global::code' && !hasCode(attr.options?.table, String(value))) {
      const label = LABELS[uid]?.[key] ?? key;
      throw fieldError('CODE_UNKNOWN', `${prefix}${label}`, `代码“${value}”不在代码表中`, { table: attr.options?.table });
    }
    if (attr.type === 'component' && Array.isArray(value)) {
      value.forEach((item: Data, i: number) => checkCodes(strapi, attr.component, item ?? {}, `${LABELS[uid]?.[key] ?? key}${i + 1}：`));
    }
  }
}

const stripScope = (data: Data) => { for (const k of SCOPE_KEYS) delete data[k]; };

async function existingRow(strapi: Core.Strapi, uid: string, documentId: string | undefined, populate?: any) {
  if (!documentId) return null;
  return strapi.db.query(uid as any).findOne({ where: { documentId }, populate });
}

// ---------------------------------------------------------------- authority
async function authorityRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  stripScope(data);
  const merged = { ...current, ...data };
  const code = merged.regionCode as string;
  const level = regionLevel(code);
  if (!level) throw fieldError('REGION_UNKNOWN', '所在地行政区划码', `“${code}”不是有效的行政区划代码`);
  if (merged.level && merged.level !== level) {
    throw fieldError('AUTHORITY_LEVEL_MISMATCH', '级别', `区划码 ${code} 是${level === 'province' ? '省级' : level === 'city' ? '市级' : '县级'}代码，与所选级别不一致`);
  }
  Object.assign(data, scopeColumnsOfRegion(level, code));
}

// ---------------------------------------------------------------- school
async function schoolRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  stripScope(data);
  const merged = { ...current, ...data };
  const parsed = parseSchoolCode(String(merged.code ?? ''));
  if (parsed.category !== merged.category) {
    throw fieldError('SCHOOL_CATEGORY_MISMATCH', '学校类别', `与学校标识码前两位（${parsed.category}）不一致`);
  }
  if (!isCountyCode(String(merged.regionCode ?? ''))) {
    throw fieldError('REGION_UNKNOWN', '所在地行政区划码', `“${merged.regionCode}”不是有效的县级行政区划代码`);
  }
  Object.assign(data, scopeColumnsFor(merged.regionCode, merged.code));
}

// ---------------------------------------------------------------- class
async function classRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  stripScope(data);
  const ref = relationTarget(data.school);
  const school = ref !== undefined ? await loadRef(strapi, 'api::school.school', ref) : current?.school;
  if (!school) throw fieldError('CLASS_SCHOOL_REQUIRED', '学校', '班级必须属于一所学校');
  const merged = { ...current, ...data };
  const system = merged.schoolingSystem || school.schoolingSystem;
  const grades = gradesOfSchool(system, school.category);
  if (!grades.includes(Number(merged.grade))) {
    throw fieldError('GRADE_NOT_TAUGHT', '年级', `${school.name}（学制 ${system}）不开设 ${merged.grade} 年级`, { grades });
  }
  data.schoolingSystem = system;
  data.name = className(Number(merged.grade), Number(merged.number), system);
  Object.assign(data, scopeColumnsOfSchool(school));
}

// ---------------------------------------------------------------- student
/** The duplicate-check key: one person, one record; siblings filed under one guardian differ. */
export function identityKeyOf(s: Data): string | null {
  if (!s.idNumber) return null;
  if (s.idIsGuardians) return `G:${s.idNumber}:${s.birthDate}:${String(s.name).trim()}`;
  return `${s.idType}:${s.idNumber}`;
}

/** Field checks that need no database: ID number, identity cross-check, regions, family, age. */
export function checkStudentFields(s: Data, rules: { entryAge?: any; today?: Date } = {}): Data {
  const out: Data = {};
  const today = rules.today ?? new Date();
  if (s.idNumber !== undefined && s.idNumber !== null && s.idNumber !== '') out.idNumber = normalizeIdNumber(s.idNumber);
  const idNumber = out.idNumber ?? s.idNumber;
  if (s.idType === '1' || s.idIsGuardians) {
    if (!idNumber) throw fieldError('ID_EMPTY', '身份证件号', '居民身份证号不能为空');
    const parsed = parseIdNumber(idNumber, { today, allowLegacy15: !!s.idIsGuardians });
    out.idNumber = parsed.id;
    if (!s.idIsGuardians) {
      const mismatches = crossCheckIdentity(parsed, { birthDate: s.birthDate, gender: s.gender });
      if (mismatches.length) throw mismatches[0];
    }
  } else if (s.idType !== 'Z' && !idNumber) {
    throw fieldError('ID_EMPTY', '身份证件号', '除“其他”类证件外，证件号不能为空');
  }
  for (const key of ['birthPlace', 'nativePlace', 'hukouRegion']) {
    if (s[key]) validateRegion12(String(s[key]), LABELS['api::student.student'][key]);
  }
  const family: Data[] = Array.isArray(s.family) ? s.family : [];
  if (family.length < 2) {
    throw fieldError('FAMILY_TOO_FEW', '家庭成员', '至少填写两名家庭成员（孤儿或单亲可填亲属或监护教师）');
  }
  family.forEach((m, i) => {
    const label = `家庭成员${i + 1}`;
    if (m.hukouRegion) validateRegion12(String(m.hukouRegion), `${label}户口所在地行政区划`);
    if (m.idNumber && (!m.idType || m.idType === '1')) {
      m.idNumber = parseIdNumber(m.idNumber, { today, allowLegacy15: true, field: `${label}身份证件号` }).id;
    }
  });
  if (s.idIsGuardians) {
    const id = out.idNumber;
    if (!family.some((m) => m.idNumber === id)) {
      throw fieldError('GUARDIAN_ID_NOT_IN_FAMILY', '身份证件号', '以监护人证件号建档时，该号码须是某位家庭成员的身份证件号');
    }
  }
  if (s.birthDate && s.grade) {
    checkEntryAge(s.birthDate, Number(s.grade), schoolYearOf(chinaDateOf(today)), rules.entryAge);
  }
  return out;
}

async function studentRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  stripScope(data);
  delete data.identityKey;
  const cfg = xuejiConfig(strapi);
  if (current?.registrationStatus === 'registered' && !isApplyingCorrection()) checkKeyFieldsUnchanged(data, current);
  const merged: Data = { ...current, ...data };
  if (data.family === undefined && current?.family) merged.family = current.family;

  // Class decides school, grade and scope.
  const classRef = relationTarget(data.schoolClass);
  const cls = classRef !== undefined
    ? await loadRef(strapi, 'api::school-class.school-class', classRef, { school: true })
    : current?.schoolClass ?? null;
  if (!cls) throw fieldError('STUDENT_CLASS_REQUIRED', '班级', '请选择班级');
  const school = cls.school ?? (await strapi.db.query('api::school-class.school-class').findOne({ where: { id: cls.id }, populate: { school: true } }))?.school;
  if (!school) throw fieldError('CLASS_SCHOOL_REQUIRED', '班级', '所选班级没有所属学校');
  if (merged.grade !== undefined && merged.grade !== null && Number(merged.grade) !== Number(cls.grade)) {
    throw fieldError('GRADE_CLASS_MISMATCH', '年级', `与所选班级（${cls.name}）的年级 ${cls.grade} 不一致`);
  }
  merged.grade = data.grade = cls.grade;

  Object.assign(data, checkStudentFields(merged, { entryAge: cfg?.entryAge }));
  merged.idNumber = data.idNumber ?? merged.idNumber;

  // Duplicate check (查重) at once; the unique index is the guard against races.
  const identityKey = identityKeyOf(merged);
  if (identityKey) {
    const dup = await strapi.db.query('api::student.student').findOne({
      where: { identityKey, ...(current ? { id: { $ne: current.id } } : {}) },
      select: ['id', 'name', 'schoolCode'],
    });
    if (dup) {
      throw fieldError('STUDENT_DUPLICATE', '身份证件号', `身份证号已被注册（学校标识码 ${dup.schoolCode}），一人只能有一个学籍`);
    }
  }
  data.identityKey = identityKey;

  // Class cap, counted over students on the roll, this one excluded.
  const movingIn = !current || current.schoolClass?.id !== cls.id;
  const status = merged.enrollmentStatus ?? '01';
  if (movingIn && IN_SCHOOL_STATUSES.includes(status)) {
    const count = await strapi.db.query('api::student.student').count({
      where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } },
    });
    checkClassCapacity(count, 1, stageOfGrade(cls.grade, cls.schoolingSystem || school.schoolingSystem), cfg?.classCaps);
  }

  data.school = school.documentId;
  Object.assign(data, scopeColumnsOfSchool(school));

  // 学籍号: G + own ID number; J number for a record filed under a guardian's or with another document.
  if (!merged.studentNumber) {
    if (merged.idType === '1' && !merged.idIsGuardians) data.studentNumber = formalStudentNumber(merged.idNumber);
    else {
      const birth = String(merged.birthDate).replace(/-/g, '');
      const seq = await reserveSequence(strapi, `J:${school.countyCode}:${birth}`);
      data.studentNumber = jStudentNumber(school.countyCode, birth, seq);
    }
  }
  // 地区学号 when the record is registered (first registration or cross-province intake).
  if (merged.registrationStatus === 'registered' && !merged.regionalNumber) {
    const year = Number(String(merged.entryYearMonth ?? '').slice(0, 4)) || new Date().getFullYear();
    const seq = await reserveSequence(strapi, `R:${school.countyCode}:${year}`);
    data.regionalNumber = formatRegionalNumber(school.countyCode, year, seq);
  }
}

/**
 * Key fields of a registered student (A §18) change only through an approved correction
 * request; every other path is refused, whatever it sends.
 */
export function checkKeyFieldsUnchanged(data: Data, current: Data): void {
  const same = (key: string, a: any, b: any) => {
    if (key === 'photo') {
      const ref = relationTarget(a);
      if (ref === undefined) return true;
      if (ref === null) return !b;
      return !!b && ((ref.id !== undefined && ref.id === b.id) || (ref.documentId !== undefined && ref.documentId === b.documentId));
    }
    if (key === 'idNumber') return normalizeIdNumber(a) === normalizeIdNumber(b);
    return String(a ?? '') === String(b ?? '');
  };
  for (const key of KEY_FIELDS) {
    if (data[key] === undefined) continue;
    if (!same(key, data[key], current[key])) {
      const label = LABELS['api::student.student'][key];
      throw fieldError('KEY_FIELD_LOCKED', label, '已注册学生的关键信息不能直接修改，请提交“关键信息变更”申请，经主管部门审核后生效', { field: key });
    }
  }
}

// ---------------------------------------------------------------- change requests
/** Scope of a request: the student's side, and the receiving school's side for transfers. */
async function changeRequestRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  for (const k of [...SCOPE_KEYS, ...Object.values(TO_SIDE_COLUMNS), 'openKey']) delete data[k];
  // The workflow's own fields move only through the change service, never by a request's data:
  // a registrar cannot mark their own request approved by editing it.
  if (strapi.requestContext.get()) {
    for (const k of WORKFLOW_FIELDS) delete data[k];
    if (!current) Object.assign(data, { state: 'pending', currentStep: 0, submittedAt: new Date() });
  }
  const ref = relationTarget(data.student);
  const student = ref !== undefined ? await loadRef(strapi, 'api::student.student', ref) : current?.student;
  if (!student) throw fieldError('STUDENT_REQUIRED', '学生', '请选择学生');
  Object.assign(data, scopeColumnsOfRow(student));
  const toRef = relationTarget(data.toSchool);
  const toSchool = toRef !== undefined ? await loadRef(strapi, 'api::school.school', toRef) : current?.toSchool;
  if (toSchool) {
    const to = scopeColumnsOfSchool(toSchool);
    for (const c of SCOPE_COLUMNS) data[TO_SIDE_COLUMNS[c]] = to[c];
  }
  const state = data.state ?? current?.state ?? 'pending';
  data.openKey = state === 'pending' ? student.documentId : null;
}

// ---------------------------------------------------------------- sub-records
async function studentSubRecordRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  stripScope(data);
  const ref = relationTarget(data.student);
  const student = ref !== undefined ? await loadRef(strapi, 'api::student.student', ref) : current?.student;
  if (!student) throw fieldError('STUDENT_REQUIRED', '学生', '请选择学生');
  Object.assign(data, scopeColumnsOfRow(student));
}

const RULES: Record<string, { rule: (s: Core.Strapi, d: Data, c: Data | null) => Promise<void>; populate?: any }> = {
  'api::authority.authority': { rule: authorityRule },
  'api::school.school': { rule: schoolRule },
  'api::school-class.school-class': { rule: classRule, populate: { school: true } },
  'api::student.student': { rule: studentRule, populate: { schoolClass: { populate: { school: true } }, family: true } },
  'api::resume-entry.resume-entry': { rule: studentSubRecordRule, populate: { student: true } },
  'api::exam-result.exam-result': { rule: studentSubRecordRule, populate: { student: true } },
  'api::evaluation.evaluation': { rule: studentSubRecordRule, populate: { student: true } },
  'api::award.award': { rule: studentSubRecordRule, populate: { student: true } },
  'api::punishment.punishment': { rule: studentSubRecordRule, populate: { student: true } },
  'api::change-request.change-request': { rule: changeRequestRule, populate: { student: true, toSchool: true } },
};

const WORKFLOW_FIELDS = ['state', 'currentStep', 'dueDate', 'submittedAt'];

/** Change types filed by the receiving school (in-province and cross-province transfer in, batch). */
const TRANSFER_IN_TYPES = new Set(['13', '14', '35']);

/** Records only the system writes (append-only or system-kept); no request may change them. */
const SYSTEM_ONLY = new Set(['api::audit-log.audit-log', 'api::approval.approval']);

/** Document Service middleware: the one entry for every create, update and delete. */
export function registerWriteRules(strapi: Core.Strapi): void {
  strapi.documents.use(async (ctx: any, next: () => Promise<any>) => {
    const isWrite = ctx.action === 'create' || ctx.action === 'update' || ctx.action === 'delete';
    if (!isWrite || !ctx.uid.startsWith('api::')) return next();
    if (SYSTEM_ONLY.has(ctx.uid) && strapi.requestContext.get()) {
      throw new errors.PolicyError('该记录由系统生成，不能新增、修改或删除', { code: 'RECORD_READ_ONLY' });
    }
    const entry = RULES[ctx.uid];
    const current = ctx.action !== 'create' && ctx.params?.documentId
      ? await existingRow(strapi, ctx.uid, ctx.params.documentId, entry?.populate) : null;
    if (ctx.action === 'delete') {
      if (current) await assertWritable(strapi, ctx.uid, [current]);
      if (ctx.uid === 'api::student.student' && current && current.registrationStatus === 'registered') {
        throw toHttpError(fieldError('STUDENT_NO_DELETE', '学生', '电子学籍档案永久保存，已注册学生不能删除；离校请办理学籍变动'));
      }
      return next();
    }
    if (ctx.action === 'update' && !current) return next();
    const data: Data = ctx.params?.data ?? {};
    await withDomainErrors(async () => {
      checkCodes(strapi, ctx.uid, data);
      if (entry) await entry.rule(strapi, data, current);
    });
    // Scope: the record as it was and as it will be must both be the caller's. Only a transfer
    // in may be filed from the receiving side; any other request is the student's school's.
    const ownSideOnly = ctx.uid === 'api::change-request.change-request' && !TRANSFER_IN_TYPES.has(String(data.type ?? current?.type));
    await assertWritable(strapi, ctx.uid, [current, entry ? data : { ...current, ...data }], { ownSideOnly });
    ctx.params.data = data;
    return next();
  });
}
