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
import { IN_SCHOOL_STATUSES, EXIT_STATUSES } from '../domain/code-tables';
import { chinaDateOf } from '../domain/dates';
import { labelTable } from '../domain/content-model';
import { relationTarget, loadRef } from './relations';
import { reserveSequence, currentKnex } from './sequences';
import { withDomainErrors, toHttpError } from './http-errors';
import { errors } from '@strapi/utils';
import { assertWritable, currentScope, inScope, scopeWhere, outOfScopeError } from './scope';
import { scopePopulate, scopeFilters, FILE_UID, targetOf as targetOfAttr } from './read-scope';
import { isSystemWrite, isApplyingCorrection } from './system-write';
import { systemFieldTable, SYSTEM_ONLY_TYPES, SCOPED_TYPES, fieldPathOf } from '../domain/content-model';
import { KEY_FIELDS } from '../domain/student-fields';

type Data = Record<string, any>;
const LABELS = labelTable();

const isPostgres = (strapi: Core.Strapi) => String((strapi.db as any).dialect?.client ?? strapi.db.config?.connection?.client ?? '').includes('postgres');

export const xuejiConfig = (strapi: Core.Strapi) => strapi.config.get('xueji') as any;

const attributeList = new WeakMap<object, Array<[string, any]>>(); // a model's attributes, listed once

/** Every `global::code` attribute (also inside components) must hold a code of its table. */
export function checkCodes(strapi: Core.Strapi, uid: string, data: Data, prefix = ''): void {
  const model: any = strapi.getModel(uid as any);
  const attrs = attributeList.get(model.attributes) ?? attributeList.set(model.attributes, Object.entries(model.attributes)).get(model.attributes)!;
  for (const [key, attr] of attrs) {
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


async function existingRow(strapi: Core.Strapi, uid: string, documentId: string | undefined, populate?: any) {
  if (!documentId) return null;
  return strapi.db.query(uid as any).findOne({ where: { documentId }, populate });
}

// ---------------------------------------------------------------- authority
async function authorityRule(strapi: Core.Strapi, data: Data, current: Data | null) {
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
  // One number, one person, whatever document type it was entered under (查重 also for 'Z' 其他).
  return `P:${normalizeIdNumber(String(s.idNumber))}`;
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
  delete data.identityKey;
  const cfg = xuejiConfig(strapi);
  if (current?.registrationStatus === 'registered' && !isApplyingCorrection()) checkKeyFieldsUnchanged(data, current);
  // A student who has left (毕业, 转出, 退学 …) keeps the record, read-only: changes go through the engine.
  if (current && EXIT_STATUSES.includes(current.enrollmentStatus) && !isSystemWrite()) {
    throw fieldError('STUDENT_RECORD_CLOSED', '学籍状态', '该学生已离校，学籍档案只读；如需恢复请办理毕业回退或恢复入学资格');
  }
  // Under review by the bureau (新生注册 submitted): the record waits for the decision.
  if (current?.registrationStatus === 'submitted' && !isSystemWrite()) {
    throw fieldError('STUDENT_UNDER_REVIEW', '注册状态', '该学生的注册申请正在审核中，审核通过或退回后才能修改');
  }
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
  // Another scope's class is refused before anything about it is said (its name, its grade).
  if (classRef !== undefined) {
    const scope = await currentScope(strapi);
    if (scope && (scope === 'none' || !inScope('api::school.school', scope, school))) throw outOfScopeError();
  }
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
  data.school = school.documentId;
  Object.assign(data, scopeColumnsOfSchool(school));
  return { cls, school, merged };
}

/**
 * After the scope check, inside the write's transaction: the class cap counted under a row lock
 * (so N concurrent enrolments cannot all take the last place), then the numbers.
 */
async function studentFinalize(strapi: Core.Strapi, data: Data, current: Data | null, facts: any) {
  const { cls, school, merged } = facts;
  const cfg = xuejiConfig(strapi);
  const movingIn = !current || current.schoolClass?.id !== cls.id;
  const status = merged.enrollmentStatus ?? '01';
  if (movingIn && IN_SCHOOL_STATUSES.includes(status)) {
    const knex = await currentKnex(strapi);
    if (isPostgres(strapi)) {
      const table = strapi.db.metadata.get('api::school-class.school-class' as any).tableName;
      await knex.raw(`SELECT id FROM "${table}" WHERE id = ? FOR UPDATE`, [cls.id]);
    }
    const count = await strapi.db.query('api::student.student').count({
      where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: IN_SCHOOL_STATUSES as any } },
    });
    checkClassCapacity(count, 1, stageOfGrade(cls.grade, cls.schoolingSystem || school.schoolingSystem), cfg?.classCaps);
  }
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
/** Scope of a request (system writes only): the student's side, and the receiving school's side. */
async function changeRequestRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  const ref = relationTarget(data.student);
  const student = ref !== undefined ? await loadRef(strapi, 'api::student.student', ref) : current?.student;
  if (!student) throw fieldError('STUDENT_REQUIRED', '学生', '请选择学生');
  Object.assign(data, scopeColumnsOfRow(student));
  const toRef = relationTarget(data.toSchool);
  const toSchool = toRef !== undefined ? await loadRef(strapi, 'api::school.school', toRef) : current?.toSchool;
  const to: Data = toSchool ? scopeColumnsOfSchool(toSchool) : {};
  for (const c of SCOPE_COLUMNS) data[TO_SIDE_COLUMNS[c]] = to[c] ?? null;
  const state = data.state ?? current?.state ?? 'pending';
  data.openKey = state === 'pending' ? student.documentId : null;
}

// ---------------------------------------------------------------- sub-records
async function studentSubRecordRule(strapi: Core.Strapi, data: Data, current: Data | null) {
  const ref = relationTarget(data.student);
  const student = ref !== undefined ? await loadRef(strapi, 'api::student.student', ref) : current?.student;
  if (!student) throw fieldError('STUDENT_REQUIRED', '学生', '请选择学生');
  Object.assign(data, scopeColumnsOfRow(student));
}

type Rule = (s: Core.Strapi, d: Data, c: Data | null) => Promise<any>;
const RULES: Record<string, { rule: Rule; finalize?: (s: Core.Strapi, d: Data, c: Data | null, facts: any) => Promise<void>; populate?: any }> = {
  'api::authority.authority': { rule: authorityRule },
  'api::school.school': { rule: schoolRule },
  'api::school-class.school-class': { rule: classRule, populate: { school: true } },
  'api::student.student': { rule: studentRule, finalize: studentFinalize, populate: { schoolClass: { populate: { school: true } }, family: true, photo: true, school: true } },
  'api::resume-entry.resume-entry': { rule: studentSubRecordRule, populate: { student: true } },
  'api::exam-result.exam-result': { rule: studentSubRecordRule, populate: { student: true } },
  'api::evaluation.evaluation': { rule: studentSubRecordRule, populate: { student: true } },
  'api::award.award': { rule: studentSubRecordRule, populate: { student: true } },
  'api::punishment.punishment': { rule: studentSubRecordRule, populate: { student: true } },
  'api::change-request.change-request': { rule: changeRequestRule, populate: { student: true, toSchool: true } },
};

// ---------------------------------------------------------------- system-kept fields
const SYSTEM_FIELDS = systemFieldTable();
const same = (a: any, b: any) => String(a ?? '') === String(b ?? '');

/**
 * A client write may not set a system-kept field: a value equal to the stored one (or, on
 * create, to the default — forms send both back) is dropped; any other value is refused.
 */
export function dropSystemFields(strapi: Core.Strapi, uid: string, data: Data, current: Data | null): void {
  const fields = SYSTEM_FIELDS[uid] ?? {};
  const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
  for (const key of Object.keys(fields)) {
    if (!(key in data)) continue;
    const value = data[key];
    const attr = attrs[key] ?? {};
    let unchanged: boolean;
    if (attr.type === 'relation') {
      const ref = relationTarget(value);
      const now = current?.[key];
      unchanged = ref === undefined || (ref === null ? !now : !!now && (ref.id === now.id || ref.documentId === now.documentId));
    } else {
      unchanged = current ? same(value, current[key]) : value === null || value === '' || same(value, attr.default);
    }
    if (!unchanged) {
      const label = LABELS[uid]?.[key] ?? key;
      throw fieldError('SYSTEM_FIELD_READ_ONLY', label, `“${label}”由系统维护，不能直接填写或修改（注册、学籍状态、学号等通过学籍业务办理）`, { field: key });
    }
    delete data[key];
  }
}

// ---------------------------------------------------------------- check what is stored
const isScopedTarget = (t?: string) => !!t && (SCOPED_TYPES.has(t) || t === FILE_UID);
const norm = (v: any) => (v === undefined || v === null ? '' : String(v));
const mismatch = (what: string) =>
  new errors.ValidationError(`保存结果与校验不一致（${what}），本次修改已撤销`, { code: 'STORED_MISMATCH', what });

/** The scope columns a stored row must carry, derived from what it is linked to. */
async function expectedColumns(strapi: Core.Strapi, uid: string, row: Data): Promise<Data | null> {
  const q = (u: string) => strapi.db.query(u as any);
  switch (uid) {
    case 'api::authority.authority': {
      const level = regionLevel(String(row.regionCode ?? ''));
      return level ? scopeColumnsOfRegion(level, row.regionCode) : null;
    }
    case 'api::school.school': return scopeColumnsFor(row.regionCode, row.code);
    case 'api::school-class.school-class': {
      if (!row.school) throw mismatch('班级未关联学校');
      return scopeColumnsOfSchool(await q('api::school.school').findOne({ where: { id: row.school.id } }));
    }
    case 'api::student.student': {
      if (!row.schoolClass) throw mismatch('学生未关联班级');
      const cls = await q('api::school-class.school-class').findOne({ where: { id: row.schoolClass.id }, populate: { school: true } });
      if (!cls?.school || row.school?.id !== cls.school.id) throw mismatch('学生所在学校与班级所属学校不一致');
      if (Number(row.grade) !== Number(cls.grade)) throw mismatch('年级与班级不一致');
      if (norm(row.identityKey) !== norm(identityKeyOf(row))) throw mismatch('查重键');
      return scopeColumnsOfSchool(cls.school);
    }
    case 'api::change-request.change-request': {
      if (!row.student) throw mismatch('申请未关联学生');
      const student = await q('api::student.student').findOne({ where: { id: row.student.id } });
      const to: Data = row.toSchool ? scopeColumnsOfSchool(await q('api::school.school').findOne({ where: { id: row.toSchool.id } })) : {};
      for (const c of SCOPE_COLUMNS) if (norm(row[TO_SIDE_COLUMNS[c]]) !== norm(to[c])) throw mismatch('转入方范围');
      return scopeColumnsOfRow(student);
    }
    case 'api::approval.approval': {
      if (!row.changeRequest) return null;
      return scopeColumnsOfRow(await q('api::change-request.change-request').findOne({ where: { id: row.changeRequest.id } }));
    }
    default: {
      const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
      if (attrs.student?.target === 'api::student.student') {
        if (!row.student) throw mismatch('记录未关联学生');
        return scopeColumnsOfRow(await q('api::student.student').findOne({ where: { id: row.student.id } }));
      }
      return null;
    }
  }
}

/**
 * Reads the stored row back inside the write's transaction and checks it: scope columns equal
 * what its links imply, and (for a scoped caller) the row and every record the write linked it
 * to lie inside the caller's scope. Any mismatch throws, which rolls the whole write back.
 */
/** In-process switch for scripts/bench/post-write-check.ts only (its baseline); no setting reaches it. */
export const storedCheck = { enabled: true };

/** Ids of the records a row links to, per attribute, for the attributes a write touches. */
async function linkedIds(strapi: Core.Strapi, uid: string, documentId: string, keys: string[]): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  if (!keys.length) return out;
  const row = await strapi.db.query(uid as any).findOne({ where: { documentId }, populate: Object.fromEntries(keys.map((k) => [k, { select: ['id'] }])) });
  for (const k of keys) out.set(k, new Set([row?.[k]].flat().filter(Boolean).map((x: any) => x.id)));
  return out;
}

const scopedLinkKeys = (strapi: Core.Strapi, uid: string, keys: string[]) => {
  const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
  return keys.filter((k) => isScopedTarget(targetOfAttr(attrs[k])));
};

/** To-one links (relations and single media) a write names: key → the record it must end up linked to. */
function namedLinks(strapi: Core.Strapi, uid: string, data: Data): Map<string, NonNullable<ReturnType<typeof relationTarget>> | null> {
  const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
  const out = new Map<string, any>();
  for (const [key, attr] of Object.entries<any>(attrs)) {
    if (!(key in data)) continue;
    const single = (attr.type === 'relation' && /^(manyToOne|oneToOne)$/.test(attr.relation)) || (attr.type === 'media' && !attr.multiple);
    const t = targetOfAttr(attr);
    if (!single || !t || !(t.startsWith('api::') || t === FILE_UID)) continue; // ours (createdBy is Strapi's)
    const ref = relationTarget(data[key]);
    if (ref !== undefined) out.set(key, ref);
  }
  return out;
}

async function verifyStored(strapi: Core.Strapi, uid: string, documentId: string | undefined, touched: string[], held: Map<string, Set<number>>, system: boolean, named: Map<string, any> = new Map()) {
  if (!documentId || !storedCheck.enabled) return;
  const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
  const populate: Data = {};
  for (const [k, attr] of Object.entries<any>(attrs)) {
    const t = targetOfAttr(attr);
    if (t && (t.startsWith('api::') || t === FILE_UID)) populate[k] = true;
  }
  const row = await strapi.db.query(uid as any).findOne({ where: { documentId }, populate });
  if (!row) return;
  // A link the write named must be the one stored: Strapi ignores some shapes (e.g. `connect` on
  // a single media field that is already set), which would otherwise answer 200 and change nothing.
  for (const [key, ref] of named) {
    const stored = row[key];
    const ok = ref === null ? !stored : !!stored && ((ref.id !== undefined && Number(ref.id) === stored.id) || (ref.documentId !== undefined && ref.documentId === stored.documentId));
    if (!ok) {
      if (ref && !system) {
        // Naming another region's record is refused as such, whether or not Strapi linked it.
        const t = targetOfAttr((strapi.getModel(uid as any) as any).attributes[key]);
        const target = t ? await strapi.db.query(t as any).findOne({ where: ref.id !== undefined ? { id: ref.id } : { documentId: ref.documentId } }) : null;
        const scope = await currentScope(strapi);
        if (target && scope && scope !== 'none' && isScopedTarget(t) && !inScope(t!, scope, target)) throw outOfScopeError();
      }
      throw mismatch(`${LABELS[uid]?.[key] ?? key}未按提交保存，请只选择一项后重试`);
    }
  }
  const expected = await expectedColumns(strapi, uid, row);
  if (expected) for (const c of SCOPE_COLUMNS) if (norm(row[c]) !== norm(expected[c])) throw mismatch(`范围列 ${c}`);
  if (system) return;
  const scope = await currentScope(strapi);
  if (scope === null) return;
  if (scope === 'none' || !inScope(uid, scope, row)) throw outOfScopeError();
  // Every record the write linked (a class, a student, a photo, proofs …) must be the caller's;
  // links the row already had may be sent back unchanged (a file a super admin uploaded).
  for (const key of scopedLinkKeys(strapi, uid, touched)) {
    const t = targetOfAttr(attrs[key])!;
    for (const linked of [row[key]].flat().filter(Boolean)) {
      if (!held.get(key)?.has(linked.id) && !inScope(t, scope, linked)) throw outOfScopeError();
    }
  }
}

// ---------------------------------------------------------------- unique conflicts
const UNIQUE_CODES: Array<[RegExp, string, string]> = [
  [/identity_key/, 'STUDENT_DUPLICATE', '身份证件号已被注册，一人只能有一个学籍'],
  [/student_number/, 'STUDENT_NUMBER_TAKEN', '学籍号已被使用'],
  [/regional_number/, 'REGIONAL_NUMBER_TAKEN', '地区学号已被使用'],
  [/schools_code|"code"|\.code/, 'SCHOOL_CODE_TAKEN', '学校标识码已存在'],
  [/cohort|founded_year_month/, 'CLASS_EXISTS', '该学校同一建班年月已有相同班号的班级'],
  [/open_key/, 'CHANGE_REQUEST_OPEN', '该学生已有在办的学籍变动申请'],
];

/** A unique-index violation (a race the checks above lost) → 400 with a stable code, never 500. */
function uniqueConflict(e: any): Error | null {
  const text = `${e?.code ?? ''} ${e?.constraint ?? ''} ${e?.message ?? ''} ${e?.detail ?? ''}`;
  if (!/23505|SQLITE_CONSTRAINT_UNIQUE|UNIQUE constraint failed|duplicate key/i.test(text)) return null;
  const hit = UNIQUE_CODES.find(([re]) => re.test(text));
  return new errors.ValidationError(hit?.[2] ?? '与已有记录重复', { code: hit?.[1] ?? 'UNIQUE_CONFLICT' });
}

// ---------------------------------------------------------------- the middleware
const READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
const WRITE_ACTIONS = new Set(['create', 'update', 'delete']);
/** Matches nothing: the scope of a caller that may read nothing scoped (an API token). */
const NO_SCOPE = { level: 'school' as const, code: '\u0000' };

const refused = (message: string, code: string) => new errors.PolicyError(message, { code });

/** Reads by a scoped caller: the scope on the type itself, on every populate and relation filter. */
async function scopedRead(strapi: Core.Strapi, ctx: any, next: () => Promise<any>) {
  if (isSystemWrite()) return next();
  const found = await currentScope(strapi);
  if (found === null) return next();
  const scope = found === 'none' ? NO_SCOPE : found;
  const params = (ctx.params ??= {});
  if (params.populate !== undefined) params.populate = scopePopulate(strapi, ctx.uid, params.populate, scope);
  const filters = params.filters !== undefined ? scopeFilters(strapi, ctx.uid, params.filters, scope) : undefined;
  if (ctx.action === 'findOne') {
    // One record by id (the Content Manager's read, and its check before an update or delete):
    // outside the scope is 403 OUT_OF_SCOPE, told apart from a missing permission.
    if (SCOPED_TYPES.has(ctx.uid) && params.documentId) {
      const row = await strapi.db.query(ctx.uid as any).findOne({ where: { documentId: params.documentId } });
      if (row && !inScope(ctx.uid, scope, row)) throw outOfScopeError();
    }
    if (filters !== undefined) params.filters = filters;
    return next();
  }
  const own = SCOPED_TYPES.has(ctx.uid) ? scopeWhere(ctx.uid, scope) : undefined;
  if (own || filters) params.filters = own && filters ? { $and: [own, filters] } : own ?? filters;
  return next();
}

async function guardedWrite(strapi: Core.Strapi, ctx: any, next: () => Promise<any>) {
  const uid: string = ctx.uid;
  const system = isSystemWrite();
  if (SYSTEM_ONLY_TYPES.has(uid) && !system) {
    throw refused('该记录由系统在办理业务时生成，不能直接新增、修改或删除', 'RECORD_READ_ONLY');
  }
  const entry = RULES[uid];
  const current = ctx.action !== 'create' && ctx.params?.documentId
    ? await existingRow(strapi, uid, ctx.params.documentId, entry?.populate) : null;
  if (ctx.action === 'delete') {
    if (current) await assertWritable(strapi, uid, [current]);
    if (uid === 'api::student.student' && current && current.registrationStatus === 'registered') {
      throw toHttpError(fieldError('STUDENT_NO_DELETE', '学生', '电子学籍档案永久保存，已注册学生不能删除；离校请办理学籍变动'));
    }
    return next();
  }
  if (ctx.action === 'update' && !current) return next();
  const data: Data = ctx.params?.data ?? {};
  const pathOf = (field: string | undefined) => fieldPathOf(uid, field);
  if (typeof data !== 'object' || Array.isArray(data)) throw new errors.ValidationError('提交的数据格式不正确', { code: 'INVALID_BODY' });
  const facts = await withDomainErrors(async () => {
    if (!system) dropSystemFields(strapi, uid, data, current);
    checkCodes(strapi, uid, data);
    return entry ? entry.rule(strapi, data, current) : undefined;
  }, pathOf);
  // Scope: the record as it was and as it will be must both be the caller's.
  await assertWritable(strapi, uid, [current, entry ? data : { ...current, ...data }]);
  if (entry?.finalize) await withDomainErrors(() => entry.finalize!(strapi, data, current, facts), pathOf);
  ctx.params.data = data;
  const touched = Object.keys(data);
  const named = namedLinks(strapi, uid, data);
  const held = current ? await linkedIds(strapi, uid, current.documentId, scopedLinkKeys(strapi, uid, touched)) : new Map();
  const result = await next();
  await verifyStored(strapi, uid, result?.documentId ?? ctx.params?.documentId, touched, held, system, named);
  return result;
}

/**
 * Document Service middleware: the one entry for every action on our content types. Reads are
 * scoped; create/update/delete run with their checks, the post-write check and the audit row in
 * one transaction; any other action (clone, publish, discardDraft …) is refused — deny by default.
 */
export function registerWriteRules(strapi: Core.Strapi): void {
  strapi.documents.use(async (ctx: any, next: () => Promise<any>) => {
    if (!String(ctx.uid).startsWith('api::')) return next();
    if (READ_ACTIONS.has(ctx.action)) return scopedRead(strapi, ctx, next);
    if (!WRITE_ACTIONS.has(ctx.action)) {
      throw refused(`不支持的操作“${ctx.action}”：学籍记录不能复制、发布或撤回，请新建或修改记录`, 'ACTION_NOT_ALLOWED');
    }
    try {
      return await strapi.db.transaction(() => guardedWrite(strapi, ctx, next));
    } catch (e) {
      throw uniqueConflict(e) ?? e;
    }
  });
}
