/**
 * 学年升级 (SPEC §5, DESIGN "Cron"): on the configured date (Anhui 1 August) the school year
 * switches and every registered in-school (在校) student moves up one grade with their class.
 * Classes are cohorts: the grade number of a class and of its students changes, no student is
 * relinked. Graduating grades stay (毕业 is a change request of its own); suspended (休学) and
 * other not-in-school students keep their grade.
 *
 * Pure planning: which (school, grade) pairs move, to which grade, under which class-name label.
 * The SQL (src/server/promotion.ts) applies the plan in one statement per table.
 */
import { DomainError } from './errors';
import { gradeLabel, gradesOfSchool, graduatingGrades, nextGrade, schoolYearOf } from './grades';
import type { CalendarDate } from './dates';

export interface PromotionSchool { code: string; name?: string; schoolingSystem: string | null; category: string | null }

/** One (school, grade) that moves up: students and classes of `grade` become `toGrade`. */
export interface PromotionPair { schoolCode: string; grade: number; toGrade: number; label: string; backLabel: string }

export interface SchoolPlan {
  schoolCode: string;
  pairs: PromotionPair[];
  /** Grades whose students graduate (not promoted). */
  graduating: number[];
  /** Grades taught but with no next grade here (e.g. a 完小's last grade in a 一贯制 split) — not promoted either. */
  stay: number[];
  /** Why the school cannot be planned (no 学制 or category); it is left as is and reported. */
  problem?: string;
}

/** The plan of one school: every taught grade with a next grade moves up; the highest first is irrelevant (one statement). */
export function planSchool(s: PromotionSchool): SchoolPlan {
  const out: SchoolPlan = { schoolCode: s.code, pairs: [], graduating: [], stay: [] };
  if (!s.schoolingSystem) return { ...out, problem: '学校未设置学制' };
  let grades: number[];
  try {
    grades = gradesOfSchool(s.schoolingSystem, s.category ?? undefined);
  } catch (e) {
    return { ...out, problem: e instanceof DomainError ? e.message : String(e) };
  }
  const graduating = graduatingGrades(s.schoolingSystem, s.category ?? undefined);
  for (const g of grades) {
    const to = nextGrade(g, s.schoolingSystem, s.category ?? undefined);
    if (to === null) {
      (graduating.includes(g) ? out.graduating : out.stay).push(g);
      continue;
    }
    out.pairs.push({ schoolCode: s.code, grade: g, toGrade: to, label: gradeLabel(to, s.schoolingSystem), backLabel: gradeLabel(g, s.schoolingSystem) });
  }
  return out;
}

export function planPromotion(schools: PromotionSchool[]): SchoolPlan[] {
  return schools.map(planSchool);
}

/** The school year a promotion on `date` opens (the switch date counts as the new year). */
export function promotionTargetYear(date: CalendarDate, switchMonth = 8, switchDay = 1): number {
  return schoolYearOf(date, switchMonth, switchDay);
}

/** '2026-2027'. */
export const schoolYearLabel = (year: number): string => `${year}-${year + 1}`;

/**
 * Whether a promotion into `target` may start while the system is in `current`: only the next
 * school year, and (given the school year of today's date) at most one year ahead of the calendar. A run for a year already reached is a no-op (reported, not an error) — decided
 * by the caller from the run row.
 */
export function checkPromotionTarget(current: number, target: number, calendarYear?: number): void {
  if (!Number.isInteger(target) || target < 2000 || target > 2100) {
    throw new DomainError('PROMOTION_YEAR_INVALID', `学年：应为四位年份（如 ${current + 1}），收到 ${target}`, '学年');
  }
  if (target !== current + 1) {
    throw new DomainError('PROMOTION_YEAR_INVALID', `学年：当前为 ${schoolYearLabel(current)} 学年，只能升级到 ${schoolYearLabel(current + 1)} 学年`, '学年', { current, target });
  }
  // At most one school year ahead of the calendar (an early start before 1 August): a second
  // start the day after a run would otherwise promote the province into the year after next.
  if (calendarYear !== undefined && target > calendarYear + 1) {
    throw new DomainError('PROMOTION_YEAR_INVALID', `学年：按日历现在是 ${schoolYearLabel(calendarYear)} 学年，最多提前升级到 ${schoolYearLabel(calendarYear + 1)} 学年，不能升级到 ${schoolYearLabel(target)} 学年`, '学年', { current, target, calendarYear });
  }
}

/** Counts of a preview row: registered students of a (school, grade) by enrollment status. */
export interface GradeCount { schoolCode: string; grade: number; inSchool: number; suspended: number; other: number; classes: number }

export interface PreviewGrade { grade: number; toGrade: number | null; students: number; suspended: number; classes: number; action: 'promote' | 'graduate' | 'stay' }

/** Per-school preview rows from the plan and the counts (grades with nobody are left out). */
export function previewOfSchool(plan: SchoolPlan, counts: GradeCount[]): PreviewGrade[] {
  const byGrade = new Map(counts.filter((c) => c.schoolCode === plan.schoolCode).map((c) => [c.grade, c]));
  const rows: PreviewGrade[] = [];
  for (const [grade, c] of [...byGrade.entries()].sort((a, b) => a[0] - b[0])) {
    const pair = plan.pairs.find((p) => p.grade === grade);
    const action = pair ? 'promote' : plan.graduating.includes(grade) ? 'graduate' : 'stay';
    rows.push({ grade, toGrade: pair ? pair.toGrade : null, students: c.inSchool, suspended: c.suspended, classes: c.classes, action });
  }
  return rows;
}
