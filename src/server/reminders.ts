/**
 * Daily reminders (DESIGN "Cron"): every open change request whose current step is due within
 * two working days, or overdue, gets a notification to the unit it waits for ('due-soon' /
 * 'overdue'), shown in that unit's to-do list (/xueji/notifications). Once a day: the PostgreSQL
 * advisory lock (N instances) and a run row per day in `xueji_task_runs`; a log line; the
 * province may start it by hand (POST /xueji/tasks/reminders).
 */
import type { Core } from '@strapi/strapi';
import { CHANGE_TYPES, suspensionEnd } from '../domain/changes';
import { addWorkingDays } from '../domain/working-days';
import { chinaDateOf, formatCalendarDate } from '../domain/dates';
import { withSystemWrite } from './system-write';
import { sqlOf, rowsOf, UID } from './changes/sql';
import { TASK_RUNS_TABLE } from './db-constraints';

const LOCK_KEY = 7_310_002;

export type ReminderOutcome = { status: 'done'; day: string; reminders: number; resumeOverdue: number } | { status: 'noop' | 'busy'; day: string; message: string };

export async function remindDeadlines(strapi: Core.Strapi, opts: { trigger: 'cron' | 'manual'; actorName: string; today?: string }): Promise<ReminderOutcome> {
  const day = opts.today ?? formatCalendarDate(chinaDateOf(new Date()));
  return withSystemWrite('deadline reminders', () => strapi.db.transaction(async (): Promise<ReminderOutcome> => {
    const sql = await sqlOf(strapi);
    if (sql.dialect === 'postgres') {
      const ok = rowsOf(await sql.knex.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [LOCK_KEY]))[0]?.ok;
      if (!ok) return { status: 'busy', day, message: '提醒任务正在另一实例中执行' };
    }
    const claimed = rowsOf(await sql.knex.raw(
      `INSERT INTO ${TASK_RUNS_TABLE} (task, run_key, at) VALUES ('reminders', ?, ?) ON CONFLICT (task, run_key) DO NOTHING RETURNING task`, [day, sql.ts(new Date())]));
    if (!claimed.length) return { status: 'noop', day, message: `${day} 的办理期限提醒已发送，未重复执行` };
    const soon = addWorkingDays(day, 2).date;
    const rows = await strapi.db.query(UID.request).findMany({
      where: { openKey: { $notNull: true }, state: 'pending', dueDate: { $lte: soon }, waitingLevel: { $notNull: true } },
    });
    const label = new Map(CHANGE_TYPES.map((t) => [t.code, t.label]));
    const notes = rows.map((r: any) => {
      const overdue = String(r.dueDate) < day;
      return {
        row: r, level: r.waitingLevel, code: r.waitingCode, kind: overdue ? 'overdue' : 'due-soon', due: r.dueDate,
        message: `${label.get(r.type) ?? '学籍变动'}（${r.studentName ?? ''}）${overdue ? `已超过办理期限 ${r.dueDate}` : `将于 ${r.dueDate} 到期`}，请尽快办理`,
      };
    });
    // Suspended students past the end of their suspension (and its extensions): their school is told.
    const suspensions = await strapi.db.query(UID.request).findMany({
      where: { type: { $in: ['23', '25'] }, state: 'approved', student: { enrollmentStatus: '02' } },
      populate: { student: { select: ['id', 'name'] } }, orderBy: { completedAt: 'asc' },
    });
    const byStudent = new Map<number, any[]>();
    for (const r of suspensions) {
      if (!r.student) continue;
      if (!byStudent.has(r.student.id)) byStudent.set(r.student.id, []);
      byStudent.get(r.student.id)!.push(r);
    }
    const resume = [];
    for (const list of byStudent.values()) {
      const end = suspensionEnd(list.map((r) => ({ type: r.type, on: formatCalendarDate(chinaDateOf(new Date(r.completedAt))), months: Number(r.payload?.months) || 0 })));
      if (!end || end >= day) continue;
      const last = list[list.length - 1];
      resume.push({
        row: last, level: 'school', code: last.schoolCode, kind: 'resume-overdue', due: end,
        message: `学生 ${last.student.name} 休学期满（${end}）仍未复学，请办理复学，逾期不复学的按退学处理`,
      });
    }
    await (strapi.service('api::change-request.engine') as any).notify(sql, [...notes, ...resume], new Date());
    strapi.log.info(`[xueji] 办理期限提醒 ${day}：${notes.length} 条，休学期满未复学 ${resume.length} 人（${opts.trigger}，${opts.actorName}）`);
    return { status: 'done', day, reminders: notes.length, resumeOverdue: resume.length };
  }) as unknown as Promise<ReminderOutcome>);
}
