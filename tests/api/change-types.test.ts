/**
 * Every change type of the table through its chain, over HTTP, with its effect read back from
 * the database: cross-province in and out, 在校生注册, suspension extension, dropout,
 * withdrawal, death, other leave, restoring entry, repeat, skip, 结业, graduation rollback and
 * a teaching point's batch transfer. (Transfers, suspension, resumption, registration,
 * graduation and correction have their own files.)
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, CM } from './harness';
import { newStudent } from './fixtures';
import { account, demo, upload, file, decide, refused, freeStudents, STUDENT, CLASS, SCHOOL } from './change-kit';
import { makeIdNumber } from '../../src/domain/id-card';
import { CHANGE_TYPES } from '../../src/domain/changes';

let strapi: any;
const q = (uid: string) => strapi.db.query(uid);
let A: any;
const covered = new Set<string>();

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  A = await q(SCHOOL).findOne({ where: { code: scope.code } });
});

const status = async (id: number) => (await q(STUDENT).findOne({ where: { id } })).enrollmentStatus;

/** Files as `filer`, then each step's party approves; returns the final request. */
async function through(filer: any, body: Record<string, unknown>, deciders: any[]) {
  const req = await file(filer, body);
  expect(req.steps).toHaveLength(deciders.length);
  let out = req;
  for (const d of deciders) out = await decide(d, req.documentId, 'approve', '同意');
  expect(out.state).toBe('approved');
  covered.add(String(body.type));
  return out;
}

/** A draft student of a given grade at the demo school (birth date fits the grade). */
async function draftOfGrade(grade: number) {
  const cls = await q(CLASS).findOne({ where: { schoolCode: A.code, grade }, orderBy: { number: 'desc' } });
  const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
  const birth = `${year - 6 - grade}-03-0${grade}`;
  const body: any = newStudent(cls, { grade, birthDate: birth, entryMethod: '12', idNumber: makeIdNumber('340111', birth.replace(/-/g, ''), 300 + grade * 2 + 1), photo: await upload('school@xueji.demo') });
  const res = await (await demo('school')).post(`${CM}/${STUDENT}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

describe('every change type through its chain', () => {
  it('转入(跨省): hand-entered record, county approval, numbers assigned, the other province’s 学籍号 kept', async () => {
    const d = await draftOfGrade(3);
    const prev = `G${makeIdNumber('320102', d.birthDate.replace(/-/g, ''), 511)}`;
    const school = await demo('school');
    refused(await school.post('/xueji/changes', { type: '14', student: d.documentId, reason: '随父母从江苏转入', proofs: [await upload('school@xueji.demo')] }), 400, 'PAYLOAD_REQUIRED');
    await through(school, { type: '14', student: d.documentId, reason: '随父母从江苏转入', payload: { fromProvince: '江苏省', fromSchoolName: '南京市琅琊路小学', previousStudentNumber: prev }, proofs: [await upload('school@xueji.demo')] }, [await demo('county')]);
    const s = await q(STUDENT).findOne({ where: { documentId: d.documentId } });
    expect(s.registrationStatus).toBe('registered');
    expect(s.studentNumber).toBe(prev);
    expect(s.regionalNumber).toMatch(/^340104\d{10}$/);
  });

  it('在校生注册: a non-initial grade submitted in a batch is filed as 15', async () => {
    const d = await draftOfGrade(4);
    const res = await (await demo('school')).post('/xueji/registrations/submit', { students: [d.documentId], pledge: { principal: '王校长' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data[0].type).toBe('15');
    await decide(await demo('county'), res.body.data[0].documentId, 'approve');
    covered.add('15');
    expect((await q(STUDENT).findOne({ where: { documentId: d.documentId } })).registrationStatus).toBe('registered');
  });

  it('转出(跨省): status 转出, the record kept and read-only', async () => {
    const [s] = await freeStudents(A.code, { grade: 4 });
    const school = await demo('school');
    await through(school, { type: '27', student: s.documentId, reason: '随父母迁往江苏', payload: { destination: '江苏省南京市琅琊路小学', leaveDate: '2026-09-01' } }, [await demo('county')]);
    expect(await status(s.id)).toBe('11');
    expect((await school.get(`${CM}/${STUDENT}/${s.documentId}`)).status).toBe(200);
    refused(await school.put(`${CM}/${STUDENT}/${s.documentId}`, { specialty: '围棋' }), 400, 'STUDENT_RECORD_CLOSED');
  });

  it('休学延期 once, not twice; 辍学, 死亡, 其他离校 set their status', async () => {
    const school = await demo('school');
    const county = await demo('county');
    const [a, b, c, d] = await freeStudents(A.code, { grade: 4 }, 4);
    await through(school, { type: '23', student: a.documentId, reason: '病休', payload: { months: 12 }, proofs: [await upload('school@xueji.demo')] }, [county]);
    await through(school, { type: '25', student: a.documentId, reason: '继续治疗', payload: { months: 12 }, proofs: [await upload('school@xueji.demo')] }, [county]);
    expect(await status(a.id)).toBe('02');
    refused(await school.post('/xueji/changes', { type: '25', student: a.documentId, reason: '继续治疗', payload: { months: 6 }, proofs: [await upload('school@xueji.demo')] }), 400, 'EXTENSION_LIMIT');
    await through(school, { type: '28', student: b.documentId, reason: '长期未到校' }, [county]);
    expect(await status(b.id)).toBe('12');
    const death = await through(school, { type: '26', student: c.documentId, reason: '因病去世', proofs: [await upload('school@xueji.demo')] }, [county]);
    expect(death.steps.map((x: any) => x.level)).toEqual(['from-county']);
    expect(await status(c.id)).toBe('10');
    await through(school, { type: '29', student: d.documentId, reason: '随家长出国' }, [county]);
    expect(await status(d.id)).toBe('03');

    // 恢复入学资格: back into a class of the school.
    const cls = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 4 }, orderBy: { number: 'asc' } });
    await through(school, { type: '52', student: b.documentId, reason: '返校复读', toClass: cls.documentId }, [county]);
    const back = await q(STUDENT).findOne({ where: { id: b.id }, populate: { schoolClass: true } });
    expect(back.enrollmentStatus).toBe('01');
    expect(back.schoolClass.id).toBe(cls.id);
  });

  it('留级 into the grade below (limits per class and school), 跳级 into the grade above', async () => {
    const school = await demo('school');
    const county = await demo('county');
    const [a, b] = await freeStudents(A.code, { grade: 3 }, 2);
    const below = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 2 }, orderBy: { number: 'asc' } });
    const above = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 4 }, orderBy: { number: 'asc' } });
    refused(await school.post('/xueji/changes', { type: '33', student: a.documentId, reason: '病假过多', toClass: above.documentId }), 400, 'REPEAT_GRADE_MISMATCH');
    await through(school, { type: '33', student: a.documentId, reason: '病假过多，家长申请重读', toClass: below.documentId }, [county]);
    const stored = await q(STUDENT).findOne({ where: { id: a.id }, populate: { schoolClass: true } });
    expect([stored.grade, stored.schoolClass.id]).toEqual([2, below.id]);
    // One a year per class, 1 % of the school: the next one is refused.
    const next = await school.post('/xueji/changes', { type: '33', student: b.documentId, reason: '成绩跟不上', toClass: below.documentId });
    expect(next.status).toBe(400);
    expect(next.body.error.details.errors.map((e: any) => e.code)).toEqual(expect.arrayContaining(['REPEAT_SCHOOL_LIMIT']));
    await through(school, { type: '34', student: b.documentId, reason: '学有余力，经测试跳级', toClass: above.documentId }, [county]);
    expect((await q(STUDENT).findOne({ where: { id: b.id } })).grade).toBe(4);
  });

  it('退学 in senior high; 结业 of a grade by the city (senior high) and 毕业回退', async () => {
    // A senior high school of 合肥 (city 340100) whose grade 12 has no request open.
    const seniors = await q(SCHOOL).findMany({ where: { cityCode: '340100', category: '34' }, orderBy: { code: 'asc' } });
    const open = new Set((await q('api::change-request.change-request').findMany({ where: { openKey: { $startsWith: 'G:' } }, select: ['openKey'] })).map((r: any) => r.openKey));
    const senior = seniors.find((x: any) => !open.has(`G:${x.code}:12`));
    const api = await account(`change-senior-${senior.code}@xueji.demo`, 'school', senior.code);
    const county = await account(`change-county-${senior.countyCode}@xueji.demo`, 'county', senior.countyCode);
    const [s] = await freeStudents(senior.code, { grade: 11 });
    await through(api, { type: '24', student: s.documentId, reason: '本人申请退学' }, [county]);
    expect(await status(s.id)).toBe('09');

    const inGrade = await q(STUDENT).count({ where: { schoolCode: senior.code, grade: 12, enrollmentStatus: '01', registrationStatus: 'registered' } });
    expect(inGrade).toBeGreaterThan(0);
    const req = await through(api, { type: '22', reason: '结业', payload: { grade: 12 } }, [await demo('city')]);
    expect(req.steps.map((x: any) => [x.level, x.code])).toEqual([['from-city', '340100']]);
    expect(await q(STUDENT).count({ where: { schoolCode: senior.code, grade: 12, enrollmentStatus: '07' } })).toBeGreaterThanOrEqual(inGrade);
    const grad = await q(STUDENT).findOne({ where: { schoolCode: senior.code, grade: 12, enrollmentStatus: '07' } });
    await through(api, { type: '36', student: grad.documentId, reason: '补考通过后返校' }, [county]);
    expect(await status(grad.id)).toBe('01');
  });

  it('批量转学: a teaching point’s whole grade, confirmed by the receiving school, then the county', async () => {
    const point = await q(SCHOOL).findOne({ where: { schoolType: '218' }, orderBy: { code: 'asc' } });
    const pointApi = await account(`change-point-${point.code}@xueji.demo`, 'school', point.code);
    const grade = (await q(STUDENT).findOne({ where: { schoolCode: point.code, enrollmentStatus: '01', registrationStatus: 'registered' }, orderBy: { grade: 'asc' } })).grade;
    const target = await q(SCHOOL).findOne({ where: { countyCode: point.countyCode, schoolType: '211', id: { $ne: point.centralSchool?.id ?? 0 } }, orderBy: { code: 'desc' } });
    const toClass = await q(CLASS).findOne({ where: { schoolCode: target.code, grade }, orderBy: { number: 'desc' } });
    const toApi = await account(`change-school-${target.code}@xueji.demo`, 'school', target.code);
    const county = await account(`change-county-${point.countyCode}@xueji.demo`, 'county', point.countyCode);
    const ids = (await q(STUDENT).findMany({ where: { schoolCode: point.code, grade, enrollmentStatus: '01', registrationStatus: 'registered' }, select: ['id'] })).map((x: any) => x.id);
    // A class of the receiving school with room for the whole grade (the county founds it).
    const made = await county.post(`${CM}/${CLASS}`, { school: { connect: [{ documentId: target.documentId }] }, grade, number: 31, foundedYearMonth: toClass.foundedYearMonth, headTeacher: '李老师' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const req = await through(pointApi, { type: '35', reason: '教学点撤并，整年级转入', payload: { grade }, toSchool: target.code, toClass: made.body.data.documentId }, [toApi, county]);
    expect(req.steps.map((x: any) => [x.level, x.code])).toEqual([['to-school', target.code], ['from-county', point.countyCode]]);
    const moved = await q(STUDENT).findMany({ where: { id: { $in: ids } }, populate: { schoolClass: true, school: true } });
    expect(moved.length).toBe(ids.length);
    for (const m of moved) expect([m.schoolCode, m.school.id, m.schoolClass.documentId]).toEqual([target.code, target.id, made.body.data.documentId]);
  });

  it('covers every type of the table (with the other change test files)', () => {
    const elsewhere = ['11', '12', '13', '21', '23', '51']; // registration, changes and correction tests
    expect([...new Set([...covered, ...elsewhere])].sort()).toEqual(CHANGE_TYPES.map((t) => t.code).sort());
  });
});
