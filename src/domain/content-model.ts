/**
 * The whole content model in one table: every content type, every attribute and its Chinese
 * label. `scripts/gen-schemas.ts` writes the Strapi schema.json files from it; bootstrap writes
 * the admin labels from it; a unit test checks the committed schemas are in sync.
 */
import { FAMILY_FIELDS, SCOPE_FIELDS, STUDENT_FIELDS, type FieldSpec } from './student-fields';

/**
 * System-kept fields (DESIGN "Writes"): only the system writes them, inside the system-write
 * context. 'hidden' never shows in a form; 'readonly' shows but cannot be edited. Both are left
 * out of every role's create/update field permissions and stripped from every client write.
 */
export type SystemMark = 'hidden' | 'readonly';

export interface AttrSpec {
  key: string;
  label: string;
  /** Strapi attribute definition (type, options …); omitted for FieldSpec-derived ones. */
  attr: Record<string, unknown>;
  system?: SystemMark;
}

export interface TypeSpec {
  api: string;             // api folder and singular name
  plural: string;
  collectionName: string;  // table name: short (PostgreSQL 63-char identifiers)
  displayName: string;     // Chinese
  description?: string;
  mainField?: string;      // attribute the admin shows in lists and relation pickers
  list?: string[];         // default list-view columns
  scoped: boolean;         // carries scope columns
  /** Every row is written by the system only (workflow, logs): no client creates, edits or deletes. */
  systemOnly?: boolean;
  attrs: AttrSpec[];
}

export interface ComponentSpec {
  category: string;
  name: string;
  collectionName: string;
  displayName: string;
  attrs: AttrSpec[];
}

const code = (table: string, required = false, def?: string) => ({
  type: 'customField', customField: 'global::code', options: { table }, ...(required ? { required: true } : {}),
  ...(def !== undefined ? { default: def } : {}),
});

/** Turns a national FieldSpec into a Strapi attribute. */
export function attrOf(f: FieldSpec): Record<string, unknown> {
  const req = f.required ? { required: true } : {};
  const def = f.defaultValue !== undefined ? { default: f.defaultValue } : {};
  switch (f.kind) {
    case 'code': return code(f.table!, !!f.required, f.defaultValue);
    case 'date': return { type: 'date', ...req };
    case 'integer': return { type: 'integer', ...req };
    case 'decimal1': return { type: 'decimal', ...req };
    case 'email': return { type: 'email', ...req };
    case 'media': return { type: 'media', multiple: false, allowedTypes: ['images'] };
    // Picked province → city → county in the panel (src/admin/fields/RegionPicker.tsx), stored as 12 digits.
    case 'region12': return { type: 'customField', customField: 'global::region', maxLength: 12, regex: '^\\d{12}$', ...req };
    case 'yearMonth': return { type: 'string', maxLength: 6, regex: '^\\d{4}(0[1-9]|1[0-2])$', ...req };
    case 'phone': return { type: 'string', maxLength: 20, regex: '^\\d{5,20}$', ...req };
    case 'postcode': return { type: 'string', maxLength: 6, regex: '^\\d{6}$', ...req };
    case 'idNumber': return { type: 'string', maxLength: f.maxLength ?? 30, ...req };
    default: return { type: 'string', ...(f.maxLength ? { maxLength: f.maxLength } : {}), ...req, ...def };
  }
}

const fromFields = (fields: FieldSpec[], skip: string[] = []): AttrSpec[] =>
  fields.filter((f) => !skip.includes(f.key)).map((f) => ({ key: f.key, label: f.label, attr: attrOf(f) }));

const scopeAttrs = (): AttrSpec[] =>
  SCOPE_FIELDS.map((f) => ({ key: f.key, label: f.label, attr: { type: 'string', maxLength: f.maxLength }, system: 'hidden' }));

const a = (key: string, label: string, attr: Record<string, unknown>, system?: SystemMark): AttrSpec => ({ key, label, attr, ...(system ? { system } : {}) });
const rel = (relation: string, target: string, extra: Record<string, unknown> = {}) => ({ type: 'relation', relation, target, ...extra });

const studentSub = (): AttrSpec[] => [a('student', '学生', rel('manyToOne', 'api::student.student')), ...scopeAttrs()];

export const COMPONENTS: ComponentSpec[] = [
  {
    category: 'family', name: 'member', collectionName: 'components_family_members', displayName: '家庭成员',
    attrs: fromFields(FAMILY_FIELDS),
  },
];

export const CONTENT_TYPES: TypeSpec[] = [
  {
    api: 'authority', plural: 'authorities', collectionName: 'authorities', displayName: '学籍主管单位',
    description: '省、市、县教育行政部门', mainField: 'name', list: ['name', 'level', 'regionCode', 'parent', 'phone'], scoped: true,
    attrs: [
      a('name', '单位名称', { type: 'string', required: true, maxLength: 100 }),
      a('unitCode', '单位代码', { type: 'string', required: true, maxLength: 20 }),
      a('level', '级别', code('authorityLevel', true)),
      a('regionCode', '所在地行政区划码', { type: 'string', required: true, maxLength: 6, regex: '^\\d{6}$' }),
      a('parent', '上级单位', rel('manyToOne', 'api::authority.authority')),
      a('address', '单位地址', { type: 'string', maxLength: 200 }),
      a('areaType', '所在地区类别', { type: 'string', maxLength: 50 }),
      a('economicType', '所在地经济属性', { type: 'string', maxLength: 50 }),
      a('ethnicType', '所在地民族属性', { type: 'string', maxLength: 50 }),
      a('phone', '联系电话', { type: 'string', maxLength: 20 }),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'school', plural: 'schools', collectionName: 'schools', displayName: '学校', mainField: 'name', list: ['name', 'code', 'category', 'schoolingSystem', 'authority', 'centralSchool'], scoped: true,
    attrs: [
      a('name', '学校名称', { type: 'string', required: true, maxLength: 100 }),
      a('code', '学校标识码', { type: 'string', required: true, unique: true, maxLength: 10, regex: '^\\d{10}$' }),
      a('localNumber', '学校编码', { type: 'string', maxLength: 30 }),
      a('authority', '主管单位', rel('manyToOne', 'api::authority.authority')),
      a('centralSchool', '学区中心校', rel('manyToOne', 'api::school.school')),
      a('category', '学校类别', code('schoolCategory', true)),
      a('schoolType', '办学类型', code('schoolType', true)),
      a('schoolingSystem', '学制', code('schoolingSystem', true)),
      a('ownership', '学校办别', code('schoolOwnership')),
      a('urbanRural', '驻地城乡类型', code('urbanRural')),
      a('regionCode', '所在地行政区划码', { type: 'string', required: true, maxLength: 6, regex: '^\\d{6}$' }),
      a('address', '学校地址', { type: 'string', maxLength: 200 }),
      a('phone', '联系电话', { type: 'string', maxLength: 20 }),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'school-class', plural: 'school-classes', collectionName: 'school_classes', displayName: '班级',
    mainField: 'name', list: ['name', 'school', 'grade', 'number', 'foundedYearMonth', 'headTeacher'], scoped: true,
    attrs: [
      a('name', '班级名称', { type: 'string', maxLength: 50 }, 'readonly'),
      a('school', '学校', rel('manyToOne', 'api::school.school')),
      a('grade', '年级', { type: 'integer', required: true, min: 1, max: 12 }),
      a('number', '班号', { type: 'integer', required: true, min: 1, max: 99 }),
      a('foundedYearMonth', '建班年月', { type: 'string', required: true, maxLength: 6, regex: '^\\d{4}(0[1-9]|1[0-2])$' }),
      a('headTeacher', '班主任姓名', { type: 'string', maxLength: 50 }),
      a('schoolingSystem', '学制', code('schoolingSystem')),
      a('classType', '班级类型', code('classType')),
      a('honours', '荣誉称号', { type: 'string', maxLength: 200 }),
      a('promotedYear', '升级学年', { type: 'integer', private: true }, 'hidden'),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'student', plural: 'students', collectionName: 'students', displayName: '学生', mainField: 'name', list: ['name', 'gender', 'studentNumber', 'school', 'schoolClass', 'registrationStatus', 'enrollmentStatus'], scoped: true,
    attrs: [
      ...fromFields(STUDENT_FIELDS, ['grade', 'schoolClass']),
      a('grade', '年级', { type: 'integer', required: true, min: 1, max: 12 }),
      a('schoolClass', '班级', rel('manyToOne', 'api::school-class.school-class')),
      a('school', '学校', rel('manyToOne', 'api::school.school'), 'readonly'),
      // At least two members is the domain's rule (FAMILY_TOO_FEW), not Strapi's `min`: the form
      // then shows its sentence at the field instead of a bare "值太小(最小值:2)".
      a('family', '家庭成员', { type: 'component', component: 'family.member', repeatable: true }),
      a('idIsGuardians', '证件号为监护人证件号', { type: 'boolean', default: false }),
      a('studentNumber', '学籍号', { type: 'string', maxLength: 30 }, 'readonly'),
      a('regionalNumber', '地区学号', { type: 'string', maxLength: 30 }, 'readonly'),
      a('registrationStatus', '注册状态', code('registrationStatus', true, 'draft'), 'readonly'),
      a('enrollmentStatus', '学籍状态', code('enrollmentStatus', true, '01'), 'readonly'),
      // Uniqueness key (one person, one record): own ID, or guardian ID + name + birth date.
      a('identityKey', '查重键', { type: 'string', maxLength: 80, private: true }, 'hidden'),
      // The school year of the promotion that last moved this student up (undo takes exactly those back).
      a('promotedYear', '升级学年', { type: 'integer', private: true }, 'hidden'),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'resume-entry', plural: 'resume-entries', collectionName: 'resume_entries', displayName: '学生简历', scoped: true,
    attrs: [
      a('startDate', '起始日期', { type: 'date', required: true }),
      a('endDate', '终止日期', { type: 'date' }),
      a('schoolName', '学习单位', { type: 'string', required: true, maxLength: 100 }),
      a('role', '担任职务', { type: 'string', maxLength: 50 }),
      a('witness', '证明人', { type: 'string', maxLength: 50 }),
      ...studentSub(),
    ],
  },
  {
    api: 'exam-result', plural: 'exam-results', collectionName: 'exam_results', displayName: '考试成绩', scoped: true,
    attrs: [
      a('schoolYear', '学年', { type: 'string', required: true, maxLength: 9, regex: '^\\d{4}-\\d{4}$' }),
      a('term', '学期', code('term', true)),
      a('examName', '考试名称', { type: 'string', required: true, maxLength: 100 }),
      a('subject', '科目', { type: 'string', required: true, maxLength: 50 }),
      a('score', '成绩', { type: 'decimal' }),
      a('gradeLevel', '等级', { type: 'string', maxLength: 10 }),
      ...studentSub(),
    ],
  },
  {
    api: 'evaluation', plural: 'evaluations', collectionName: 'evaluations', displayName: '综合评价', scoped: true,
    attrs: [
      a('schoolYear', '学年', { type: 'string', required: true, maxLength: 9, regex: '^\\d{4}-\\d{4}$' }),
      a('term', '学期', code('term', true)),
      a('conduct', '品德表现', { type: 'string', maxLength: 20 }),
      a('overallLevel', '综合素质等级', { type: 'string', maxLength: 20 }),
      a('comment', '评语', { type: 'text', maxLength: 2000 }),
      a('evaluator', '评价人', { type: 'string', maxLength: 50 }),
      ...studentSub(),
    ],
  },
  {
    api: 'award', plural: 'awards', collectionName: 'awards', displayName: '奖励', scoped: true,
    attrs: [
      a('title', '奖励名称', { type: 'string', required: true, maxLength: 100 }),
      a('level', '奖励级别', code('awardLevel')),
      a('awardedOn', '奖励日期', { type: 'date', required: true }),
      a('grantor', '颁奖单位', { type: 'string', maxLength: 100 }),
      a('reason', '奖励原因', { type: 'text', maxLength: 2000 }),
      ...studentSub(),
    ],
  },
  {
    api: 'punishment', plural: 'punishments', collectionName: 'punishments', displayName: '处分', scoped: true,
    attrs: [
      a('kind', '处分类型', code('punishmentKind', true)),
      a('imposedOn', '处分日期', { type: 'date', required: true }),
      a('reason', '处分原因', { type: 'text', required: true, maxLength: 2000 }),
      a('imposedBy', '处分单位', { type: 'string', maxLength: 100 }),
      a('revoked', '是否撤销', { type: 'boolean', default: false }),
      a('revokedOn', '撤销日期', { type: 'date' }),
      a('revokeReason', '撤销原因', { type: 'text', maxLength: 2000 }),
      ...studentSub(),
    ],
  },
  {
    api: 'change-request', plural: 'change-requests', collectionName: 'change_requests', displayName: '学籍变动申请', scoped: true, systemOnly: true, mainField: 'title', list: ['title', 'type', 'student', 'state', 'currentStep', 'dueDate', 'submittedAt'],
    attrs: [
      a('title', '申请', { type: 'string', maxLength: 200 }, 'readonly'),
      a('type', '变动类型', code('changeType', true)),
      a('student', '学生', rel('manyToOne', 'api::student.student')),
      a('fromSchool', '原学校', rel('manyToOne', 'api::school.school')),
      a('toSchool', '转入学校', rel('manyToOne', 'api::school.school')),
      a('fromClass', '原班级', rel('manyToOne', 'api::school-class.school-class')),
      a('toClass', '转入班级', rel('manyToOne', 'api::school-class.school-class')),
      a('reason', '变动原因', { type: 'text', required: true, maxLength: 2000 }),
      a('proofs', '证明材料', { type: 'media', multiple: true, allowedTypes: ['images', 'files'] }),
      // Shown as a form of what changes (src/admin/fields/PayloadView.tsx), not a JSON editor.
      a('payload', '变更内容', { type: 'customField', customField: 'global::payload' }),
      a('studentName', '学生姓名', { type: 'string', maxLength: 50 }, 'readonly'),
      a('grade', '年级', { type: 'integer' }, 'readonly'),
      a('state', '办理状态', code('changeState', true, 'pending'), 'readonly'),
      a('currentStep', '当前步骤', { type: 'integer', default: 0 }, 'readonly'),
      a('steps', '审批流程', { type: 'json' }, 'readonly'),
      a('dueDate', '办理期限', { type: 'date' }, 'readonly'),
      a('submittedAt', '提交时间', { type: 'datetime' }, 'readonly'),
      a('completedAt', '办结时间', { type: 'datetime' }, 'readonly'),
      a('filerName', '申请人', { type: 'string', maxLength: 100 }, 'readonly'),
      a('pledge', '诚信承诺', { type: 'json' }, 'readonly'),
      a('filerId', '申请人ID', { type: 'integer', private: true }, 'hidden'),
      a('filerLevel', '申请单位层级', { type: 'string', maxLength: 10, private: true }, 'hidden'),
      a('filerCode', '申请单位代码', { type: 'string', maxLength: 10, private: true }, 'hidden'),
      a('waitingLevel', '待办单位层级', { type: 'string', maxLength: 10, private: true }, 'hidden'),
      a('waitingCode', '待办单位代码', { type: 'string', maxLength: 10, private: true }, 'hidden'),
      a('effect', '办理结果', { type: 'json', private: true }, 'hidden'),
      a('version', '版本', { type: 'integer', default: 0, private: true }, 'hidden'),
      a('openKey', '在办标记', { type: 'string', maxLength: 40, private: true }, 'hidden'),
      ...scopeAttrs(),
      a('toProvinceCode', '转入地省级区划码', { type: 'string', maxLength: 6 }, 'hidden'),
      a('toCityCode', '转入地市级区划码', { type: 'string', maxLength: 6 }, 'hidden'),
      a('toCountyCode', '转入地县级区划码', { type: 'string', maxLength: 6 }, 'hidden'),
      a('toSchoolCode', '转入学校标识码', { type: 'string', maxLength: 10 }, 'hidden'),
    ],
  },
  {
    api: 'approval', plural: 'approvals', collectionName: 'approvals', displayName: '审批记录', scoped: true, systemOnly: true, list: ['changeRequest', 'level', 'decision', 'deciderName', 'decidedAt'],
    attrs: [
      a('changeRequest', '变动申请', rel('manyToOne', 'api::change-request.change-request')),
      a('step', '步骤', { type: 'integer', required: true }),
      a('level', '审批层级', { type: 'string', required: true, maxLength: 20 }),
      a('decision', '审批结果', code('approvalDecision', true)),
      a('comment', '审批意见', { type: 'text', maxLength: 2000 }),
      a('deciderId', '审批人ID', { type: 'integer' }),
      a('deciderName', '审批人', { type: 'string', maxLength: 100 }),
      a('decidedAt', '审批时间', { type: 'datetime', required: true }),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'notification', plural: 'notifications', collectionName: 'notifications', displayName: '待办与通知', scoped: true, systemOnly: true,
    mainField: 'message', list: ['message', 'kind', 'dueDate', 'readAt', 'createdAt'],
    attrs: [
      a('changeRequest', '变动申请', rel('manyToOne', 'api::change-request.change-request')),
      a('kind', '类型', { type: 'string', required: true, maxLength: 20 }),
      a('message', '内容', { type: 'text', required: true, maxLength: 2000 }),
      a('recipientLevel', '接收单位层级', { type: 'string', required: true, maxLength: 10 }),
      a('recipientCode', '接收单位代码', { type: 'string', required: true, maxLength: 10 }),
      a('dueDate', '办理期限', { type: 'date' }),
      a('readAt', '已读时间', { type: 'datetime' }),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'audit-log', plural: 'audit-logs', collectionName: 'audit_logs', displayName: '操作日志', scoped: true, systemOnly: true, list: ['at', 'action', 'subjectType', 'subjectId', 'actorName', 'ip'],
    attrs: [
      a('action', '操作', { type: 'string', required: true, maxLength: 50 }),
      a('subjectType', '对象类型', { type: 'string', maxLength: 80 }),
      a('subjectId', '对象ID', { type: 'string', maxLength: 40 }),
      a('actorId', '操作人ID', { type: 'integer' }),
      a('actorName', '操作人', { type: 'string', maxLength: 100 }),
      a('actorKind', '身份类型', { type: 'string', maxLength: 30 }),
      a('ip', 'IP地址', { type: 'string', maxLength: 64 }),
      a('at', '时间', { type: 'datetime', required: true }),
      a('changes', '变更内容', { type: 'json' }),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'promotion-run', plural: 'promotion-runs', collectionName: 'promotion_runs', displayName: '学年升级记录', scoped: false, systemOnly: true,
    description: '每个学年一行：升级的发起、结果与撤销', mainField: 'schoolYear', list: ['schoolYear', 'state', 'trigger', 'actorName', 'startedAt', 'finishedAt'],
    attrs: [
      a('schoolYear', '升入学年', { type: 'integer', required: true }, 'readonly'),
      a('fromYear', '原学年', { type: 'integer' }, 'readonly'),
      a('state', '状态', { type: 'string', required: true, maxLength: 10 }, 'readonly'),
      a('trigger', '发起方式', { type: 'string', maxLength: 10 }, 'readonly'),
      a('actorId', '发起人ID', { type: 'integer' }, 'readonly'),
      a('actorName', '发起人', { type: 'string', maxLength: 100 }, 'readonly'),
      a('startedAt', '开始时间', { type: 'datetime' }, 'readonly'),
      a('finishedAt', '完成时间', { type: 'datetime' }, 'readonly'),
      a('undoneAt', '撤销时间', { type: 'datetime' }, 'readonly'),
      a('undoneByName', '撤销人', { type: 'string', maxLength: 100 }, 'readonly'),
      a('report', '升级报告', { type: 'json' }, 'readonly'),
    ],
  },
  {
    api: 'roster-publication', plural: 'roster-publications', collectionName: 'roster_publications', displayName: '学籍公示', scoped: true, systemOnly: true,
    description: '按学校、班级公示的在校生名单（姓名已脱敏）；每次公示一行，历次保留', mainField: 'schoolName', list: ['schoolName', 'schoolYear', 'releasedAt', 'studentCount', 'trigger'],
    attrs: [
      a('schoolName', '学校名称', { type: 'string', maxLength: 100 }, 'readonly'),
      a('schoolYear', '学年', { type: 'string', maxLength: 9 }, 'readonly'),
      a('releasedAt', '公示时间', { type: 'datetime', required: true }, 'readonly'),
      a('studentCount', '学生人数', { type: 'integer' }, 'readonly'),
      a('classes', '班级名单', { type: 'json' }, 'readonly'),
      a('etag', '内容摘要', { type: 'string', maxLength: 64 }, 'readonly'),
      a('trigger', '发起方式', { type: 'string', maxLength: 10 }, 'readonly'),
      a('actorName', '发起人', { type: 'string', maxLength: 100 }, 'readonly'),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'import-job', plural: 'import-jobs', collectionName: 'import_jobs', displayName: '导入任务', scoped: true, systemOnly: true,
    description: 'Excel 导入：读入、校验、写入的行数与状态', mainField: 'fileName', list: ['fileName', 'kind', 'state', 'rowsRead', 'rowsWritten', 'actorName', 'createdAt'],
    attrs: [
      a('kind', '导入类型', { type: 'string', required: true, maxLength: 20 }),
      a('state', '状态', { type: 'string', required: true, maxLength: 10, default: 'queued' }),
      a('fileName', '文件名', { type: 'string', maxLength: 255 }),
      a('fileSize', '文件大小', { type: 'biginteger' }),
      a('dryRun', '仅校验', { type: 'boolean', default: false }),
      a('rowsRead', '已读行数', { type: 'integer', default: 0 }),
      a('rowsValid', '校验通过行数', { type: 'integer', default: 0 }),
      a('rowsWritten', '已写入行数', { type: 'integer', default: 0 }),
      a('errorCount', '错误数', { type: 'integer', default: 0 }),
      a('errors', '错误', { type: 'json' }),
      a('message', '说明', { type: 'text', maxLength: 2000 }),
      a('actorId', '操作人ID', { type: 'integer' }),
      a('actorName', '操作人', { type: 'string', maxLength: 100 }),
      a('startedAt', '开始时间', { type: 'datetime' }),
      a('finishedAt', '结束时间', { type: 'datetime' }),
      a('errorFile', '错误文件', { type: 'string', maxLength: 500, private: true }, 'hidden'),
      ...scopeAttrs(),
    ],
  },
  {
    api: 'staff-scope', plural: 'staff-scopes', collectionName: 'staff_scopes', displayName: '账号管辖范围',
    description: '管理后台账号与所属单位或学校的对应', mainField: 'label', scoped: false,
    attrs: [
      a('adminUserId', '账号ID', { type: 'integer', required: true, unique: true }),
      a('label', '说明', { type: 'string', maxLength: 100 }),
      a('level', '级别', code('scopeLevel', true)),
      a('code', '区划码或学校标识码', { type: 'string', required: true, maxLength: 10 }),
    ],
  },
];

const uidOf = (t: TypeSpec) => `api::${t.api}.${t.api}`;

/** uid → { attribute → mark } of the system-kept fields (declared once, above). */
export function systemFieldTable(): Record<string, Record<string, SystemMark>> {
  const out: Record<string, Record<string, SystemMark>> = {};
  for (const t of CONTENT_TYPES) out[uidOf(t)] = Object.fromEntries(t.attrs.filter((x) => x.system).map((x) => [x.key, x.system!]));
  return out;
}

/** Content types whose rows only the system writes (change requests, approvals, audit log). */
export const SYSTEM_ONLY_TYPES: ReadonlySet<string> = new Set(CONTENT_TYPES.filter((t) => t.systemOnly).map(uidOf));

/** Content types that carry scope columns. */
export const SCOPED_TYPES: ReadonlySet<string> = new Set(CONTENT_TYPES.filter((t) => t.scoped).map(uidOf));

/** uid → attribute → Chinese label, for the admin panel configuration. */
export function labelTable(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const t of CONTENT_TYPES) out[`api::${t.api}.${t.api}`] = Object.fromEntries(t.attrs.map((x) => [x.key, x.label]));
  for (const c of COMPONENTS) out[`${c.category}.${c.name}`] = Object.fromEntries(c.attrs.map((x) => [x.key, x.label]));
  return out;
}

export function schemaOf(t: TypeSpec) {
  return {
    kind: 'collectionType',
    collectionName: t.collectionName,
    info: { singularName: t.api, pluralName: t.plural, displayName: t.displayName, ...(t.description ? { description: t.description } : {}) },
    options: { draftAndPublish: false },
    pluginOptions: {},
    attributes: Object.fromEntries(t.attrs.map((x) => [x.key, x.attr])),
  };
}

export function componentSchemaOf(c: ComponentSpec) {
  return {
    collectionName: c.collectionName,
    info: { displayName: c.displayName, icon: 'user' },
    options: {},
    attributes: Object.fromEntries(c.attrs.map((x) => [x.key, x.attr])),
  };
}


/**
 * The attribute path a domain error's field label points to, for the Content Manager's
 * per-field errors (`details.errors[].path`): '出生地' → ['birthPlace'], '家庭成员2：关系' and
 * '家庭成员2身份证件号' → ['family', '1', 'relation' | 'idNumber'], '家庭成员' → ['family'].
 * Undefined when the label names no attribute of the type (the message still shows on top).
 */
export function fieldPathOf(uid: string, field: string | undefined): string[] | undefined {
  if (!field) return undefined;
  const labels = labelTable();
  const own = labels[uid] ?? {};
  const byLabel = (table: Record<string, string>, label: string) => Object.keys(table).find((k) => table[k] === label);
  const direct = byLabel(own, field);
  if (direct) return [direct];
  const type = CONTENT_TYPES.find((t) => uidOf(t) === uid);
  for (const x of type?.attrs ?? []) {
    if (x.attr.type !== 'component' || !field.startsWith(x.label)) continue;
    const m = /^(\d+)[：:]?(.*)$/.exec(field.slice(x.label.length));
    if (!m) continue;
    const sub = byLabel(labels[String(x.attr.component)] ?? {}, m[2]);
    return [x.key, String(Number(m[1]) - 1), ...(sub ? [sub] : [])];
  }
  return undefined;
}
