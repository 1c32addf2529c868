/**
 * The demo province starts with change requests of several types waiting at each level, filed
 * through the change engine (src/seed/demo-changes.ts) — so the demo logins can act on them:
 * county@ and city@ have to-dos, school@ has its own requests and one returned to it, and
 * county@ approves one over HTTP. Every seeded request has the engine's shape.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi } from './harness';
import { demo, decide, CR, SCHOOL, STUDENT } from './change-kit';

let strapi: any;
let A: any; // the demo school

const q = (uid: string) => strapi.db.query(uid);
const list = async (who: 'school' | 'county' | 'city' | 'province', query: string) => {
  const res = await (await demo(who)).get(`/xueji/changes?${query}&pageSize=200`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as any[];
};
const types = (rows: any[]) => [...new Set(rows.map((r) => r.type))].sort();

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  A = await q(SCHOOL).findOne({ where: { code: scope.code } });
});

describe('demo change requests (filed through the engine at first start)', () => {
  it('every seeded request has a resolved chain, a filer and the engine’s bookkeeping', async () => {
    // The seeder's filings: audited by the engine without an HTTP request (tests file over HTTP).
    const audited = await q('api::audit-log.audit-log').findMany({ where: { action: 'change.file', ip: { $null: true } }, select: ['subjectId'] });
    const rows = await q(CR).findMany({ where: { documentId: { $in: audited.map((a: any) => a.subjectId) } }, orderBy: { id: 'asc' } });
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThanOrEqual(40);
    for (const r of rows) {
      expect(Array.isArray(r.steps) && r.steps.length > 0, `${r.documentId} steps`).toBe(true);
      expect(r.filerLevel).toBe('school');
      expect(r.filerCode).toMatch(/^\d{10}$/);
      expect(typeof r.filerId).toBe('number');
      expect(r.filerName).toBeTruthy();
      expect(typeof r.version).toBe('number');
      if (['pending', 'returned'].includes(r.state)) {
        expect(r.openKey, r.documentId).toBeTruthy();
        expect(r.waitingLevel).toBeTruthy();
      }
    }
    expect(types(rows)).toEqual(expect.arrayContaining(['11', '13', '21', '23', '28', '51']));
    // Waiting at every level: schools (returned), counties (all four), cities (both).
    const waiting = new Set(rows.filter((r: any) => ['pending', 'returned'].includes(r.state)).map((r: any) => `${r.waitingLevel}:${r.waitingCode}`));
    for (const w of ['school:' + A.code, 'county:340104', 'county:340123', 'county:340202', 'county:340223', 'city:340100', 'city:340200']) expect([...waiting]).toContain(w);
  });

  it('county@ (蜀山区) has to-dos of several types, a transfer into the demo school among them', async () => {
    const todo = await list('county', 'box=todo');
    expect(todo.length).toBeGreaterThan(0);
    expect(types(todo)).toEqual(expect.arrayContaining(['11', '13', '21', '23', '28', '51']));
    for (const r of todo) expect(r.waiting).toEqual({ level: 'county', code: '340104' });
    const into = todo.find((r) => r.type === '13' && r.toSchool?.code === A.code);
    expect(into, 'transfer into the demo school').toBeTruthy();
    expect(into.steps.map((s: any) => [s.level, s.code])).toEqual([['to-county', '340104'], ['from-county', '340123']]);
    // A suspension carries its proof, readable by the deciding county.
    const sus = todo.find((r) => r.type === '23');
    const one = await (await demo('county')).get(`/xueji/changes/${sus.documentId}`);
    expect(one.status).toBe(200);
    expect(one.body.data.proofs).toHaveLength(1);
    // A 蜀山区 student moving out waits at the receiving county first.
    const out = (await list('county', 'box=all&type=13')).find((r) => r.fromSchool?.code?.startsWith('21') && r.waiting?.code === '340123');
    expect(out, 'transfer out of 蜀山区 waiting at 肥西县').toBeTruthy();
  });

  it('city@ (合肥市) has senior-high graduations in its to-do', async () => {
    const todo = await list('city', 'box=todo');
    expect(todo.length).toBeGreaterThan(0);
    expect(todo.every((r) => r.waiting.level === 'city' && r.waiting.code === '340100')).toBe(true);
    expect(todo.filter((r) => r.type === '21').length).toBeGreaterThanOrEqual(2);
  });

  it('school@ has its own requests (one approved) and one returned by the county with a comment in its to-do', async () => {
    const mine = await list('school', 'box=mine');
    expect(mine.length).toBeGreaterThanOrEqual(5);
    expect(mine.every((r) => r.filer.code === A.code)).toBe(true);
    expect(types(mine)).toEqual(expect.arrayContaining(['11', '13', '23', '51']));
    expect(mine.some((r) => r.state === 'approved')).toBe(true);
    const todo = await list('school', 'box=todo');
    const returned = todo.find((r) => r.state === 'returned');
    expect(returned, 'a returned request').toBeTruthy();
    expect(returned.waiting).toEqual({ level: 'school', code: A.code });
    expect(returned.steps[0]).toMatchObject({ decision: 'return', comment: expect.stringMatching(/[\u4e00-\u9fa5]/) });
    // The returned request was decided by the county demo login itself.
    expect(returned.steps[0].decider).toBe('蜀山区教育局');
  });

  it('county@ approves a request of its to-do over HTTP (a registration: the student is registered)', async () => {
    const todo = await list('county', 'box=todo&type=11');
    expect(todo.length).toBeGreaterThan(0);
    const pick = todo[0];
    const done = await decide(await demo('county'), pick.documentId, 'approve', '同意注册');
    expect(done.state).toBe('approved');
    const s = await q(STUDENT).findOne({ where: { documentId: pick.student.documentId } });
    expect(s.registrationStatus).toBe('registered');
    expect(s.regionalNumber).toMatch(/^340104\d{10}$/);
    expect((await list('county', 'box=todo')).map((r) => r.documentId)).not.toContain(pick.documentId);
  });
});
