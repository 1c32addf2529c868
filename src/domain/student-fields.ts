/**
 * The national student field set (FIELDS.md: 48 student fields + 12 per family member).
 * One spec drives the student schema (scripts/gen-schemas.ts), the admin labels, and the
 * Excel template / import / export column order. `nc` is the national system's short code,
 * used as the stable column key.
 */
export type FieldKind =
  | 'text' | 'code' | 'date' | 'yearMonth' | 'region12' | 'idNumber' | 'phone'
  | 'postcode' | 'email' | 'decimal1' | 'integer' | 'media' | 'relation';

export interface FieldSpec {
  key: string;          // attribute name in Strapi
  label: string;        // Chinese label shown to users
  nc?: string;          // national short code (column key)
  kind: FieldKind;
  required?: boolean;
  table?: string;       // code table name (CODE_TABLES) when kind === 'code'
  maxLength?: number;
  defaultValue?: string;
}

/** The 48 student fields of the national template, in template order. */
export const STUDENT_FIELDS: FieldSpec[] = [
  { key: 'name', label: '姓名', nc: 'xm', kind: 'text', required: true, maxLength: 50 },
  { key: 'gender', label: '性别', nc: 'xbm', kind: 'code', table: 'gender', required: true },
  { key: 'birthDate', label: '出生日期', nc: 'csrq', kind: 'date', required: true },
  { key: 'birthPlace', label: '出生地', nc: 'csdm', kind: 'region12', required: true },
  { key: 'nativePlace', label: '籍贯', nc: 'jg', kind: 'region12', required: true },
  { key: 'ethnicity', label: '民族', nc: 'mzm', kind: 'code', table: 'ethnicity', required: true },
  { key: 'nationality', label: '国籍/地区', nc: 'gjdqm', kind: 'code', table: 'country', required: true, defaultValue: '156' },
  { key: 'idType', label: '身份证件类型', nc: 'sfzjlxm', kind: 'code', table: 'studentIdType', required: true },
  { key: 'idNumber', label: '身份证件号', nc: 'sfzjh', kind: 'idNumber', maxLength: 30 },
  { key: 'hmtStatus', label: '港澳台侨外', nc: 'gatqwm', kind: 'code', table: 'hmtStatus', required: true, defaultValue: '00' },
  { key: 'politicalStatus', label: '政治面貌', nc: 'zzmmm', kind: 'code', table: 'politicalStatus' },
  { key: 'health', label: '健康状况', nc: 'jkzkm', kind: 'code', table: 'health', required: true },
  { key: 'photo', label: '照片', kind: 'media' },
  { key: 'namePinyin', label: '姓名拼音', nc: 'xmpy', kind: 'text', maxLength: 100 },
  { key: 'formerName', label: '曾用名', nc: 'cym', kind: 'text', maxLength: 50 },
  { key: 'idValidity', label: '身份证件有效期', nc: 'sfzjyxq', kind: 'text', maxLength: 30 },
  { key: 'hukouRegion', label: '户口所在地', nc: 'hkszdm', kind: 'region12', required: true },
  { key: 'hukouType', label: '户口性质', nc: 'hkxzm', kind: 'code', table: 'hukouType', required: true },
  { key: 'specialty', label: '特长', nc: 'tc', kind: 'text', maxLength: 200 },
  { key: 'auxNumber', label: '学籍辅号', nc: 'xjfh', kind: 'text', maxLength: 30 },
  { key: 'seatNumber', label: '班内学号', nc: 'bnxh', kind: 'text', maxLength: 10 },
  { key: 'grade', label: '年级', kind: 'integer', required: true },
  { key: 'schoolClass', label: '班级', kind: 'relation', required: true },
  { key: 'entryYearMonth', label: '入学年月', nc: 'rxny', kind: 'yearMonth', required: true },
  { key: 'entryMethod', label: '入学方式', nc: 'rxfsm', kind: 'code', table: 'entryMethod', required: true },
  { key: 'studyMode', label: '就读方式', nc: 'jdfsm', kind: 'code', table: 'studyMode', required: true },
  { key: 'studentSource', label: '学生来源', nc: 'xslym', kind: 'code', table: 'studentSource' },
  { key: 'currentAddress', label: '现住址', nc: 'xzz', kind: 'text', required: true, maxLength: 200 },
  { key: 'mailingAddress', label: '通信地址', nc: 'txdz', kind: 'text', required: true, maxLength: 200 },
  { key: 'homeAddress', label: '家庭地址', nc: 'jtzz', kind: 'text', required: true, maxLength: 200 },
  { key: 'phone', label: '联系电话', nc: 'lxdh', kind: 'phone', required: true },
  { key: 'postcode', label: '邮政编码', nc: 'yzbm', kind: 'postcode', required: true },
  { key: 'email', label: '电子信箱', nc: 'dzxx', kind: 'email' },
  { key: 'homepage', label: '主页地址', nc: 'zydz', kind: 'text', maxLength: 200 },
  { key: 'onlyChild', label: '是否独生子女', nc: 'sfdsznm', kind: 'code', table: 'yesNo', required: true },
  { key: 'preschooled', label: '是否受过学前教育', nc: 'sfsgxqjym', kind: 'code', table: 'yesNo', required: true },
  { key: 'leftBehind', label: '是否留守儿童', nc: 'sflsetm', kind: 'code', table: 'leftBehind' },
  { key: 'migrantChild', label: '是否进城务工人员随迁子女', nc: 'sfsqznm', kind: 'code', table: 'yesNo' },
  { key: 'orphan', label: '是否孤儿', nc: 'sfge', kind: 'code', table: 'yesNo' },
  { key: 'martyrChild', label: '是否烈士或优抚子女', nc: 'sflshyfzn', kind: 'code', table: 'yesNo' },
  { key: 'inclusiveEducation', label: '随班就读', nc: 'sbjdm', kind: 'code', table: 'inclusiveEducation' },
  { key: 'disability', label: '残疾类型', nc: 'cjlxm', kind: 'code', table: 'disability' },
  { key: 'govFundedPlace', label: '是否由政府购买学位', nc: 'sfgmxwm', kind: 'code', table: 'yesNo' },
  { key: 'needsAid', label: '是否需要申请资助', nc: 'sfxysqzz', kind: 'code', table: 'yesNo' },
  { key: 'oneSubsidy', label: '是否享受一补', nc: 'sfxsybm', kind: 'code', table: 'yesNo' },
  { key: 'commuteDistance', label: '上下学距离(公里)', nc: 'sxxjl', kind: 'decimal1' },
  { key: 'commuteMode', label: '上下学交通方式', nc: 'sxxfsm', kind: 'code', table: 'commuteMode' },
  { key: 'schoolBus', label: '是否需要乘坐校车', nc: 'sfczxcm', kind: 'code', table: 'yesNo' },
];

/** 12 fields per family member (component family.member). */
export const FAMILY_FIELDS: FieldSpec[] = [
  { key: 'name', label: '成员姓名', nc: 'cyxm', kind: 'text', required: true, maxLength: 50 },
  { key: 'relation', label: '关系', nc: 'gxm', kind: 'code', table: 'familyRelation', required: true },
  { key: 'relationNote', label: '关系说明', nc: 'gxsm', kind: 'text', maxLength: 50 },
  { key: 'address', label: '现住址', nc: 'xzz', kind: 'text', maxLength: 200 },
  { key: 'hukouRegion', label: '户口所在地行政区划', nc: 'hkszd', kind: 'region12' },
  { key: 'phone', label: '联系电话', nc: 'lxdh', kind: 'phone' },
  { key: 'isGuardian', label: '是否监护人', nc: 'sfjhrm', kind: 'code', table: 'yesNo', required: true },
  { key: 'idType', label: '身份证件类型', nc: 'sfzjlxm', kind: 'code', table: 'idType' },
  { key: 'idNumber', label: '身份证件号', nc: 'sfzjh', kind: 'idNumber', maxLength: 30 },
  { key: 'ethnicity', label: '民族', nc: 'mzm', kind: 'code', table: 'ethnicity' },
  { key: 'employer', label: '工作单位', nc: 'gzdw', kind: 'text', maxLength: 100 },
  { key: 'title', label: '职务', nc: 'zw', kind: 'text', maxLength: 50 },
];

/** Fields locked once a student is registered (SPEC §2, A §18). */
export const KEY_FIELDS = ['name', 'gender', 'birthDate', 'idType', 'idNumber', 'studentNumber', 'photo'] as const;

/** Scope columns every scoped record carries (DESIGN "One scope rule"); never edited by hand. */
export const SCOPE_FIELDS: FieldSpec[] = [
  { key: 'provinceCode', label: '省级区划码', kind: 'text', maxLength: 6 },
  { key: 'cityCode', label: '市级区划码', kind: 'text', maxLength: 6 },
  { key: 'countyCode', label: '县级区划码', kind: 'text', maxLength: 6 },
  { key: 'schoolCode', label: '学校标识码', kind: 'text', maxLength: 10 },
];
