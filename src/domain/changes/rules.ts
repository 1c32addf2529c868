/**
 * The rules of the change engine as pure functions over facts the service loads: chain
 * resolution, preconditions, payload and proofs, and the workflow (who may decide, withdraw,
 * resubmit, reverse). Every refusal is a DomainError with a stable code and a Chinese message.
 */
import { DomainError } from '../errors';
import { stageOfGrade, isGraduatingGrade, type Stage } from '../grades';
import { parseCalendarDate } from '../dates';
import { addWorkingDays, type CalendarOverrides } from '../working-days';
import { CHANGE_TYPE_BY_CODE, STATE_LABELS } from './table';
import type { ChangeTypeSpec, Chain, StepSpec, Party, ResolvedStep, Decision, ChangeState } from './types';
import { OPEN_STATES } from './types';

export interface ChangeRules {
  /** Per type code: a variant name of the table ('national') or an explicit chain. */
  chains?: Record<string, string | Chain>;
  /** National calendar: from this day (MM-DD) no new business for graduating grades until graduation. */
  graduatingFreezeFrom?: string | null;
  /** The day the school year switches (MM-DD), ending the freeze window. */
  schoolYearSwitch?: string;
  suspension?: { maxMonths?: number; maxPerStage?: Partial<Record<'compulsory' | 'senior', number | null>>; maxExtensions?: number };
  repeat?: { perClassPerYear?: number; schoolPercentPerYear?: number; primaryOnce?: boolean };
  /** A §15: transfers at term start or end ([from, to] as MM-DD, inclusive); mid-term only for hardship. Empty: any day. */
  transferWindows?: Array<[string, string]>;
  /** Henan: transfers only into the same grade. */
  transferSameGradeOnly?: boolean;
  calendar?: CalendarOverrides;
}

export const DEFAULT_RULES: Required<Omit<ChangeRules, 'chains' | 'calendar'>> = {
  graduatingFreezeFrom: '07-01',
  schoolYearSwitch: '08-01',
  suspension: { maxMonths: 12, maxPerStage: { compulsory: null, senior: 2 }, maxExtensions: 1 },
  repeat: { perClassPerYear: 1, schoolPercentPerYear: 1, primaryOnce: true },
  transferSameGradeOnly: false,
  transferWindows: [],
};

const err = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, message, undefined, details);

export function changeTypeOf(code: unknown): ChangeTypeSpec {
  const spec = typeof code === 'string' ? CHANGE_TYPE_BY_CODE.get(code) : undefined;
  if (!spec) throw err('CHANGE_TYPE_UNKNOWN', `变动类型“${String(code ?? '')}”不存在`, { types: [...CHANGE_TYPE_BY_CODE.keys()] });
  return spec;
}

export const isCompulsory = (stage: Stage) => stage !== 'senior';

/** The chain of a type for a stage, after the province's configuration. */
export function chainOf(spec: ChangeTypeSpec, stage: Stage, rules: ChangeRules = {}): StepSpec[] {
  const chosen = rules.chains?.[spec.code];
  let chain: Chain = spec.chain;
  if (typeof chosen === 'string') {
    const variant = spec.variants?.[chosen];
    if (!variant) throw err('CHAIN_VARIANT_UNKNOWN', `配置错误：变动类型 ${spec.code} 没有名为“${chosen}”的审批流程`);
    chain = variant;
  } else if (chosen) chain = chosen;
  return Array.isArray(chain) ? chain : isCompulsory(stage) ? chain.compulsory : chain.senior;
}

export interface SideColumns { provinceCode?: string | null; cityCode?: string | null; countyCode?: string | null; schoolCode?: string | null }

const PARTY_LEVEL: Record<Party, ResolvedStep['level']> = {
  'from-school': 'school', 'to-school': 'school', 'from-county': 'county', 'to-county': 'county',
  'from-city': 'city', 'to-city': 'city', province: 'province',
};
const COLUMN_OF = { school: 'schoolCode', county: 'countyCode', city: 'cityCode', province: 'provinceCode' } as const;

export const PARTY_LABELS: Record<Party, string> = {
  'from-school': '原学校', 'to-school': '转入学校', 'from-county': '县级教育行政部门', 'to-county': '转入地县级教育行政部门',
  'from-city': '市级教育行政部门', 'to-city': '转入地市级教育行政部门', province: '省级教育行政部门',
};

/** The account scope (level + code) that acts for a party of a request. */
export function resolveParty(party: Party, from: SideColumns, to?: SideColumns | null): { level: ResolvedStep['level']; code: string } {
  const level = PARTY_LEVEL[party];
  const side = party.startsWith('to-') ? to : from;
  const code = side?.[COLUMN_OF[level]];
  if (!code) throw err('CHANGE_PARTY_UNKNOWN', `无法确定审批单位（${PARTY_LABELS[party]}）`);
  return { level, code };
}

export function resolveSteps(chain: StepSpec[], from: SideColumns, to?: SideColumns | null): ResolvedStep[] {
  return chain.map((st) => ({ party: st.party, days: st.days, ...resolveParty(st.party, from, to) }));
}

/** Sets the deadline of step `i`, reached on `today`. */
export function startStep(steps: ResolvedStep[], i: number, today: string, calendar?: CalendarOverrides): ResolvedStep[] {
  return steps.map((st, j) => {
    if (j !== i) return st;
    const due = addWorkingDays(today, st.days, calendar);
    return { ...st, due: due.date, dueEstimated: due.estimated || undefined };
  });
}

// ---------------------------------------------------------------- preconditions
export interface StudentFacts {
  registrationStatus: string;
  enrollmentStatus: string;
  grade: number;
  schoolingSystem: string;
  schoolCategory?: string;
  /** Approved suspensions in the current stage. */
  suspensions?: number;
  /** Approved extensions of the current suspension. */
  extensions?: number;
  /** Grade at suspension (the student's grade does not move while suspended). */
  suspendedGrade?: number | null;
  /** Approved repeats in primary school. */
  primaryRepeats?: number;
}

export interface FilingFacts {
  today: string;
  student?: StudentFacts;
  /** Grade requests: the school's grade and its in-school students. */
  grade?: { grade: number; schoolingSystem: string; schoolCategory?: string; schoolType?: string; inSchool: number };
  /** The receiving school and class. */
  target?: { schoolCode: string; classGrade?: number; sameDistrict?: boolean };
  ownSchoolCode?: string;
  /** Repeats this school year: in the student's class and in the school, and the school's size. */
  repeats?: { inClass: number; inSchool: number; schoolSize: number };
  payload?: Record<string, unknown>;
}

const STATUS_LABEL: Record<string, string> = {
  '01': '在校', '02': '休学', '03': '其他离校', '06': '毕业', '07': '结业', '09': '退学', '10': '死亡', '11': '转出', '12': '辍学',
};
const EXITED = ['03', '09', '12'];
const GRADUATED = ['06', '07'];
const TEACHING_POINT_TYPES = ['218'];
/** Graduation itself, and a death, are recorded whatever the date. */
const FREEZE_EXEMPT = ['21', '22', '26'];

function stageOf(f: FilingFacts): Stage {
  if (f.student) return stageOfGrade(f.student.grade, f.student.schoolingSystem);
  if (f.grade) return stageOfGrade(f.grade.grade, f.grade.schoolingSystem);
  return 'primary';
}

function mmdd(date: string): string {
  const d = parseCalendarDate(date);
  if (!d) throw err('DATE_INVALID', `日期“${date}”无效`);
  return `${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Every precondition of a type that fails, in table order (empty when the request may be filed). */
export function checkPreconditions(spec: ChangeTypeSpec, f: FilingFacts, rules: ChangeRules = {}): DomainError[] {
  // Nested settings fall back field by field, so a province overrides one number, not a block.
  const r = {
    ...DEFAULT_RULES, ...rules,
    suspension: { ...DEFAULT_RULES.suspension, ...rules.suspension, maxPerStage: { ...DEFAULT_RULES.suspension.maxPerStage, ...rules.suspension?.maxPerStage } },
    repeat: { ...DEFAULT_RULES.repeat, ...rules.repeat },
  };
  const out: DomainError[] = [];
  const st = f.student;
  const status = st ? STATUS_LABEL[st.enrollmentStatus] ?? st.enrollmentStatus : '';
  const stage = stageOf(f);
  const graduating = st ? isGraduatingGrade(st.grade, st.schoolingSystem, st.schoolCategory) : false;
  for (const p of spec.requires) {
    switch (p) {
      case 'draft':
        if (st && !['draft', 'returned'].includes(st.registrationStatus)) out.push(err('STUDENT_ALREADY_REGISTERED', '该学生已注册或正在审核中，不能再次提交注册'));
        break;
      case 'registered':
        if (st?.registrationStatus !== 'registered') out.push(err('STUDENT_NOT_REGISTERED', '该学生尚未注册学籍，请先办理新生注册'));
        break;
      case 'notSuspended':
        if (st?.enrollmentStatus === '02') out.push(err('SUSPENDED_NO_TRANSFER', `休学学生不能办理${spec.label}，复学后再办理`));
        break;
      case 'inSchool':
        if (st?.enrollmentStatus === '02' && spec.requires.includes('notSuspended')) break;
        if (st?.enrollmentStatus !== '01') out.push(err('STUDENT_NOT_IN_SCHOOL', `该学生当前学籍状态为“${status}”，不能办理${spec.label}`));
        break;
      case 'suspended':
        if (st?.enrollmentStatus !== '02') out.push(err('STUDENT_NOT_SUSPENDED', `该学生当前学籍状态为“${status}”，只有休学学生可以办理${spec.label}`));
        break;
      case 'exited':
        if (!st || !EXITED.includes(st.enrollmentStatus)) out.push(err('STUDENT_NOT_EXITED', `该学生当前学籍状态为“${status}”，只有辍学、退学或其他离校的学生可以恢复入学资格`));
        break;
      case 'graduated':
        if (!st || !GRADUATED.includes(st.enrollmentStatus)) out.push(err('STUDENT_NOT_GRADUATED', `该学生当前学籍状态为“${status}”，只有已毕业（结业）的学生可以毕业回退`));
        break;
      case 'notGraduatingGrade':
        if (graduating) out.push(err('GRADUATING_GRADE', `毕业年级学生不能办理${spec.label}`));
        break;
      case 'graduatingGrade': {
        const g = f.grade;
        if (!g || !isGraduatingGrade(g.grade, g.schoolingSystem, g.schoolCategory)) out.push(err('NOT_GRADUATING_GRADE', `${g?.grade ?? ''} 年级不是本校的毕业年级`));
        break;
      }
      case 'gradeNotEmpty':
        if (!f.grade?.inSchool) out.push(err('GRADE_EMPTY', '该年级没有在校学生'));
        break;
      case 'teachingPoint':
        if (!f.grade || !TEACHING_POINT_TYPES.includes(String(f.grade.schoolType ?? ''))) out.push(err('NOT_TEACHING_POINT', '批量转学只适用于教学点整年级转出'));
        break;
      case 'otherSchool':
        if (f.target && f.ownSchoolCode && f.target.schoolCode === f.ownSchoolCode) out.push(err('TRANSFER_SAME_SCHOOL', '转入学校与学生所在学校相同；校内调班请直接修改班级'));
        break;
      case 'notSameDistrict':
        if (isCompulsory(stage) && f.target?.sameDistrict) out.push(err('TRANSFER_SAME_DISTRICT', '义务教育阶段同一学区内的学校之间不能转学'));
        break;
      case 'transferWindow': {
        const windows = r.transferWindows ?? [];
        const day = mmdd(f.today);
        const open = !windows.length || windows.some(([a, b]) => (a <= b ? day >= a && day <= b : day >= a || day <= b));
        if (!open && f.payload?.hardship !== true) {
          out.push(err('TRANSFER_OUT_OF_WINDOW', `转学在学期初或学期末办理（${windows.map(([a, b]) => `${a}至${b}`).join('、')}）；学期中仅限特殊困难，请注明 hardship`));
        }
        break;
      }
      case 'sameGradeTarget':
        if (r.transferSameGradeOnly && st && f.target?.classGrade !== undefined && f.target.classGrade !== st.grade) {
          out.push(err('TRANSFER_GRADE_MISMATCH', `只能转入同一年级（学生现为 ${st.grade} 年级）`));
        }
        break;
      case 'suspensionLimits': {
        const max = r.suspension.maxPerStage?.[isCompulsory(stage) ? 'compulsory' : 'senior'];
        if (max != null && (st?.suspensions ?? 0) >= max) out.push(err('SUSPENSION_LIMIT', `本学段休学已达 ${max} 次，不能再次休学`));
        const months = Number(f.payload?.months);
        if (months > (r.suspension.maxMonths ?? 12)) out.push(err('SUSPENSION_TOO_LONG', `休学期限最长 ${r.suspension.maxMonths} 个月（一般为一学年）`));
        break;
      }
      case 'extensionLimits': {
        const max = r.suspension.maxExtensions ?? 1;
        if ((st?.extensions ?? 0) >= max) out.push(err('EXTENSION_LIMIT', `休学只能延期 ${max} 次`));
        const months = Number(f.payload?.months);
        if (months > (r.suspension.maxMonths ?? 12)) out.push(err('SUSPENSION_TOO_LONG', `延长期限最长 ${r.suspension.maxMonths} 个月`));
        break;
      }
      case 'resumeGrade': {
        const back = st?.suspendedGrade ?? st?.grade;
        if (f.target?.classGrade !== undefined && back !== undefined && f.target.classGrade !== back) {
          out.push(err('RESUME_GRADE_MISMATCH', `复学应回到休学时所在的 ${back} 年级，请选择 ${back} 年级的班级`));
        }
        break;
      }
      case 'repeatLimits': {
        if (st && st.grade <= 1) out.push(err('REPEAT_FIRST_GRADE', '一年级学生不能留级'));
        else if (st && f.target?.classGrade !== undefined && f.target.classGrade !== st.grade - 1) {
          out.push(err('REPEAT_GRADE_MISMATCH', `留级应编入 ${st.grade - 1} 年级的班级`));
        }
        const rp = f.repeats;
        const perClass = r.repeat.perClassPerYear ?? 1;
        if (rp && rp.inClass >= perClass) out.push(err('REPEAT_CLASS_LIMIT', `每班每学年留级不超过 ${perClass} 人，本班已有 ${rp.inClass} 人`));
        const pct = r.repeat.schoolPercentPerYear ?? 1;
        if (rp && rp.inSchool + 1 > Math.max(1, Math.floor((rp.schoolSize * pct) / 100))) {
          out.push(err('REPEAT_SCHOOL_LIMIT', `全校每学年留级不超过在校生的 ${pct}%（本校已有 ${rp.inSchool} 人）`));
        }
        if (r.repeat.primaryOnce && stage === 'primary' && (st?.primaryRepeats ?? 0) >= 1) out.push(err('REPEAT_PRIMARY_ONCE', '小学阶段最多留级一次'));
        break;
      }
      case 'skipLimits':
        if (st && f.target?.classGrade !== undefined && f.target.classGrade !== st.grade + 1) {
          out.push(err('SKIP_GRADE_MISMATCH', `跳级只能升入 ${st.grade + 1} 年级的班级`));
        }
        break;
      case 'withdrawalCause':
        if (isCompulsory(stage) && f.payload?.cause !== 'incapacity') {
          out.push(err('WITHDRAWAL_COMPULSORY', '义务教育阶段学生除丧失学习能力外不得退学（退学原因类别须为 incapacity，并附证明）'));
        }
        break;
    }
  }
  // National calendar: from 1 July nothing but graduation for graduating grades, until the switch.
  // Only students still on the roll (not graduates), and never the record of a death.
  const onRoll = st && ['01', '02'].includes(st.enrollmentStatus);
  if (r.graduatingFreezeFrom && graduating && onRoll && spec.subject === 'student' && !FREEZE_EXEMPT.includes(spec.code)) {
    const day = mmdd(f.today);
    if (day >= r.graduatingFreezeFrom && day < (r.schoolYearSwitch ?? '08-01')) {
      const [m, d] = r.graduatingFreezeFrom.split('-').map(Number);
      out.push(err('GRADUATING_FROZEN', `${m}月${d}日起毕业年级学生暂停办理学籍变动，待毕业办理完成`));
    }
  }
  return out;
}

/** Type-specific data: required fields (some only in compulsory education) and their shapes. */
export function checkPayload(spec: ChangeTypeSpec, payload: Record<string, unknown> | undefined, stage: Stage): DomainError[] {
  const out: DomainError[] = [];
  for (const field of spec.payload ?? []) {
    const v = payload?.[field.key];
    const required = field.required === true || (field.required === 'compulsory' && isCompulsory(stage));
    if (v === undefined || v === null || v === '') {
      if (required) out.push(new DomainError('PAYLOAD_REQUIRED', `${field.label}：必须填写`, field.label, { key: field.key }));
      continue;
    }
    const bad = (problem: string) => out.push(new DomainError('PAYLOAD_INVALID', `${field.label}：${problem}`, field.label, { key: field.key }));
    switch (field.kind) {
      case 'date': if (typeof v !== 'string' || !parseCalendarDate(v)) bad('应为日期（YYYY-MM-DD）'); break;
      case 'months': if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 36) bad('应为 1–36 的整数'); break;
      case 'code': if (!field.values?.includes(String(v))) bad(`应为 ${field.values?.join('、')} 之一`); break;
      case 'boolean': if (typeof v !== 'boolean') bad('应为是或否'); break;
      default: if (typeof v !== 'string' || v.length > 200) bad('应为不超过 200 字的文本');
    }
  }
  return out;
}

export function proofsRequired(spec: ChangeTypeSpec, stage: Stage): boolean {
  const req = spec.proofs?.required;
  return req === true || (req === 'compulsory' && isCompulsory(stage));
}

// ---------------------------------------------------------------- workflow
export interface Actor { id: number; level: string; code: string }
export interface RequestView {
  state: ChangeState;
  currentStep: number;
  steps: ResolvedStep[];
  filerId: number;
  filerLevel: string;
  filerCode: string;
}

/** May this actor decide the current step? Every refusal names why. */
export function checkDecider(req: RequestView, actor: Actor): DomainError | null {
  if (req.state !== 'pending') return err('CHANGE_NOT_PENDING', `该申请当前状态为“${STATE_LABELS[req.state]}”，不能审批`);
  const step = req.steps[req.currentStep];
  if (!step || step.level !== actor.level || step.code !== actor.code) {
    return err('CHANGE_NOT_YOUR_STEP', `该申请当前等待${step ? PARTY_LABELS[step.party] : '—'}审批，不是本单位的审批环节`);
  }
  if (actor.id === req.filerId) return err('CHANGE_SELF_APPROVAL', '不能审批自己提交的申请');
  if (req.steps.some((s, i) => i !== req.currentStep && s.deciderId === actor.id && s.decision === 'approve')) {
    return err('CHANGE_TWO_STEPS', '同一申请的两个审批环节不能由同一人审批');
  }
  return null;
}

export function checkDecision(decision: unknown, comment: unknown): Decision {
  if (decision !== 'approve' && decision !== 'reject' && decision !== 'return') {
    throw err('DECISION_INVALID', '审批结果应为 approve（同意）、reject（不同意）或 return（退回修改）');
  }
  if (comment !== undefined && comment !== null && typeof comment !== 'string') throw err('COMMENT_INVALID', '审批意见应为文本');
  if (typeof comment === 'string' && comment.length > 2000) throw err('COMMENT_INVALID', '审批意见最多 2000 字');
  if (decision !== 'approve' && !String(comment ?? '').trim()) {
    throw err('COMMENT_REQUIRED', decision === 'reject' ? '不同意时必须填写理由' : '退回修改时必须说明需要修改的内容');
  }
  return decision;
}

/** The state after a decision on the current step. */
export function afterDecision(req: RequestView, decision: Decision): { state: ChangeState; currentStep: number; completed: boolean } {
  if (decision === 'reject') return { state: 'rejected', currentStep: req.currentStep, completed: false };
  if (decision === 'return') return { state: 'returned', currentStep: req.currentStep, completed: false };
  const next = req.currentStep + 1;
  if (next >= req.steps.length) return { state: 'approved', currentStep: req.currentStep, completed: true };
  return { state: 'pending', currentStep: next, completed: false };
}

const isFilerSide = (req: RequestView, actor: Actor) => actor.level === req.filerLevel && actor.code === req.filerCode;

/** The filer's side withdraws until the first decision (or while it is returned to them). */
export function checkWithdraw(req: RequestView, actor: Actor): DomainError | null {
  if (!isFilerSide(req, actor)) return err('CHANGE_NOT_FILER', '只有提交申请的单位可以撤回');
  if (req.state === 'returned') return null;
  if (req.state !== 'pending') return err('CHANGE_NOT_PENDING', `该申请当前状态为“${STATE_LABELS[req.state]}”，不能撤回`);
  if (req.steps.some((s) => s.decision)) return err('CHANGE_ALREADY_DECIDED', '已有审批单位作出决定，不能撤回');
  return null;
}

export function checkResubmit(req: RequestView, actor: Actor): DomainError | null {
  if (!isFilerSide(req, actor)) return err('CHANGE_NOT_FILER', '只有提交申请的单位可以重新提交');
  if (req.state !== 'returned') return err('CHANGE_NOT_RETURNED', '只有被退回修改的申请可以重新提交');
  return null;
}

/** 异动纠错: the county of the student's side (or the receiving side of a transfer) reverses a completed change. */
export function checkReverse(spec: ChangeTypeSpec, req: RequestView & { from: SideColumns; to?: SideColumns | null }, actor: Actor): DomainError | null {
  if (actor.level !== 'county' || (actor.code !== req.from.countyCode && actor.code !== req.to?.countyCode)) {
    return err('REVERSE_COUNTY_ONLY', '异动纠错由学生所在地（或转入地）的县级教育行政部门办理');
  }
  if (req.state !== 'approved') return err('CHANGE_NOT_APPROVED', '只有已办结的学籍变动可以纠错撤销');
  if (!spec.reversible) return err('CHANGE_NOT_REVERSIBLE', `“${spec.label}”不能纠错撤销`);
  return null;
}


export const isOpen = (state: string) => (OPEN_STATES as readonly string[]).includes(state);

/**
 * The day a suspension ends (AG 五/六): the approval day of the latest 休学 plus its months and
 * those of the extensions approved after it; null when there is none. Not resumed by then, the
 * school must act (复学, or withdrawal).
 */
export function suspensionEnd(events: Array<{ type: string; on: string; months: number }>): string | null {
  let start: string | null = null;
  let months = 0;
  for (const e of [...events].sort((a, b) => a.on.localeCompare(b.on))) {
    if (e.type === '23') { start = e.on; months = e.months; }
    else if (e.type === '25' && start) months += e.months;
  }
  if (!start) return null;
  const d = parseCalendarDate(start);
  if (!d) return null;
  const total = d.month - 1 + months;
  const year = d.year + Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d.day, last)).padStart(2, '0')}`;
}
