/**
 * Change requests filed before the engine set `title` have none (the panel then shows the type
 * code). At bootstrap the missing titles are computed by the engine's rule (`requestTitle`, from
 * the type's label, the student or grade and the day of submission) and written in one
 * set-based UPDATE per 5,000 rows, in one transaction; only rows whose title is null are read,
 * so a second run changes nothing.
 */
import type { Core } from '@strapi/strapi';
import { CHANGE_TYPE_BY_CODE } from '../../domain/changes/table';
import { chinaDateOf, formatCalendarDate } from '../../domain/dates';
import { sqlOf, updateRows, requestTitle, UID } from './sql';

/** Fills in the missing titles; returns how many rows it wrote. */
export async function backfillRequestTitles(strapi: Core.Strapi): Promise<number> {
  return strapi.db.transaction(async () => {
    const rows: any[] = await strapi.db.query(UID.request as any).findMany({
      where: { title: { $null: true } },
      select: ['id', 'type', 'studentName', 'grade', 'submittedAt', 'createdAt'],
      populate: { student: { select: ['name'] } },
    });
    if (!rows.length) return 0;
    const sql = await sqlOf(strapi);
    const updates = rows.map((r) => {
      const day = formatCalendarDate(chinaDateOf(new Date(r.submittedAt ?? r.createdAt)));
      const label = CHANGE_TYPE_BY_CODE.get(String(r.type))?.label ?? String(r.type);
      return { id: r.id, title: requestTitle(label, r.studentName ?? r.student?.name, r.grade, day) };
    });
    const done = await updateRows(sql, sql.table(UID.request), updates, { id: 'int', title: 'text' });
    return done.length;
  });
}
