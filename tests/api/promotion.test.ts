/**
 * 学年升级 on the demo province: preview (counts and blockers), refusals, a failure in the middle
 * leaving nothing changed, one run moving every registered in-school student and class up once
 * (graduating grades and suspended students stay, nobody relinked), a second and a concurrent
 * run as no-ops, undo restoring every grade and class name, the audit rows, and the cron wiring.
 * The test ends with the province as it found it (undo), so later files see the seeded grades.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getStrapi } from './harness';
import { account, demo, refused, STUDENT, CLASS } from './change-kit';
import { promotionService, readSchoolYear, targetOfToday } from '../../src/server/promotion';
import { planSchool } from '../../src/domain/promotion';
import { cronTasks, registerCron, stopCron } from '../../src/server/cron';

let strapi: any;
const q = (uid: string) => strapi.db.query(uid);
let before: Map<number, { grade: number; status: string; reg: string; school: string; classId: number | null }>;
let classesBefore: Map<number, { grade: number; name: string; school: string }>;
let graduating: Map<string, number[]>;
let suspendedId: number;
let year0: number;

async function studentsNow() {
  const rows = await q(STUDENT).findMany({ select: ['id', 'grade', 'enrollmentStatus', 'registrationStatus', 'schoolCode'], populate: { schoolClass: { select: ['id'] } } });
  return new Map<number, any>(rows.map((s: any) => [s.id, { grade: s.grade, status: s.enrollmentStatus, reg: s.registrationStatus, school: s.schoolCode, classId: s.schoolClass?.id ?? null }]));
}
async function classesNow() {
  const rows = await q(CLASS).findMany({ select: ['id', 'grade', 'name', 'schoolCode'] });
  return new Map<number, any>(rows.map((c: any) => [c.id, { grade: c.grade, name: c.name, school: c.schoolCode }]));
}
const promotes = (s: { grade: number; status: string; reg: string; school: string }) =>
  s.reg === 'registered' && s.status === '01' && !graduating.get(s.school)!.includes(s.grade) && planOf.get(s.school)!.includes(s.grade);
let planOf: Map<string, number[]>;

beforeAll(async () => {
  strapi = await getStrapi();
  // One suspended student of a non-graduating grade: keeps the grade.
  const s = await q(STUDENT).findOne({ where: { registrationStatus: 'registered', enrollmentStatus: '01', grade: 3 } });
  suspendedId = s.id;
  await q(STUDENT).update({ where: { id: s.id }, data: { enrollmentStatus: '02' } });
  const schools = await q('api::school.school').findMany({ select: ['code', 'schoolingSystem', 'category'] });
  graduating = new Map(schools.map((x: any) => [x.code, planSchool(x).graduating]));
  planOf = new Map(schools.map((x: any) => [x.code, planSchool(x).pairs.map((p) => p.grade)]));
  before = await studentsNow();
  classesBefore = await classesNow();
  year0 = (await readSchoolYear(strapi)).schoolYear;
});

afterAll(async () => {
  await q(STUDENT).update({ where: { id: suspendedId }, data: { enrollmentStatus: '01' } });
});

describe('学年升级', () => {
  it('only a province official may preview, start or undo: 403 PROVINCE_ONLY', async () => {
    for (const who of ['school', 'county', 'city'] as const) {
      const api = await demo(who);
      refused(await api.get('/xueji/promotion/preview'), 403, 'PROVINCE_ONLY');
      refused(await api.post('/xueji/promotion/runs', {}), 403, 'PROVINCE_ONLY');
      refused(await api.post(`/xueji/promotion/runs/${year0 + 1}/undo`, {}), 403, 'PROVINCE_ONLY');
    }
  });

  it('preview: counts per school and grade, graduating grades stay, blockers named; nothing changes', async () => {
    const res = await (await demo('province')).get('/xueji/promotion/preview');
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    const p = res.body.data;
    expect(p).toMatchObject({ schoolYear: year0 + 1, schoolYearLabel: `${year0 + 1}-${year0 + 2}`, currentSchoolYear: year0, alreadyRun: false });
    const expected = [...before.values()].filter(promotes).length;
    expect(p.totals.promoted).toBe(expected);
    expect(p.totals.suspendedKept).toBeGreaterThanOrEqual(1);
    const gradRows = p.schools.flatMap((s: any) => s.grades.filter((g: any) => g.action === 'graduate').map((g: any) => [s.code, g.grade]));
    for (const [code, grade] of gradRows) expect(graduating.get(code)).toContain(grade);
    // A graduating-grade student with an open request is a blocker.
    for (const b of p.blockers.filter((x: any) => x.code === 'GRADUATING_OPEN_REQUESTS')) {
      expect(graduating.get(b.schoolCode)).toContain(b.grade);
      expect(b.message).toMatch(/毕业年级/);
    }
    expect(await studentsNow()).toEqual(before);
    refused(await (await demo('province')).get('/xueji/promotion/preview?schoolYear=abc'), 400, 'PROMOTION_YEAR_INVALID');
    refused(await (await demo('province')).post('/xueji/promotion/runs', { schoolYear: year0 + 3, ignoreBlockers: true }), 400, 'PROMOTION_YEAR_INVALID');
  });

  it('blockers refuse a manual start unless confirmed: 409 PROMOTION_BLOCKED', async () => {
    const p = (await (await demo('province')).get('/xueji/promotion/preview')).body.data;
    if (!p.blockers.length) return; // the demo always files graduations; kept honest if it stops
    const res = await (await demo('province')).post('/xueji/promotion/runs', { schoolYear: year0 + 1 });
    refused(res, 409, 'PROMOTION_BLOCKED');
    refused(await (await demo('province')).post('/xueji/promotion/runs', { ignoreBlockers: true }), 400, 'PROMOTION_YEAR_INVALID');
    expect(res.body.error.details.blockers.length).toBe(p.blockers.length);
    expect(await studentsNow()).toEqual(before);
  });

  it('a failure in the middle (after the classes moved) leaves nothing changed', async () => {
    const svc = promotionService(strapi);
    await expect(svc.run({ name: 'test', trigger: 'manual' }, { schoolYear: year0 + 1, ignoreBlockers: true, failAfterClasses: true })).rejects.toThrow(/simulated failure/);
    expect(await studentsNow()).toEqual(before);
    expect(await classesNow()).toEqual(classesBefore);
    expect((await readSchoolYear(strapi)).schoolYear).toBe(year0);
    const run0 = await q('api::promotion-run.promotion-run').findOne({ where: { schoolYear: year0 + 1 } });
    expect(run0?.state ?? null).not.toBe('done'); // none, or one undone by an earlier file
  });

  it('two runs at once promote once; every class and in-school student moves up one grade, nobody relinked', async () => {
    const svc = promotionService(strapi);
    const actor = { name: '省级测试', trigger: 'manual' as const };
    const outs = await Promise.all([svc.run(actor, { schoolYear: year0 + 1, ignoreBlockers: true }), svc.run(actor, { schoolYear: year0 + 1, ignoreBlockers: true })]);
    expect(outs.map((o) => o.status).sort()).toEqual(strapi.db.dialect.client === 'postgres' && outs.some((o) => o.status === 'busy') ? ['busy', 'done'] : ['done', 'noop']);
    const after = await studentsNow();
    let moved = 0;
    for (const [id, s] of before) {
      const now = after.get(id)!;
      expect(now.classId).toBe(s.classId); // cohorts: no relinking
      if (promotes(s)) { expect(now.grade, `student ${id}`).toBe(s.grade + 1); moved += 1; } else expect(now.grade, `student ${id}`).toBe(s.grade);
    }
    expect(after.get(suspendedId)!.grade).toBe(before.get(suspendedId)!.grade);
    const classes = await classesNow();
    for (const [id, c] of classesBefore) {
      const now = classes.get(id)!;
      if (planOf.get(c.school)!.includes(c.grade)) {
        expect(now.grade).toBe(c.grade + 1);
        expect(now.name).not.toBe(c.name);
        expect(now.name).toMatch(/^(.+)\(\d+\)班$/);
      } else expect(now).toEqual(c);
    }
    expect((await readSchoolYear(strapi)).schoolYear).toBe(year0 + 1);
    const run = await q('api::promotion-run.promotion-run').findOne({ where: { schoolYear: year0 + 1 } });
    expect(run).toMatchObject({ state: 'done', fromYear: year0, trigger: 'manual' });
    expect(run.report.moved.students).toBe(moved);

    // A second start (HTTP) is a no-op, and so is the cron of the same year.
    const again = await (await demo('province')).post('/xueji/promotion/runs', { schoolYear: year0 + 1, ignoreBlockers: true });
    expect(again.status).toBe(200);
    expect(again.body.meta).toMatchObject({ noop: true });
    expect((await svc.run({ name: '定时任务', trigger: 'cron' }, { schoolYear: year0 + 1 })).status).toBe('noop');
    expect(await studentsNow()).toEqual(after);

    const report = await (await demo('province')).get(`/xueji/promotion/runs/${year0 + 1}`);
    expect(report.status).toBe(200);
    expect(report.body.data.report.totals.promoted).toBe(moved);
    const list = await (await demo('province')).get('/xueji/promotion/runs');
    expect(list.body.meta.current.schoolYear).toBe(year0 + 1);

    // The next start would open the year after next: refused while the calendar is not there yet.
    if (year0 + 2 > targetOfToday(strapi) + 1) {
      const next = await (await demo('province')).get('/xueji/promotion/preview');
      expect(next.body.data).toMatchObject({ schoolYear: year0 + 2, refusal: { code: 'PROMOTION_YEAR_INVALID' } });
      const res = await (await demo('province')).post('/xueji/promotion/runs', { schoolYear: year0 + 2, ignoreBlockers: true });
      refused(res, 400, 'PROMOTION_YEAR_INVALID');
      expect(res.body.error.message).toMatch(/最多提前升级到/);
      expect(await studentsNow()).toEqual(after);
    }
  });

  it('undo restores every grade and class name as one logged operation; a second undo is refused', async () => {
    const res = await (await demo('province')).post(`/xueji/promotion/runs/${year0 + 1}/undo`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ state: 'undone', schoolYear: year0 + 1 });
    expect(await studentsNow()).toEqual(before);
    expect(await classesNow()).toEqual(classesBefore);
    expect((await readSchoolYear(strapi)).schoolYear).toBe(year0);
    refused(await (await demo('province')).post(`/xueji/promotion/runs/${year0 + 1}/undo`, {}), 409, 'PROMOTION_NOT_UNDOABLE');
    refused(await (await demo('province')).post(`/xueji/promotion/runs/${year0 + 5}/undo`, {}), 404, 'PROMOTION_RUN_NOT_FOUND');
    const audit = await q('api::audit-log.audit-log').findMany({ where: { action: { $in: ['promotion.run', 'promotion.undo'] } } });
    const count = (action: string) => audit.filter((a: any) => a.action === action).length;
    expect(count('promotion.run')).toBeGreaterThanOrEqual(1);
    expect(count('promotion.undo')).toBe(count('promotion.run'));
    // No student row keeps a promotion mark.
    expect(await q(STUDENT).count({ where: { promotedYear: { $notNull: true } } })).toBe(0);
  });

  it('a province official created as such may preview (scope, not the demo login, decides)', async () => {
    const api = await account('promotion-province@xueji.demo', 'province', '340000');
    expect((await api.get('/xueji/promotion/preview')).status).toBe(200);
  });

  it('cron: the promotion task on the configured expression, registered and stopped', async () => {
    const tasks = cronTasks(strapi);
    expect(tasks.find((t) => t.name === 'promotion')!.expression).toBe(strapi.config.get('xueji.promotion.cron'));
    expect(registerCron(strapi)).toBe(0); // XUEJI_CRON=false in tests
    const cfg = strapi.config.get('xueji.cron');
    strapi.config.set('xueji.cron', { ...cfg, enabled: true });
    try {
      expect(registerCron(strapi)).toBe(tasks.length);
    } finally {
      await stopCron();
      strapi.config.set('xueji.cron', cfg);
    }
  });
});
