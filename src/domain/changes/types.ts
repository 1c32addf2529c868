/**
 * The vocabulary of the change engine (DESIGN "Changes are a table"). Pure types: the table in
 * table.ts declares every change type with them; the service only interprets the table.
 */

/**
 * Who acts, relative to the schools of a request: the student's (sending) side `from-*`, the
 * receiving side `to-*`, or the province. Resolved to one account scope (level + code) per request.
 */
export type Party = 'from-school' | 'to-school' | 'from-county' | 'to-county' | 'from-city' | 'to-city' | 'province';

export interface StepSpec {
  party: Party;
  /** Deadline in Chinese working days, counted from the day the step is reached. */
  days: number;
}

/** What a request is about: a draft record (registration), a registered student, or a whole grade. */
export type Subject = 'draft' | 'student' | 'grade';

/** Chains can differ by stage (graduation: county for compulsory education, city for senior high). */
export type Chain = StepSpec[] | { compulsory: StepSpec[]; senior: StepSpec[] };

export type Precondition =
  | 'draft'                 // a record not yet registered (draft or returned)
  | 'registered'
  | 'inSchool'              // enrollment status 在校
  | 'suspended'             // 休学
  | 'notSuspended'          // a suspended student cannot transfer (AP §12)
  | 'transferWindow'        // at term start or end, mid-term only for hardship (A §15), when configured
  | 'exited'                // left without finishing (辍学, 退学, 其他离校): may be restored
  | 'graduated'             // 毕业 or 结业
  | 'notGraduatingGrade'
  | 'graduatingGrade'
  | 'otherSchool'           // the receiving school is not the student's own
  | 'notSameDistrict'       // compulsory education: no transfer inside one 学区 (S)
  | 'sameGradeTarget'       // the target class is of the student's grade (when config asks)
  | 'suspensionLimits'      // at most N suspensions per stage (senior high twice)
  | 'extensionLimits'       // one extension per suspension
  | 'resumeGrade'           // resumption returns to the grade at suspension (AG 六)
  | 'repeatLimits'          // AP §18: ≤ 1 per class, ≤ 1 % of the school a year, once in primary
  | 'skipLimits'            // AP §19: not from a graduating grade, one grade up
  | 'withdrawalCause'       // compulsory education: only on loss of the ability to study (AP §13)
  | 'gradeNotEmpty'
  | 'teachingPoint';        // 批量转学: a teaching point's grade

export type EffectKind =
  | 'register'              // registration: registered, 地区学号 (and 学籍号 kept)
  | 'transfer'              // the record and everything of it moves to the receiving school and class
  | 'status'                // enrollment status set (and the record kept)
  | 'suspend'
  | 'extend'
  | 'resume'                // back into a class of the grade at suspension
  | 'regrade'               // repeat or skip: into a class of another grade
  | 'correct'               // key-field correction applied through withKeyFieldCorrection
  | 'graduate'              // whole grade: 毕业 / 结业
  | 'ungraduate'            // 毕业回退
  | 'batch-transfer';       // whole grade of a teaching point into a class of another school

export interface PayloadField {
  key: string;
  label: string;
  kind: 'text' | 'date' | 'months' | 'region' | 'code' | 'boolean';
  required?: boolean | 'compulsory';
  /** For kind 'code': allowed values. */
  values?: readonly string[];
}

export interface ChangeTypeSpec {
  code: string;
  label: string;
  subject: Subject;
  /** Who files it. */
  filer: Party;
  /** Default chain; `variants` are alternatives a province selects in config/xueji.ts. */
  chain: Chain;
  variants?: Record<string, Chain>;
  requires: Precondition[];
  /** Proof attachments: required always, only in compulsory education, or optional. */
  proofs?: { required: true | 'compulsory' | false; what: string };
  /** Target: a receiving school and class (transfer), or a class only (resume, repeat, skip). */
  target?: 'school-and-class' | 'class' | 'class-optional';
  payload?: PayloadField[];
  effect: { kind: EffectKind; status?: string };
  /** The county may reverse it after completion (异动纠错). */
  reversible: boolean;
}

export type ChangeState = 'pending' | 'returned' | 'approved' | 'rejected' | 'cancelled' | 'reversed';
export const OPEN_STATES: readonly ChangeState[] = ['pending', 'returned'];

export type Decision = 'approve' | 'reject' | 'return';

/** One resolved step of one request (stored on the request; a later config change does not move it). */
export interface ResolvedStep {
  party: Party;
  level: 'school' | 'county' | 'city' | 'province';
  code: string;
  days: number;
  due?: string | null;
  dueEstimated?: boolean;
  decision?: Decision;
  decidedAt?: string;
  deciderId?: number;
  deciderName?: string;
  comment?: string;
}
