/**
 * Every code set of the national student record (FIELDS.md) as data, in one place.
 *
 * Codes are strings (leading zeros and letters matter: '01', 'A', 'Z'). Where a national
 * standard gives the codes they are used as is; where FIELDS.md gives only labels, the codes
 * here are our own short stable codes (marked "invented") — never renumber them, rows in the
 * database carry them.
 */

export interface CodeEntry {
  readonly code: string;
  readonly label: string;
}
export type CodeTable = readonly CodeEntry[];

const t = <T extends readonly CodeEntry[]>(rows: T): T => rows;

/** 性别 GB/T 2261.1. */
const gender = t([
  { code: '0', label: '未知的性别' },
  { code: '1', label: '男' },
  { code: '2', label: '女' },
  { code: '9', label: '未说明的性别' },
] as const);

/** 民族 GB 3304 (56 nationalities + 97 其他 + 98 外国血统中国籍人士). */
const ethnicity = t([
  { code: '01', label: '汉族' }, { code: '02', label: '蒙古族' }, { code: '03', label: '回族' },
  { code: '04', label: '藏族' }, { code: '05', label: '维吾尔族' }, { code: '06', label: '苗族' },
  { code: '07', label: '彝族' }, { code: '08', label: '壮族' }, { code: '09', label: '布依族' },
  { code: '10', label: '朝鲜族' }, { code: '11', label: '满族' }, { code: '12', label: '侗族' },
  { code: '13', label: '瑶族' }, { code: '14', label: '白族' }, { code: '15', label: '土家族' },
  { code: '16', label: '哈尼族' }, { code: '17', label: '哈萨克族' }, { code: '18', label: '傣族' },
  { code: '19', label: '黎族' }, { code: '20', label: '傈僳族' }, { code: '21', label: '佤族' },
  { code: '22', label: '畲族' }, { code: '23', label: '高山族' }, { code: '24', label: '拉祜族' },
  { code: '25', label: '水族' }, { code: '26', label: '东乡族' }, { code: '27', label: '纳西族' },
  { code: '28', label: '景颇族' }, { code: '29', label: '柯尔克孜族' }, { code: '30', label: '土族' },
  { code: '31', label: '达斡尔族' }, { code: '32', label: '仫佬族' }, { code: '33', label: '羌族' },
  { code: '34', label: '布朗族' }, { code: '35', label: '撒拉族' }, { code: '36', label: '毛南族' },
  { code: '37', label: '仡佬族' }, { code: '38', label: '锡伯族' }, { code: '39', label: '阿昌族' },
  { code: '40', label: '普米族' }, { code: '41', label: '塔吉克族' }, { code: '42', label: '怒族' },
  { code: '43', label: '乌孜别克族' }, { code: '44', label: '俄罗斯族' }, { code: '45', label: '鄂温克族' },
  { code: '46', label: '德昂族' }, { code: '47', label: '保安族' }, { code: '48', label: '裕固族' },
  { code: '49', label: '京族' }, { code: '50', label: '塔塔尔族' }, { code: '51', label: '独龙族' },
  { code: '52', label: '鄂伦春族' }, { code: '53', label: '赫哲族' }, { code: '54', label: '门巴族' },
  { code: '55', label: '珞巴族' }, { code: '56', label: '基诺族' },
  { code: '97', label: '其他' }, { code: '98', label: '外国血统中国籍人士' },
] as const);

/** 身份证件类型 (national system codes). */
const idType = t([
  { code: '1', label: '居民身份证' },
  { code: '2', label: '军官证' },
  { code: '3', label: '士兵证' },
  { code: '4', label: '文职干部证' },
  { code: '5', label: '部队离退休证' },
  { code: '6', label: '香港特区护照/身份证明' },
  { code: '7', label: '澳门特区护照/身份证明' },
  { code: '8', label: '台湾居民来往大陆通行证' },
  { code: '9', label: '境外永久居住证' },
  { code: 'A', label: '护照' },
  { code: 'B', label: '户口簿' },
  { code: 'Z', label: '其他' },
] as const);

/** The ID types a student may carry; with 'Z' the number may be blank (school keeps a signed proof). */
const STUDENT_ID_TYPE_CODES = ['1', '6', '7', '8', '9', 'A', 'Z'] as const;
const studentIdType = t(idType.filter((e) => (STUDENT_ID_TYPE_CODES as readonly string[]).includes(e.code)));

/** 港澳台侨外. */
const hmtStatus = t([
  { code: '00', label: '否' },
  { code: '01', label: '香港同胞' },
  { code: '02', label: '香港同胞亲属' },
  { code: '03', label: '澳门同胞' },
  { code: '04', label: '澳门同胞亲属' },
  { code: '05', label: '台湾同胞' },
  { code: '06', label: '台湾同胞亲属' },
  { code: '11', label: '华侨' },
  { code: '12', label: '侨眷' },
  { code: '13', label: '归侨' },
  { code: '14', label: '归侨子女' },
  { code: '21', label: '归国留学人员' },
  { code: '31', label: '非华裔中国人' },
  { code: '41', label: '外籍华裔人' },
  { code: '51', label: '外国人' },
  { code: '99', label: '其他' },
] as const);

/** 政治面貌: codes follow GB/T 4762 (01/02/03/13); FIELDS.md marks them unverified. */
const politicalStatus = t([
  { code: '01', label: '中共党员' },
  { code: '02', label: '中共预备党员' },
  { code: '03', label: '共青团员' },
  { code: '13', label: '群众' },
] as const);

/** 健康状况 GB/T 2261.3; code 4 is unverified (FIELDS.md). */
const health = t([
  { code: '1', label: '健康或良好' },
  { code: '2', label: '一般或较弱' },
  { code: '3', label: '有慢性病' },
  { code: '4', label: '有生理缺陷' },
  { code: '6', label: '残疾' },
] as const);

/** 户口性质. */
const hukouType = t([
  { code: '1', label: '农业户口' },
  { code: '2', label: '非农业户口' },
] as const);

/**
 * 入学方式: 1x compulsory education, 2x senior high, 99 other. The older 民族班 / 外校转入 /
 * 恢复入学资格 entries are left out: transfers and restorations are changes, not entry methods.
 */
const entryMethod = t([
  { code: '11', label: '就近入学' },
  { code: '12', label: '其他' },
  { code: '21', label: '统一招生考试/普通入学' },
  { code: '22', label: '体育特招' },
  { code: '23', label: '艺术特招' },
  { code: '99', label: '其他' },
] as const);

/** 就读方式. */
const studyMode = t([
  { code: '1', label: '走读' },
  { code: '2', label: '住校' },
] as const);

/** 学生来源 — invented codes (FIELDS.md gives labels only). */
const studentSource = t([
  { code: '1', label: '正常入学' },
  { code: '2', label: '借读' },
  { code: '3', label: '其他' },
] as const);

/** 是/否 for every yes-no field of the template. */
const yesNo = t([
  { code: '0', label: '否' },
  { code: '1', label: '是' },
] as const);

/** 留守儿童. */
const leftBehind = t([
  { code: '0', label: '非留守儿童' },
  { code: '1', label: '单亲留守儿童' },
  { code: '2', label: '双亲留守儿童' },
] as const);

/** 随班就读 — invented codes (FIELDS.md gives labels only); 9 = other, as in the disability table. */
const inclusiveEducation = t([
  { code: '0', label: '非随班就读' },
  { code: '1', label: '视力残疾随班就读' },
  { code: '2', label: '听力残疾随班就读' },
  { code: '3', label: '智力残疾随班就读' },
  { code: '9', label: '其他残疾随班就读' },
] as const);

/** 残疾类型 — invented codes, ordered as the GB/T 26341 categories (1 视力 … 7 多重), 0 none, 9 other. */
const disability = t([
  { code: '0', label: '无残疾' },
  { code: '1', label: '视力残疾' },
  { code: '2', label: '听力残疾' },
  { code: '3', label: '言语残疾' },
  { code: '4', label: '肢体残疾' },
  { code: '5', label: '智力残疾' },
  { code: '6', label: '精神残疾' },
  { code: '7', label: '多重残疾' },
  { code: '9', label: '其他残疾' },
] as const);

/** 上下学交通方式 — invented codes (FIELDS.md gives labels only). */
const commuteMode = t([
  { code: '1', label: '步行' },
  { code: '2', label: '自行车(含摩托车、电动自行车)' },
  { code: '3', label: '公共交通(含城市公交、农村客运、地铁)' },
  { code: '4', label: '家长自行接送' },
  { code: '5', label: '校车' },
  { code: '9', label: '其他' },
] as const);

/**
 * 学籍状态 — our own two-digit codes. 01–05 keep the student on the school's roll
 * (IN_SCHOOL_STATUSES); the rest are exits, kept forever as history. 结业/肄业 are senior-high only.
 */
const enrollmentStatus = t([
  { code: '01', label: '在校' },
  { code: '02', label: '休学' },
  { code: '03', label: '其他离校' },
  { code: '04', label: '出国' },
  { code: '05', label: '失踪' },
  { code: '06', label: '毕业' },
  { code: '07', label: '结业' },
  { code: '08', label: '肄业' },
  { code: '09', label: '退学' },
  { code: '10', label: '死亡' },
  { code: '11', label: '转出' },
  { code: '12', label: '辍学' },
] as const);

/** 学校类别: the first two digits of the 10-digit 学校标识码. 11 幼儿园 has no 学籍. */
const schoolCategory = t([
  { code: '11', label: '幼儿园' },
  { code: '21', label: '小学' },
  { code: '22', label: '成人小学' },
  { code: '31', label: '普通初中' },
  { code: '32', label: '职业初中' },
  { code: '34', label: '普通高中' },
  { code: '37', label: '工读学校' },
  { code: '51', label: '特殊教育学校' },
] as const);

/** 办学类型 GB/T 33782-2017 (the primary and secondary subset). */
const schoolType = t([
  { code: '211', label: '小学' },
  { code: '218', label: '小学教学点' },
  { code: '219', label: '附设小学班' },
  { code: '311', label: '初级中学' },
  { code: '312', label: '九年一贯制学校' },
  { code: '319', label: '附设普通初中班' },
  { code: '341', label: '完全中学' },
  { code: '342', label: '高级中学' },
  { code: '345', label: '十二年一贯制学校' },
  { code: '349', label: '附设普通高中班' },
] as const);

/**
 * 学制 of a school. '6-3-3' and '5-4' say where the primary/junior boundary lies and need the
 * school category to tell which stage the school teaches; '9', '12' and '3+3' fix the grades
 * themselves ('9' and '12' split primary/junior as 6+3). See grades.ts.
 */
const schoolingSystem = t([
  { code: '6-3-3', label: '六三三学制' },
  { code: '5-4', label: '五四学制' },
  { code: '9', label: '九年一贯制' },
  { code: '12', label: '十二年一贯制' },
  { code: '3+3', label: '完全中学' },
] as const);

/** 家庭成员关系 — invented codes (FIELDS.md gives no table). */
const familyRelation = t([
  { code: '1', label: '父亲' },
  { code: '2', label: '母亲' },
  { code: '3', label: '祖父' },
  { code: '4', label: '祖母' },
  { code: '5', label: '外祖父' },
  { code: '6', label: '外祖母' },
  { code: '7', label: '兄弟姐妹' },
  { code: '8', label: '其他亲属' },
  { code: '9', label: '监护人(非亲属)' },
  { code: '10', label: '教师(托管)' },
] as const);

/** Level of an education authority (学籍主管单位); codes are the scope levels of scope.ts. */
const authorityLevel = t([
  { code: 'province', label: '省级' },
  { code: 'city', label: '市级' },
  { code: 'county', label: '县级' },
] as const);

export const CODE_TABLES = {
  gender,
  ethnicity,
  idType,
  studentIdType,
  hmtStatus,
  politicalStatus,
  health,
  hukouType,
  entryMethod,
  studyMode,
  studentSource,
  yesNo,
  leftBehind,
  inclusiveEducation,
  disability,
  commuteMode,
  enrollmentStatus,
  schoolCategory,
  schoolType,
  schoolingSystem,
  familyRelation,
  authorityLevel,
} as const;

export type CodeTableName = keyof typeof CODE_TABLES;
/** The code union of one table, e.g. `CodeOf<'gender'>` = '0' | '1' | '2' | '9'. */
export type CodeOf<N extends CodeTableName> = (typeof CODE_TABLES)[N][number]['code'];

export type GenderCode = CodeOf<'gender'>;
export type EnrollmentStatusCode = CodeOf<'enrollmentStatus'>;
export type SchoolingSystemCode = CodeOf<'schoolingSystem'>;
export type SchoolCategoryCode = CodeOf<'schoolCategory'>;

export const STUDENT_ID_TYPES: readonly string[] = STUDENT_ID_TYPE_CODES;

/** States in which the student is on the school's roll (counted, promoted, may change). */
export const IN_SCHOOL_STATUSES: readonly EnrollmentStatusCode[] = ['01', '02', '03', '04', '05'];
/** Final states: the record is history. */
export const EXIT_STATUSES: readonly EnrollmentStatusCode[] = ['06', '07', '08', '09', '10', '11', '12'];

/** Entry methods allowed per stage: compulsory education uses 1x, senior high 2x; 99 anywhere. */
export const ENTRY_METHODS_BY_STAGE = {
  primary: ['11', '12', '99'],
  junior: ['11', '12', '99'],
  senior: ['21', '22', '23', '99'],
} as const;

/** School categories whose students have a 学籍 (all but 11 幼儿园). */
export const RECORD_SCHOOL_CATEGORIES: readonly SchoolCategoryCode[] = ['21', '22', '31', '32', '34', '37', '51'];

function resolve(table: CodeTable | CodeTableName): CodeTable {
  return typeof table === 'string' ? CODE_TABLES[table] : table;
}

/** Label of a code, or undefined when the code is not in the table. */
export function codeLabel(table: CodeTable | CodeTableName, code: string | null | undefined): string | undefined {
  if (code == null) return undefined;
  return resolve(table).find((e) => e.code === code)?.label;
}

export function isCode(table: CodeTable | CodeTableName, code: unknown): boolean {
  return typeof code === 'string' && resolve(table).some((e) => e.code === code);
}

/** Options for a select input: `{ value, label }` in table order. */
export function codeOptions(table: CodeTable | CodeTableName): { value: string; label: string }[] {
  return resolve(table).map((e) => ({ value: e.code, label: e.label }));
}

/**
 * Code of a label (exact match), for Excel cells filled with labels instead of codes.
 * Returns undefined when ambiguous or unknown.
 */
export function codeOfLabel(table: CodeTable | CodeTableName, label: string): string | undefined {
  const hits = resolve(table).filter((e) => e.label === label.trim());
  return hits.length === 1 ? hits[0].code : undefined;
}
