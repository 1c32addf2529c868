/**
 * Grades 1–12 and stages. Grade numbers are absolute (grade 7 is the 7th school year) whatever
 * the 学制, so promotion is always +1 and class cohorts keep their number.
 *
 * Decisions:
 * - 5-4 system: grade 6 is junior; grades 6–9 are labelled 六年级…九年级, because regions call
 *   them differently (Shanghai 预备/七年级, Shandong 初一…初四) and 初一 must not mean two grades.
 * - '9' and '12' (一贯制) schools split primary/junior as 6+3.
 * - Graduating grades (学籍 毕业): the end of compulsory education (9) and of senior high (12)
 *   always; the end of primary only when the school does not teach the next grade — in a 九年/
 *   十二年一贯制 school primary pupils move on internally, with no 学籍 graduation.
 * - isInitialGrade is per stage (1, 7 or 6 in 5-4, 10): entrants there get a new 地区学号.
 * Functions throw DomainError GRADE_INVALID / SCHOOLING_SYSTEM_UNKNOWN / SCHOOL_CATEGORY_REQUIRED.
 */
import { DomainError, fieldError } from './errors';
import { CODE_TABLES, isCode, type SchoolingSystemCode } from './code-tables';

export type Stage = 'primary' | 'junior' | 'senior';
export const STAGES: readonly Stage[] = ['primary', 'junior', 'senior'];
export const STAGE_LABELS: Record<Stage, string> = { primary: '小学', junior: '初中', senior: '高中' };

export const MIN_GRADE = 1;
export const MAX_GRADE = 12;

function assertGrade(grade: number): void {
  if (!Number.isInteger(grade) || grade < MIN_GRADE || grade > MAX_GRADE) {
    throw fieldError('GRADE_INVALID', '年级', `应为 1–12 的整数，收到 ${grade}`);
  }
}

function assertSystem(system: string): asserts system is SchoolingSystemCode {
  if (!isCode(CODE_TABLES.schoolingSystem, system)) {
    throw fieldError('SCHOOLING_SYSTEM_UNKNOWN', '学制', `未知学制“${system}”`);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Only 5-4 moves the primary/junior boundary. */
function primaryYears(system: string): number {
  return system === '5-4' ? 5 : 6;
}

export function firstGradeOfStage(stage: Stage, system: string = '6-3-3'): number {
  if (stage === 'primary') return 1;
  if (stage === 'junior') return primaryYears(system) + 1;
  return 10;
}

export function lastGradeOfStage(stage: Stage, system: string = '6-3-3'): number {
  if (stage === 'primary') return primaryYears(system);
  return stage === 'junior' ? 9 : 12;
}

export function stageOfGrade(grade: number, system: string = '6-3-3'): Stage {
  assertGrade(grade);
  assertSystem(system);
  if (grade <= primaryYears(system)) return 'primary';
  return grade <= 9 ? 'junior' : 'senior';
}

const CHINESE_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

export function gradeLabel(grade: number, system: string = '6-3-3'): string {
  assertGrade(grade);
  if (grade <= 6 || (system === '5-4' && grade <= 9)) return `${CHINESE_NUMERALS[grade]}年级`;
  if (grade <= 9) return `初${CHINESE_NUMERALS[grade - 6]}`;
  return `高${CHINESE_NUMERALS[grade - 9]}`;
}

/** Class name shown everywhere, e.g. '初一(3)班'. */
export function className(grade: number, classNumber: number, system: string = '6-3-3'): string {
  if (!Number.isInteger(classNumber) || classNumber < 1) {
    throw fieldError('CLASS_NUMBER_INVALID', '班号', `应为正整数，收到 ${classNumber}`);
  }
  return `${gradeLabel(grade, system)}(${classNumber})班`;
}

/**
 * Grades a school teaches. '6-3-3' and '5-4' need the school category (first two digits of the
 * 学校标识码) to know the stage; 一贯制 and 完全中学 systems fix the grades themselves.
 */
export function gradesOfSchool(system: string, schoolCategory?: string): number[] {
  assertSystem(system);
  if (system === '9') return range(1, 9);
  if (system === '12') return range(1, 12);
  if (system === '3+3') return range(7, 12);
  const primary = range(1, primaryYears(system));
  const junior = range(primaryYears(system) + 1, 9);
  switch (schoolCategory) {
    case '21': // 小学
    case '22': // 成人小学
      return primary;
    case '31': // 普通初中
    case '32': // 职业初中
    case '37': // 工读学校: compulsory-age pupils of junior level
      return junior;
    case '34': // 普通高中
      return range(10, 12);
    case '51': // 特殊教育学校: compulsory education
      return range(1, 9);
    case '11':
      throw new DomainError('SCHOOL_CATEGORY_NO_RECORD', '学校类别：幼儿园不建学籍', '学校类别');
    case undefined:
    case '':
      throw fieldError('SCHOOL_CATEGORY_REQUIRED', '学校类别', `学制“${system}”须指明学校类别才能确定所设年级`);
    default:
      throw fieldError('SCHOOL_CATEGORY_UNKNOWN', '学校类别', `未知学校类别“${schoolCategory}”`);
  }
}

/** Stages the school teaches, in order. */
export function stagesOfSchool(system: string, schoolCategory?: string): Stage[] {
  const stages = gradesOfSchool(system, schoolCategory).map((g) => stageOfGrade(g, system));
  return STAGES.filter((s) => stages.includes(s));
}

/** Grades whose students graduate (毕业) from this school; see the decision above. */
export function graduatingGrades(system: string, schoolCategory?: string): number[] {
  const grades = gradesOfSchool(system, schoolCategory);
  return grades.filter((g) => {
    const stage = stageOfGrade(g, system);
    if (g !== lastGradeOfStage(stage, system)) return false;
    return stage !== 'primary' || !grades.includes(g + 1);
  });
}

export function isGraduatingGrade(grade: number, system: string, schoolCategory?: string): boolean {
  return graduatingGrades(system, schoolCategory).includes(grade);
}

/** First grade of its stage (1, 7 — 6 in 5-4 — and 10). */
export function isInitialGrade(grade: number, system: string = '6-3-3'): boolean {
  return grade === firstGradeOfStage(stageOfGrade(grade, system), system);
}

/**
 * The grade after promotion, or null when the student graduates or leaves the school's grades.
 * Without a system it is simply grade + 1 up to 12.
 */
export function nextGrade(grade: number, system?: string, schoolCategory?: string): number | null {
  assertGrade(grade);
  if (system === undefined) return grade < MAX_GRADE ? grade + 1 : null;
  const grades = gradesOfSchool(system, schoolCategory);
  if (isGraduatingGrade(grade, system, schoolCategory) || !grades.includes(grade + 1)) return null;
  return grade + 1;
}

/**
 * The grade of a cohort in a given school year (a class keeps its identity as it moves up):
 * e.g. a class that entered grade 7 in 2024 is grade 9 in school year 2026.
 */
export function gradeInSchoolYear(entryGrade: number, entryYear: number, schoolYear: number): number {
  return entryGrade + (schoolYear - entryYear);
}

/**
 * School year (the calendar year it starts in) of a day; it changes on the promotion date
 * (Anhui 1 August by default, the national system 10 August).
 */
export function schoolYearOf(date: { year: number; month: number; day: number }, switchMonth = 8, switchDay = 1): number {
  const beforeSwitch = date.month < switchMonth || (date.month === switchMonth && date.day < switchDay);
  return beforeSwitch ? date.year - 1 : date.year;
}
