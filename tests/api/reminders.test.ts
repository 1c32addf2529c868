/**
 * Daily deadline reminders: one notification per open request near or past its step's deadline
 * to the unit it waits for, once a day (run row), started by hand by the province only.
 */
import { describe, it, expect } from 'vitest';
import { getStrapi } from './harness';
import { demo, refused, file, decide, upload, freeStudents, CR } from './change-kit';
import { remindDeadlines } from '../../src/server/reminders';
import { cronTasks } from '../../src/server/cron';

const NOTE = 'api::notification.notification';

describe('deadline reminders', () => {
  it('a day far ahead: every open request waiting for a unit is overdue and its unit is told, once', async () => {
    const strapi: any = await getStrapi();
    const open = await strapi.db.query(CR).count({ where: { openKey: { $notNull: true }, state: 'pending', waitingLevel: { $notNull: true } } });
    expect(open).toBeGreaterThan(0); // the demo files requests waiting at every level
    const before = await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } });
    const resumeBefore = await strapi.db.query(NOTE).count({ where: { kind: 'resume-overdue' } });
    const out: any = await remindDeadlines(strapi, { trigger: 'manual', actorName: 'test', today: '2099-01-05' });
    expect(out).toMatchObject({ status: 'done', day: '2099-01-05', reminders: open });
    // Every suspended student is long past the end of the suspension by then: each school is told.
    const suspended = await strapi.db.query(CR).findMany({ where: { type: '23', state: 'approved', student: { enrollmentStatus: '02' } }, populate: { student: true } });
    expect(out.resumeOverdue).toBe(new Set(suspended.map((r: any) => r.student.id)).size);
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'resume-overdue' } })).toBe(resumeBefore + out.resumeOverdue);
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } })).toBe(before + open);
    const note = await strapi.db.query(NOTE).findOne({ where: { kind: 'overdue' }, orderBy: { id: 'desc' }, populate: { changeRequest: true } });
    expect(note.message).toMatch(/已超过办理期限/);
    expect(note.changeRequest).toBeTruthy();
    expect([note.changeRequest.waitingLevel, note.changeRequest.waitingCode]).toEqual([note.recipientLevel, note.recipientCode]);
    const again = await remindDeadlines(strapi, { trigger: 'cron', actorName: 'test', today: '2099-01-05' });
    expect(again.status).toBe('noop');
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } })).toBe(before + open);
  });

  it('a suspended student not resumed by the end of the suspension and its extension is flagged to the school', async () => {
    const strapi: any = await getStrapi();
    const user = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
    const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
    const [s] = await freeStudents(scope.code, { grade: 3 });
    const school = await demo('school');
    const county = await demo('county');
    const req = await file(school, { type: '23', student: s.documentId, reason: '病休', payload: { months: 6 }, proofs: [await upload('school@xueji.demo')] });
    await decide(county, req.documentId, 'approve');
    const row = await strapi.db.query(CR).findOne({ where: { documentId: req.documentId } });
    const approvedOn = new Date(row.completedAt);
    const end = new Date(approvedOn.getTime() + 200 * 86_400_000).toISOString().slice(0, 10); // after 6 months
    const out: any = await remindDeadlines(strapi, { trigger: 'manual', actorName: 'test', today: end });
    expect(out.status).toBe('done');
    const note = await strapi.db.query(NOTE).findOne({ where: { kind: 'resume-overdue', changeRequest: { id: row.id } } });
    expect(note).toMatchObject({ recipientLevel: 'school', recipientCode: scope.code });
    expect(note.message).toContain(s.name);
    // Before the end: not flagged.
    const early = new Date(approvedOn.getTime() + 100 * 86_400_000).toISOString().slice(0, 10);
    await remindDeadlines(strapi, { trigger: 'manual', actorName: 'test', today: early });
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'resume-overdue', changeRequest: { id: row.id } } })).toBe(1);
  });

  it('started by hand: the province only', async () => {
    refused(await (await demo('county')).post('/xueji/tasks/reminders', {}), 403, 'PROVINCE_ONLY');
    const res = await (await demo('province')).post('/xueji/tasks/reminders', {});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.status).toBe('done');
    const again = await (await demo('province')).post('/xueji/tasks/reminders', {});
    expect(again.status).toBe(200);
    expect(again.body.data.status).toBe('noop');
    expect(cronTasks(strapi_()).map((t) => t.name)).toContain('reminders');
  });
});

const strapi_ = () => (globalThis as any).__xuejiStrapi;
