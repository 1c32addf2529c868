/**
 * Registration (新生预审核 → county review → 注册) and the key-field correction, over HTTP:
 * a school submits drafts one by one or as a class with the principal's pledge; completeness
 * and 查重 are checked at once; nothing is submitted when one student fails; the county
 * approves or returns each or the whole batch; numbers are assigned on approval.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, CM } from './harness';
import { newStudent } from './fixtures';
import { demo, upload, decide, refused, freeStudents, STUDENT, CLASS, SCHOOL, CR } from './change-kit';
import { makeIdNumber } from '../../src/domain/id-card';

let strapi: any;
const q = (uid: string) => strapi.db.query(uid);
let A: any;
let cls: any;

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  A = await q(SCHOOL).findOne({ where: { code: scope.code } });
  // A grade-1 class with room for the drafts of this file.
  const classes = await q(CLASS).findMany({ where: { schoolCode: A.code, grade: 1 }, orderBy: { number: 'desc' } });
  cls = classes[0];
});

async function draft(withPhoto = true, over: Record<string, unknown> = {}) {
  const school = await demo('school');
  const body: any = newStudent(cls, over);
  if (withPhoto) body.photo = await upload('school@xueji.demo');
  const res = await school.post(`${CM}/${STUDENT}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

describe('registration batches', () => {
  it('checks every student at once; one incomplete student stops the whole batch, nothing written', async () => {
    const school = await demo('school');
    const a = await draft();
    const b = await draft(false);
    refused(await school.post('/xueji/registrations/submit', { students: [a.documentId] }), 400, 'FIELD_REQUIRED');
    const before = await q(CR).count();
    const res = await school.post('/xueji/registrations/submit', { students: [a.documentId, b.documentId], pledge: { principal: '王校长' } });
    refused(res, 400, 'REGISTRATION_CHECK_FAILED');
    expect(res.body.error.details.errors).toEqual([expect.objectContaining({ student: b.documentId, code: 'REGISTRATION_PHOTO_MISSING' })]);
    expect(await q(CR).count()).toBe(before);
    expect((await q(STUDENT).findOne({ where: { documentId: a.documentId } })).registrationStatus).toBe('draft');
  });

  it('a class submitted with the pledge, approved by the county as one batch: registered with 地区学号', async () => {
    const school = await demo('school');
    const drafts = [await draft(), await draft(), await draft()];
    const res = await school.post('/xueji/registrations/submit', { students: drafts.map((d) => d.documentId), pledge: { principal: '王校长' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.meta.count).toBe(3);
    expect(res.body.data.every((r: any) => r.type === '11' && r.state === 'pending' && r.pledge.principal === '王校长')).toBe(true);
    for (const d of drafts) expect((await q(STUDENT).findOne({ where: { documentId: d.documentId } })).registrationStatus).toBe('submitted');

    // Under review: the school cannot edit it, nor submit it again.
    refused(await school.put(`${CM}/${STUDENT}/${drafts[0].documentId}`, { name: '改名' }), 400, 'STUDENT_UNDER_REVIEW');
    refused(await school.post('/xueji/registrations/submit', { students: [drafts[0].documentId], pledge: { principal: '王校长' } }), 400, 'REGISTRATION_CHECK_FAILED');

    const county = await demo('county');
    const todo = await county.get('/xueji/changes?box=todo&type=11&pageSize=200');
    const ids = res.body.data.map((r: any) => r.documentId);
    for (const id of ids) expect(todo.body.data.map((r: any) => r.documentId)).toContain(id);
    // The school cannot decide its own batch; a city official is not the county.
    refused(await school.post('/xueji/changes/decide', { ids, decision: 'approve' }), 403, 'CHANGE_NOT_YOUR_STEP');
    refused(await (await demo('city')).post('/xueji/changes/decide', { ids, decision: 'approve' }), 403, 'CHANGE_NOT_YOUR_STEP');
    const ok = await county.post('/xueji/changes/decide', { ids, decision: 'approve', comment: '同意注册' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.map((r: any) => r.state)).toEqual(['approved', 'approved', 'approved']);
    const numbers = new Set<string>();
    for (const d of drafts) {
      const s = await q(STUDENT).findOne({ where: { documentId: d.documentId } });
      expect(s.registrationStatus).toBe('registered');
      expect(s.studentNumber).toBe(`G${s.idNumber}`);
      expect(s.regionalNumber).toMatch(new RegExp(`^${A.countyCode}${s.entryYearMonth.slice(0, 4)}\\d{6}$`));
      numbers.add(s.regionalNumber);
    }
    expect(numbers.size).toBe(3);
    // Registered: key fields locked from now on.
    refused(await school.put(`${CM}/${STUDENT}/${drafts[0].documentId}`, { name: '改名' }), 400, 'KEY_FIELD_LOCKED');
  });

  it('returned by the county with a reason, corrected by the school, resubmitted and approved', async () => {
    const school = await demo('school');
    const d = await draft();
    const res = await school.post('/xueji/registrations/submit', { students: [d.documentId], pledge: { principal: '王校长' } });
    const id = res.body.data[0].documentId;
    const county = await demo('county');
    await decide(county, id, 'return', '家庭成员工作单位未填写');
    expect((await q(STUDENT).findOne({ where: { documentId: d.documentId } })).registrationStatus).toBe('returned');
    expect((await school.get('/xueji/changes?box=todo')).body.data.map((r: any) => r.documentId)).toContain(id);
    const edit = await school.put(`${CM}/${STUDENT}/${d.documentId}`, { specialty: '书法' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect((await school.post(`/xueji/changes/${id}/resubmit`, {})).status).toBe(200);
    await decide(county, id, 'approve');
    expect((await q(STUDENT).findOne({ where: { documentId: d.documentId } })).registrationStatus).toBe('registered');
  });

  it('a batch decision is all or nothing: one request not waiting for this county stops it', async () => {
    const school = await demo('school');
    const d = await draft();
    const res = await school.post('/xueji/registrations/submit', { students: [d.documentId], pledge: { principal: '王校长' } });
    const id = res.body.data[0].documentId;
    const [s] = await freeStudents(A.code, { grade: 2 });
    const other = await school.post('/xueji/changes', { type: '28', student: s.documentId, reason: '长期未到校' });
    await school.post(`/xueji/changes/${other.body.data.documentId}/withdraw`);
    const county = await demo('county');
    const out = await county.post('/xueji/changes/decide', { ids: [id, other.body.data.documentId], decision: 'approve' });
    refused(out, 409, 'CHANGE_CONFLICT');
    expect(out.body.error.details.errors.map((e: any) => e.documentId)).toEqual([other.body.data.documentId]);
    expect((await q(CR).findOne({ where: { documentId: id } })).state).toBe('pending');
    await decide(county, id, 'approve');
  });
});

describe('key-field correction (关键信息变更)', () => {
  it('applied on approval through the correction context; before/after only for the approving level; reversible', async () => {
    const [s] = await freeStudents(A.code, { grade: 3 });
    const school = await demo('school');
    const county = await demo('county');
    const birth = s.idNumber.slice(6, 14);
    const corrected = makeIdNumber('340111', birth, s.gender === '1' ? 971 : 972);
    refused(await school.post('/xueji/changes', { type: '51', student: s.documentId, reason: '身份证号登记错误', payload: { fields: { idNumber: corrected } } }), 400, 'PROOFS_REQUIRED');
    refused(await school.post('/xueji/changes', { type: '51', student: s.documentId, reason: 'x', payload: { fields: { phone: '1' } }, proofs: [await upload('school@xueji.demo')] }), 400, 'CORRECTION_FIELD_NOT_KEY');
    const wrongGender = makeIdNumber('340111', birth, s.gender === '1' ? 972 : 971);
    refused(await school.post('/xueji/changes', { type: '51', student: s.documentId, reason: 'x', payload: { fields: { idNumber: wrongGender } }, proofs: [await upload('school@xueji.demo')] }), 400, 'ID_GENDER_MISMATCH');
    const res = await school.post('/xueji/changes', { type: '51', student: s.documentId, reason: '身份证号登记错误，依户口簿更正', payload: { fields: { idNumber: corrected } }, proofs: [await upload('school@xueji.demo')] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.data.documentId;
    // The school sees which field changes, masked; the county sees before and after in full.
    const bySchool = (await school.get(`/xueji/changes/${id}`)).body.data;
    expect(bySchool.payload.fields.idNumber).not.toBe(corrected);
    expect(bySchool.payload.before).toBeUndefined();
    const byCounty = (await county.get(`/xueji/changes/${id}`)).body.data;
    expect(byCounty.payload.fields.idNumber).toBe(corrected);
    expect(byCounty.payload.before.idNumber).toBe(s.idNumber);
    expect(byCounty.proofs).toHaveLength(1);

    await decide(county, id, 'approve');
    let stored = await q(STUDENT).findOne({ where: { id: s.id } });
    expect(stored.idNumber).toBe(corrected);
    expect(stored.studentNumber).toBe(`G${corrected}`);
    expect(stored.identityKey).toBe(`P:${corrected}`);

    const rev = await county.post(`/xueji/changes/${id}/reverse`, { comment: '更正有误，恢复原身份证号' });
    expect(rev.status, JSON.stringify(rev.body)).toBe(200);
    stored = await q(STUDENT).findOne({ where: { id: s.id } });
    expect(stored.idNumber).toBe(s.idNumber);
    expect(stored.studentNumber).toBe(s.studentNumber);
  });
});
