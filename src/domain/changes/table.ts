/**
 * Every change type of SPEC §3–§5 in one table: who files it, the ordered approval steps with
 * their deadlines in working days, preconditions, proofs, target and effect. Defaults are
 * Anhui's (A §11, §13, §15, §16, §18; AG; AP §12–§19); a province selects a variant or replaces
 * a chain in config/xueji.ts (`changes.chains`), the service never names a type.
 */
import type { ChangeTypeSpec, StepSpec, ChangeState, Decision } from './types';

const s = (party: StepSpec['party'], days: number): StepSpec => ({ party, days });

/** Anhui reviews: 15 working days (A §11, §16); the sending county answers within 5 (A §15). */
const county15 = [s('from-county', 15)];

export const CHANGE_TYPES: readonly ChangeTypeSpec[] = [
  {
    code: '11', label: '新生注册', subject: 'draft', filer: 'from-school', chain: county15,
    requires: ['draft'], effect: { kind: 'register' }, reversible: false,
  },
  {
    code: '15', label: '在校生注册', subject: 'draft', filer: 'from-school', chain: county15,
    requires: ['draft'], effect: { kind: 'register' }, reversible: false,
  },
  {
    // A §15: receiving school → receiving county → sending county (answers within 5 days).
    // National system (SPEC §8): receiving school → receiving bureau → sending school → sending bureau.
    code: '13', label: '转入(省内)', subject: 'student', filer: 'to-school',
    chain: [s('to-county', 15), s('from-county', 5)],
    variants: {
      anhui: [s('to-county', 15), s('from-county', 5)],
      national: [s('to-county', 10), s('from-school', 10), s('from-county', 10)],
    },
    requires: ['registered', 'notSuspended', 'inSchool', 'otherSchool', 'notSameDistrict', 'sameGradeTarget', 'transferWindow'],
    proofs: { required: true, what: '户口簿、劳动合同或营业执照等证明材料' },
    payload: [{ key: 'hardship', label: '特殊困难（学期中转学）', kind: 'boolean' }],
    target: 'school-and-class', effect: { kind: 'transfer' }, reversible: true,
  },
  {
    // AG 三: the receiving school enters the full record by hand; the county approves; numbers
    // assigned (a 学籍号 from the other province is kept).
    code: '14', label: '转入(跨省)', subject: 'draft', filer: 'from-school', chain: county15,
    requires: ['draft'], proofs: { required: true, what: '原学校转学证明或学籍信息表' },
    payload: [
      { key: 'fromProvince', label: '原就读省份', kind: 'text', required: true },
      { key: 'fromSchoolName', label: '原就读学校', kind: 'text', required: true },
      { key: 'previousStudentNumber', label: '原学籍号', kind: 'text' },
    ],
    effect: { kind: 'register' }, reversible: false,
  },
  {
    code: '27', label: '转出(跨省)', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool'],
    payload: [
      { key: 'destination', label: '转往省份及学校', kind: 'text', required: true },
      { key: 'leaveDate', label: '转出日期', kind: 'date', required: true },
    ],
    effect: { kind: 'status', status: '11' }, reversible: true,
  },
  {
    // A §16, AG 五: county-level hospital records; one school year, one extension.
    code: '23', label: '休学', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool', 'suspensionLimits'],
    proofs: { required: true, what: '县级以上医院诊断证明等' },
    payload: [{ key: 'months', label: '休学期限（月）', kind: 'months', required: true }],
    effect: { kind: 'suspend', status: '02' }, reversible: true,
  },
  {
    code: '25', label: '休学延期', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'suspended', 'extensionLimits'],
    proofs: { required: true, what: '县级以上医院诊断证明等' },
    payload: [{ key: 'months', label: '延长期限（月）', kind: 'months', required: true }],
    effect: { kind: 'extend' }, reversible: true,
  },
  {
    // AG 六: back to the grade at suspension, into a class the school chooses.
    code: '12', label: '复学', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'suspended', 'resumeGrade'],
    target: 'class', effect: { kind: 'resume', status: '01' }, reversible: true,
  },
  {
    code: '28', label: '辍学', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool'], effect: { kind: 'status', status: '12' }, reversible: true,
  },
  {
    // AP §13: no withdrawal in compulsory education except loss of the ability to study, by the county.
    code: '24', label: '退学', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool', 'withdrawalCause'],
    proofs: { required: 'compulsory', what: '丧失学习能力的医学证明等' },
    payload: [{ key: 'cause', label: '退学原因类别', kind: 'code', values: ['incapacity', 'other'], required: 'compulsory' }],
    effect: { kind: 'status', status: '09' }, reversible: true,
  },
  {
    // Several provinces: a death is recorded within 10 working days (SPEC §8).
    code: '26', label: '死亡', subject: 'student', filer: 'from-school', chain: [s('from-county', 10)],
    requires: ['registered'], proofs: { required: true, what: '死亡证明' },
    effect: { kind: 'status', status: '10' }, reversible: true,
  },
  {
    code: '29', label: '其他离校', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool'], effect: { kind: 'status', status: '03' }, reversible: true,
  },
  {
    code: '52', label: '恢复入学资格', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'exited'], target: 'class', effect: { kind: 'resume', status: '01' }, reversible: true,
  },
  {
    // AP §18: with approval, ≤ 1 per class and ≤ 1 % of the school a year, never the graduating
    // grade, at most once in primary.
    code: '33', label: '留级(重读)', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool', 'notGraduatingGrade', 'repeatLimits'],
    target: 'class', effect: { kind: 'regrade' }, reversible: true,
  },
  {
    // AP §19: reported to the county; one grade up, not out of the graduating grade.
    code: '34', label: '跳级', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'inSchool', 'notGraduatingGrade', 'skipLimits'],
    target: 'class', effect: { kind: 'regrade' }, reversible: true,
  },
  {
    // A §18: corrected values applied on approval; before/after readable by the approving level.
    code: '51', label: '关键信息变更', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered'], proofs: { required: true, what: '户口簿、身份证等证明材料' },
    effect: { kind: 'correct' }, reversible: true,
  },
  {
    // A §13: compulsory education — the county; senior high — the city.
    code: '21', label: '毕业', subject: 'grade', filer: 'from-school',
    chain: { compulsory: county15, senior: [s('from-city', 15)] },
    requires: ['graduatingGrade', 'gradeNotEmpty'], effect: { kind: 'graduate', status: '06' }, reversible: true,
  },
  {
    code: '22', label: '结业', subject: 'grade', filer: 'from-school',
    chain: { compulsory: county15, senior: [s('from-city', 15)] },
    requires: ['graduatingGrade', 'gradeNotEmpty'], effect: { kind: 'graduate', status: '07' }, reversible: true,
  },
  {
    // F: rollback by the county for a graduate who returns.
    code: '36', label: '毕业回退', subject: 'student', filer: 'from-school', chain: county15,
    requires: ['registered', 'graduated'], effect: { kind: 'ungraduate', status: '01' }, reversible: true,
  },
  {
    // F: a teaching point sends its whole grade; both schools and the authority confirm.
    code: '35', label: '批量转学', subject: 'grade', filer: 'from-school',
    chain: [s('to-school', 5), s('from-county', 15)],
    requires: ['teachingPoint', 'gradeNotEmpty', 'otherSchool'],
    target: 'school-and-class', effect: { kind: 'batch-transfer' }, reversible: true,
  },
];

export const CHANGE_TYPE_BY_CODE: ReadonlyMap<string, ChangeTypeSpec> = new Map(CHANGE_TYPES.map((t) => [t.code, t]));

/** The code table of change types, for the content model and the admin pickers. */
export const CHANGE_TYPE_CODES = CHANGE_TYPES.map((t) => ({ code: t.code, label: t.label }));

/** Workflow states and decisions of a request, with their labels (the code tables derive from these). */
export const STATE_LABELS: Record<ChangeState, string> = {
  pending: '审核中', returned: '退回修改', approved: '已通过', rejected: '已驳回', cancelled: '已撤回', reversed: '已纠错撤销',
};
export const DECISION_LABELS: Record<Decision, string> = { approve: '同意', reject: '不同意', return: '退回修改' };

/** Labels of every type's payload fields (for views that show a stored payload). */
export const PAYLOAD_LABELS: Record<string, string> = Object.fromEntries(CHANGE_TYPES.flatMap((t) => (t.payload ?? []).map((f) => [f.key, f.label])));
