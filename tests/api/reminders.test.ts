/**
 * Daily deadline reminders: one notification per open request near or past its step's deadline
 * to the unit it waits for, once a day (run row), started by hand by the province only.
 */
import { describe, it, expect } from 'vitest';
import { getStrapi } from './harness';
import { demo, refused, CR } from './change-kit';
import { remindDeadlines } from '../../src/server/reminders';
import { cronTasks } from '../../src/server/cron';

const NOTE = 'api::notification.notification';

describe('deadline reminders', () => {
  it('a day far ahead: every open request waiting for a unit is overdue and its unit is told, once', async () => {
    const strapi: any = await getStrapi();
    const open = await strapi.db.query(CR).count({ where: { openKey: { $notNull: true }, state: 'pending', waitingLevel: { $notNull: true } } });
    expect(open).toBeGreaterThan(0); // the demo files requests waiting at every level
    const before = await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } });
    const out = await remindDeadlines(strapi, { trigger: 'manual', actorName: 'test', today: '2099-01-05' });
    expect(out).toEqual({ status: 'done', day: '2099-01-05', reminders: open });
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } })).toBe(before + open);
    const note = await strapi.db.query(NOTE).findOne({ where: { kind: 'overdue' }, orderBy: { id: 'desc' }, populate: { changeRequest: true } });
    expect(note.message).toMatch(/已超过办理期限/);
    expect(note.changeRequest).toBeTruthy();
    expect([note.changeRequest.waitingLevel, note.changeRequest.waitingCode]).toEqual([note.recipientLevel, note.recipientCode]);
    const again = await remindDeadlines(strapi, { trigger: 'cron', actorName: 'test', today: '2099-01-05' });
    expect(again.status).toBe('noop');
    expect(await strapi.db.query(NOTE).count({ where: { kind: 'overdue' } })).toBe(before + open);
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
