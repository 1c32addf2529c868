/**
 * Records read by name in the panel (issue 9, point 2): a change request carries a title
 * ('辍学 · 张三 · 2026-11-28') that lists and relation pickers show; relations show the linked
 * record's name; students' lists show 学校 and 班级; region fields are the region picker.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, CM } from './harness';
import { demo, file, freeStudents, schoolOfAccount, upload, CR, STUDENT } from './change-kit';
import { chinaDateOf, formatCalendarDate } from '../../src/domain/dates';
import { backfillRequestTitles } from '../../src/server/changes/titles';

let strapi: any;
beforeAll(async () => { strapi = await getStrapi(); });

describe('change request title', () => {
  it('is kept by the change engine and shown as the request in lists and pickers', async () => {
    const school = await schoolOfAccount();
    const [s] = await freeStudents(school.code);
    const api = await demo('school');
    const req = await file(api, { type: '28', student: s.documentId, reason: '长期未到校' });
    const row = await strapi.db.query(CR).findOne({ where: { documentId: req.documentId } });
    const today = (strapi.config.get('xueji.changes') as any)?.today ?? formatCalendarDate(chinaDateOf(new Date()));
    expect(row.title).toBe(`辍学 · ${s.name} · ${today}`);
    // The list (CM) returns it; the request is the mainField of its type and of the approval's link.
    const list = await api.get(`${CM}/${CR}?page=1&pageSize=100&sort=id:DESC`);
    expect(list.body.results.find((r: any) => r.documentId === req.documentId)?.title).toBe(row.title);
    const cfg = await api.get(`/content-manager/content-types/${CR}/configuration`);
    expect(cfg.body.data.contentType.settings.mainField).toBe('title');
    expect(cfg.body.data.contentType.metadatas.student.edit.mainField).toBe('name');
    expect(cfg.body.data.contentType.metadatas.fromSchool.edit.mainField).toBe('name');
    expect(cfg.body.data.contentType.metadatas.toClass.edit.mainField).toBe('name');
  });
});

describe('title backfill (requests filed before titles existed)', () => {
  it('fills in only the null titles by the engine\'s rule (day of submission in China), in one pass; a second run writes nothing', async () => {
    const school = await schoolOfAccount();
    const [a, b] = await freeStudents(school.code, {}, 2);
    const api = await demo('school');
    const old = await file(api, { type: '28', student: a.documentId, reason: '长期未到校' });
    const kept = await file(api, { type: '28', student: b.documentId, reason: '长期未到校' });
    const keptTitle = (await strapi.db.query(CR).findOne({ where: { documentId: kept.documentId } })).title;
    // As an old row: no title, submitted 2026-03-01 08:30 in China (00:30 UTC).
    const row = await strapi.db.query(CR).findOne({ where: { documentId: old.documentId } });
    await strapi.db.query(CR).update({ where: { id: row.id }, data: { title: null, submittedAt: new Date(Date.UTC(2026, 2, 1, 0, 30)) } });
    const nulls = await strapi.db.query(CR).count({ where: { title: { $null: true } } });
    expect(nulls).toBeGreaterThanOrEqual(1);
    expect(await backfillRequestTitles(strapi)).toBe(nulls);
    expect((await strapi.db.query(CR).findOne({ where: { documentId: old.documentId } })).title).toBe(`辍学 · ${a.name} · 2026-03-01`);
    expect((await strapi.db.query(CR).findOne({ where: { documentId: kept.documentId } })).title).toBe(keptTitle);
    expect(await strapi.db.query(CR).count({ where: { title: { $null: true } } })).toBe(0);
    expect(await backfillRequestTitles(strapi)).toBe(0);
  });
});

describe('correction payload', () => {
  it('is a JSON attribute shown by the payload view; the approving county reads old beside new', async () => {
    expect(strapi.getModel(CR).attributes.payload).toMatchObject({ type: 'json', customField: 'global::payload' });
    const school = await schoolOfAccount();
    const [s] = await freeStudents(school.code);
    const api = await demo('school');
    const req = await file(api, { type: '51', student: s.documentId, reason: '姓名登记错误，依户口簿更正', payload: { fields: { name: '更正后姓名' } }, proofs: [await upload('school@xueji.demo')] });
    // Stored as JSON; the Content Manager answers it as an object.
    const cm = await api.get(`${CM}/${CR}/${req.documentId}`);
    expect(cm.status, JSON.stringify(cm.body)).toBe(200);
    expect(cm.body.data.payload).toEqual({ fields: { name: '更正后姓名' } });
    // The view's source: the county (the approving level) gets the old value too.
    const county = await (await demo('county')).get(`/xueji/changes/${req.documentId}`);
    expect(county.body.data.payload.fields.name).toBe('更正后姓名');
    expect(county.body.data.payload.before.name).toBe(s.name);
  });
});

describe('student form and list', () => {
  it('students list 学校 and 班级 by name; region fields use the region picker', async () => {
    const api = await demo('county');
    const cfg = await api.get(`/content-manager/content-types/${STUDENT}/configuration`);
    expect(cfg.status).toBe(200);
    const ct = cfg.body.data.contentType;
    expect(ct.layouts.list).toEqual(expect.arrayContaining(['school', 'schoolClass']));
    expect(ct.metadatas.school.edit.mainField).toBe('name');
    expect(ct.metadatas.schoolClass.edit.mainField).toBe('name');
    const attrs = strapi.getModel(STUDENT).attributes;
    for (const key of ['birthPlace', 'nativePlace', 'hukouRegion']) expect(attrs[key].customField).toBe('global::region');
    expect(strapi.getModel('family.member').attributes.hukouRegion.customField).toBe('global::region');
    // The list answers the school's name for the column.
    const list = await api.get(`${CM}/${STUDENT}?page=1&pageSize=5`);
    expect(list.status).toBe(200);
    expect(typeof list.body.results[0].school?.name).toBe('string');
  });
});
