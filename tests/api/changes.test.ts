/**
 * The change engine end to end over HTTP (admin JWT), on the demo province: transfers on both
 * chains with the record moving sides, decisions, rejection, return and resubmission,
 * withdrawal, reversal, the rules of SPEC §4/§8 (one open request, no self-approval, freeze,
 * no transfer while suspended or inside one 学区, graduation blocked by an open request), and
 * concurrent decisions. Every check reads what is stored.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, CM } from './harness';
import { account, demo, upload, file, decide, refused, freeStudents, withRules, PASSWORD, STUDENT, CLASS, SCHOOL, CR } from './change-kit';
import { addWorkingDays } from '../../src/domain/working-days';
import { chinaDateOf, formatCalendarDate } from '../../src/domain/dates';

let strapi: any;
const q = (uid: string) => strapi.db.query(uid);
let A: any; // the demo school (蜀山区)
let B: any; // a primary school of 肥西县
let classB: Record<number, any> = {};
const today = () => formatCalendarDate(chinaDateOf(new Date()));

const SCHOOL_B = 'change-school-b@xueji.demo';
const COUNTY_B = 'change-county-b@xueji.demo';
const COUNTY_A2 = 'change-county-a2@xueji.demo';

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  A = await q(SCHOOL).findOne({ where: { code: scope.code } });
  B = await q(SCHOOL).findOne({ where: { countyCode: '340123', category: '21', schoolType: '211' }, orderBy: { code: 'asc' } });
  for (const c of await q(CLASS).findMany({ where: { schoolCode: B.code }, orderBy: { number: 'asc' } })) classB[c.grade] ??= c;
  await account(SCHOOL_B, 'school', B.code);
  await account(COUNTY_B, 'county', '340123');
  await account(COUNTY_A2, 'county', '340104');
});

async function transferBody(student: any, extra: Record<string, unknown> = {}) {
  return {
    type: '13', student: { idNumber: student.idNumber, name: student.name }, toClass: classB[student.grade].documentId,
    reason: '随父母工作调动迁居肥西县', proofs: [await upload(SCHOOL_B, PASSWORD)], ...extra,
  };
}

describe('in-province transfer, Anhui chain (receiving school → receiving county → sending county)', () => {
  it('moves the record, its sub-records and photo to the receiving school; the sending side loses it', async () => {
    const [s] = await freeStudents(A.code, { grade: 3 });
    // A sub-record and a photo of the student, kept by the sending school.
    const photo = await upload('school@xueji.demo');
    const schoolA = await demo('school');
    // (A registered student's photo is a locked key field: set it as registration would have.)
    await q(STUDENT).update({ where: { id: s.id }, data: { photo } });
    const award = await schoolA.post(`${CM}/api::award.award`, { title: '三好学生', awardedOn: '2026-06-01', student: { connect: [{ documentId: s.documentId }] } });
    expect(award.status, JSON.stringify(award.body)).toBe(201);

    const schoolB = await account(SCHOOL_B, 'school', B.code);
    const req = await file(schoolB, await transferBody(s));
    expect(req).toMatchObject({ type: '13', state: 'pending', currentStep: 0 });
    expect(req.steps.map((x: any) => [x.level, x.code])).toEqual([['to-county', '340123'], ['from-county', '340104']]);
    expect(req.steps[0].due).toBe(addWorkingDays(today(), 15).date);
    // The receiving side learns name, school and grade only.
    expect(Object.keys(req.student).sort()).toEqual(['documentId', 'grade', 'name']);
    expect(req.fromClass).toBeNull();
    expect(req.fromSchool.code).toBe(A.code);

    // Both sides are told: the receiving county has a to-do, the sending school a notice.
    const countyB = await account(COUNTY_B, 'county', '340123');
    const todo = await countyB.get('/xueji/changes?box=todo');
    expect(todo.body.data.map((r: any) => r.documentId)).toContain(req.documentId);
    const notesA = await schoolA.get('/xueji/notifications');
    expect(notesA.body.data.some((n: any) => n.request?.documentId === req.documentId && n.kind === 'info')).toBe(true);
    const notesB = await countyB.get('/xueji/notifications?unread=true');
    expect(notesB.body.data.some((n: any) => n.request?.documentId === req.documentId && n.kind === 'todo' && n.due === req.steps[0].due)).toBe(true);

    // The sending county may not take the receiving county's step.
    const countyA = await demo('county');
    refused(await countyA.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve' }), 403, 'CHANGE_NOT_YOUR_STEP');

    const step1 = await decide(countyB, req.documentId, 'approve', '同意转入');
    expect(step1).toMatchObject({ state: 'pending', currentStep: 1 });
    expect(step1.steps[1].due).toBe(addWorkingDays(today(), 5).date);
    const done = await decide(countyA, req.documentId, 'approve', '核实无误');
    expect(done.state).toBe('approved');

    // What is stored: the student, the award and the photo carry school B's scope now.
    const stored = await q(STUDENT).findOne({ where: { id: s.id }, populate: { schoolClass: true, school: true, photo: true } });
    expect(stored.schoolCode).toBe(B.code);
    expect(stored.countyCode).toBe('340123');
    expect(stored.school.id).toBe(B.id);
    expect(stored.schoolClass.id).toBe(classB[s.grade].id);
    expect(stored.grade).toBe(s.grade);
    expect(stored.enrollmentStatus).toBe('01');
    expect(stored.studentNumber).toBe(s.studentNumber);
    const awardRow = await q('api::award.award').findOne({ where: { documentId: award.body.data.documentId } });
    expect(awardRow.schoolCode).toBe(B.code);
    const photoRow = await q('plugin::upload.file').findOne({ where: { id: photo } });
    expect(photoRow.schoolCode).toBe(B.code);

    // Sending school and county lose it; receiving ones gain it (Content Manager, real requests).
    refused(await schoolA.get(`${CM}/${STUDENT}/${s.documentId}`), 403, 'OUT_OF_SCOPE');
    refused(await countyA.get(`${CM}/${STUDENT}/${s.documentId}`), 403, 'OUT_OF_SCOPE');
    refused(await schoolA.get(`${CM}/api::award.award/${award.body.data.documentId}`), 403, 'OUT_OF_SCOPE');
    expect((await schoolB.get(`${CM}/${STUDENT}/${s.documentId}`)).status).toBe(200);
    expect((await countyB.get(`${CM}/${STUDENT}/${s.documentId}`)).status).toBe(200);
    expect((await schoolB.get(`${CM}/api::award.award/${award.body.data.documentId}`)).status).toBe(200);
    // The request itself stays visible to both sides, with its history of decisions.
    const seenA = await schoolA.get(`/xueji/changes/${req.documentId}`);
    expect(seenA.status).toBe(200);
    expect(seenA.body.data.history.map((h: any) => h.decision)).toEqual(['approve', 'approve']);
    // The receiving school was told of the outcome.
    expect((await schoolB.get('/xueji/notifications')).body.data.some((n: any) => n.request?.documentId === req.documentId && n.kind === 'done')).toBe(true);
  });
});

describe('in-province transfer, national chain by configuration alone', () => {
  it('receiving school → receiving bureau → sending school → sending bureau', async () => {
    const restore = await withRules({ chains: { '13': 'national' } });
    try {
      const [s] = await freeStudents(A.code, { grade: 4 });
      const schoolB = await account(SCHOOL_B, 'school', B.code);
      const req = await file(schoolB, await transferBody(s));
      expect(req.steps.map((x: any) => [x.level, x.code])).toEqual([['to-county', '340123'], ['from-school', A.code], ['from-county', '340104']]);
      expect(req.steps[0].due).toBe(addWorkingDays(today(), 10).date);
      // The receiving school withdraws until it is processed …
      await decide(await account(COUNTY_B, 'county', '340123'), req.documentId, 'approve');
      refused(await schoolB.post(`/xueji/changes/${req.documentId}/withdraw`), 400, 'CHANGE_ALREADY_DECIDED');
      await decide(await demo('school'), req.documentId, 'approve', '同意转出');
      const done = await decide(await demo('county'), req.documentId, 'approve');
      expect(done.state).toBe('approved');
      expect((await q(STUDENT).findOne({ where: { id: s.id } })).schoolCode).toBe(B.code);
    } finally {
      restore();
    }
  });
});

describe('rejection, return and resubmission, withdrawal', () => {
  it('reject needs a reason; a rejected request frees the student', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '28', student: s.documentId, reason: '长期未到校' });
    const county = await demo('county');
    refused(await county.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'reject' }), 400, 'COMMENT_REQUIRED');
    const out = await decide(county, req.documentId, 'reject', '请先家访核实');
    expect(out.state).toBe('rejected');
    const row = await q(CR).findOne({ where: { documentId: req.documentId } });
    expect(row.openKey).toBeNull();
    expect((await q(STUDENT).findOne({ where: { id: s.id } })).enrollmentStatus).toBe('01');
    expect((await school.get('/xueji/notifications')).body.data.some((n: any) => n.request?.documentId === req.documentId && n.kind === 'rejected')).toBe(true);
    const again = await file(school, { type: '28', student: s.documentId, reason: '家访核实：已辍学' });
    expect(again.state).toBe('pending');
    await school.post(`/xueji/changes/${again.documentId}/withdraw`);
  });

  it('suspension: returned with a comment, revised and resubmitted, approved; then resumption into a class of the same grade', async () => {
    const [s] = await freeStudents(A.code, { grade: 5 });
    const school = await demo('school');
    const county = await demo('county');
    const proof = await upload('school@xueji.demo');
    refused(await school.post('/xueji/changes', { type: '23', student: s.documentId, reason: '病休', payload: { months: 12 } }), 400, 'PROOFS_REQUIRED');
    refused(await school.post('/xueji/changes', { type: '23', student: s.documentId, reason: '病休', payload: { months: 13 }, proofs: [proof] }), 400, 'SUSPENSION_TOO_LONG');
    const req = await file(school, { type: '23', student: s.documentId, reason: '病休', payload: { months: 12 }, proofs: [proof] });
    const back = await decide(county, req.documentId, 'return', '请补充县级医院诊断证明');
    expect(back.state).toBe('returned');
    expect(back.waiting).toEqual({ level: 'school', code: A.code });
    // Still open while returned: the student cannot get another request.
    refused(await school.post('/xueji/changes', { type: '28', student: s.documentId, reason: 'x' }), 409, 'CHANGE_REQUEST_OPEN');
    refused(await county.post(`/xueji/changes/${req.documentId}/resubmit`, {}), 403, 'CHANGE_NOT_FILER');
    // A resubmission is checked as a filing: it cannot carry a payload filing refuses (a 600-month
    // suspension once went through this way), and nothing is stored.
    refused(await school.post(`/xueji/changes/${req.documentId}/resubmit`, { payload: { months: 600 } }), 400, 'SUSPENSION_TOO_LONG');
    refused(await school.post(`/xueji/changes/${req.documentId}/resubmit`, { payload: { months: 6.5 } }), 400, 'PAYLOAD_INVALID');
    refused(await school.post(`/xueji/changes/${req.documentId}/resubmit`, { payload: {} }), 400, 'PAYLOAD_REQUIRED');
    expect(await q(CR).findOne({ where: { documentId: req.documentId } })).toMatchObject({ state: 'returned', payload: { months: 12 } });
    const again = await school.post(`/xueji/changes/${req.documentId}/resubmit`, { reason: '病休（附县医院诊断证明）' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data).toMatchObject({ state: 'pending', currentStep: 0, reason: '病休（附县医院诊断证明）' });
    const done = await decide(county, req.documentId, 'approve');
    expect(done.state).toBe('approved');
    expect((await q(STUDENT).findOne({ where: { id: s.id } })).enrollmentStatus).toBe('02');

    // A suspended student cannot transfer.
    const schoolB = await account(SCHOOL_B, 'school', B.code);
    refused(await schoolB.post('/xueji/changes', await transferBody(s)), 400, 'SUSPENDED_NO_TRANSFER');

    // Resumption: back to the grade at suspension — a class of another grade is refused.
    const other = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 4 } });
    refused(await school.post('/xueji/changes', { type: '12', student: s.documentId, reason: '康复', toClass: other.documentId }), 400, 'RESUME_GRADE_MISMATCH');
    const same = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 5 }, orderBy: { number: 'desc' } });
    const resume = await file(school, { type: '12', student: s.documentId, reason: '康复复学', toClass: same.documentId });
    await decide(county, resume.documentId, 'approve');
    const stored = await q(STUDENT).findOne({ where: { id: s.id }, populate: { schoolClass: true } });
    expect(stored.enrollmentStatus).toBe('01');
    expect(stored.schoolClass.id).toBe(same.id);
  });

  it('withdrawal: the filer until the first decision; nobody else', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '29', student: s.documentId, reason: '随家长出国' });
    refused(await (await demo('county')).post(`/xueji/changes/${req.documentId}/withdraw`), 403, 'CHANGE_NOT_FILER');
    const out = await school.post(`/xueji/changes/${req.documentId}/withdraw`);
    expect(out.status).toBe(200);
    expect(out.body.data.state).toBe('cancelled');
    refused(await (await demo('county')).post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve' }), 409, 'CHANGE_CONFLICT');
    expect((await q(CR).findOne({ where: { documentId: req.documentId } })).openKey).toBeNull();
  });
});

describe('rules of SPEC §4 and §8', () => {
  it('one open request per student, also in the database (the refusal names the holder)', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '28', student: s.documentId, reason: '长期未到校' });
    const res = await school.post('/xueji/changes', { type: '29', student: s.documentId, reason: '其他' });
    refused(res, 409, 'CHANGE_REQUEST_OPEN');
    expect(res.body.error.details.holder).toBe(req.documentId);
    // The partial-unique guard holds even for a writer that skips the engine's check.
    const table = strapi.db.metadata.get(CR).tableName;
    await expect(strapi.db.connection(table).update({ open_key: s.documentId }).where({ id: (await q(CR).findOne({ where: { openKey: { $null: true } } })).id })).rejects.toThrow();
    await school.post(`/xueji/changes/${req.documentId}/withdraw`);
  });

  it('nobody decides a step of their own request, nor two steps of one request (chains from configuration)', async () => {
    const restore = await withRules({ chains: { '13': 'anhui', '28': [{ party: 'from-school', days: 5 }, { party: 'from-county', days: 15 }, { party: 'from-county', days: 5 }] } });
    try {
      const [s] = await freeStudents(A.code, { grade: 2 });
      const school = await demo('school');
      const req = await file(school, { type: '28', student: s.documentId, reason: '长期未到校' });
      refused(await school.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve' }), 403, 'CHANGE_SELF_APPROVAL');
      // Another account of the same school takes the school's step.
      const other = await account('change-school-a2@xueji.demo', 'school', A.code);
      await decide(other, req.documentId, 'approve');
      const county = await demo('county');
      await decide(county, req.documentId, 'approve');
      refused(await county.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve' }), 403, 'CHANGE_TWO_STEPS');
      const done = await decide(await account(COUNTY_A2, 'county', '340104'), req.documentId, 'approve');
      expect(done.state).toBe('approved');
      expect((await q(STUDENT).findOne({ where: { id: s.id } })).enrollmentStatus).toBe('12');
    } finally {
      restore();
    }
  });

  it('graduating grades are frozen from 1 July until graduation (national calendar)', async () => {
    const restore = await withRules({ today: '2027-07-05' });
    try {
      const [g6] = await freeStudents(A.code, { grade: 6 });
      const [g5] = await freeStudents(A.code, { grade: 5 });
      const school = await demo('school');
      refused(await school.post('/xueji/changes', { type: '28', student: g6.documentId, reason: '长期未到校' }), 400, 'GRADUATING_FROZEN');
      const ok = await file(school, { type: '28', student: g5.documentId, reason: '长期未到校' });
      await school.post(`/xueji/changes/${ok.documentId}/withdraw`);
    } finally {
      restore();
    }
  });

  it('no transfer inside one 学区 in compulsory education', async () => {
    const point = await q(SCHOOL).findOne({ where: { schoolType: '218', centralSchool: { id: { $notNull: true } } }, populate: { centralSchool: true } });
    const central = point.centralSchool;
    const pointClass = await q(CLASS).findOne({ where: { schoolCode: point.code }, orderBy: { grade: 'asc' } });
    const [s] = await freeStudents(central.code, { grade: pointClass.grade });
    const pointApi = await account(`change-point-${point.code}@xueji.demo`, 'school', point.code);
    refused(await pointApi.post('/xueji/changes', { type: '13', student: { idNumber: s.idNumber, name: s.name }, toClass: pointClass.documentId, reason: '就近入学', proofs: [await upload(`change-point-${point.code}@xueji.demo`, PASSWORD)] }), 400, 'TRANSFER_SAME_DISTRICT');
  });

  it('a transfer names a registered in-school student by ID number and name, else 404 and nothing learnt', async () => {
    const [s] = await freeStudents(A.code, { grade: 3 });
    const schoolB = await account(SCHOOL_B, 'school', B.code);
    refused(await schoolB.post('/xueji/changes', await transferBody(s, { student: { idNumber: s.idNumber, name: `${s.name}X` } })), 404, 'TRANSFER_STUDENT_NOT_FOUND');
    // The receiving school cannot name a student by documentId (it may not read the record).
    refused(await schoolB.post('/xueji/changes', await transferBody(s, { student: s.documentId })), 400, 'STUDENT_IDENTITY_REQUIRED');
    // A school files only for its own students.
    refused(await schoolB.post('/xueji/changes', { type: '28', student: s.documentId, reason: 'x' }), 403, 'OUT_OF_SCOPE');
    // Bureaus decide, they do not file.
    refused(await (await demo('county')).post('/xueji/changes', { type: '28', student: s.documentId, reason: 'x' }), 403, 'FILER_NOT_ALLOWED');
  });

  it('bad input gets a code, never a 500, and changes nothing', async () => {
    const school = await demo('school');
    const before = await q(CR).count();
    const [s] = await freeStudents(A.code, { grade: 2 });
    for (const [body, status, code] of [
      [{ type: '99', student: s.documentId, reason: 'x' }, 400, 'CHANGE_TYPE_UNKNOWN'],
      [{ type: '28', student: s.documentId }, 400, 'FIELD_REQUIRED'],
      [{ type: '28', student: s.documentId, reason: 7 }, 400, 'FIELD_TYPE'],
      [{ type: '28', student: 'nope', reason: 'x' }, 400, 'STUDENT_REQUIRED'],
      [{ type: '28', student: 'abcdefghijklmnopqrstuvwx', reason: 'x' }, 404, 'STUDENT_NOT_FOUND'],
      [{ type: '28', student: s.documentId, reason: 'x', payload: [1] }, 400, 'PAYLOAD_INVALID'],
      [{ type: '28', student: s.documentId, reason: 'x', proofs: ['a'] }, 400, 'PROOFS_INVALID'],
      [{ type: '28', student: s.documentId, reason: 'x', proofs: [999999] }, 400, 'PROOF_NOT_FOUND'],
      [{ type: '24', student: s.documentId, reason: 'x' }, 400, 'WITHDRAWAL_COMPULSORY'],
      [{ type: '12', student: s.documentId, reason: 'x', toClass: 'abcdefghijklmnopqrstuvwx' }, 400, 'CLASS_NOT_FOUND'],
    ] as const) {
      refused(await school.post('/xueji/changes', body), status, code);
    }
    refused(await school.post('/xueji/changes', [1, 2]), 400, 'BODY_INVALID');
    refused(await school.get('/xueji/changes?box=x'), 400, 'BOX_INVALID');
    refused(await school.post('/xueji/changes/abcdefghijklmnopqrstuvwx/decide', { decision: 'approve' }), 404, 'CHANGE_NOT_FOUND');
    expect(await q(CR).count()).toBe(before);
  });
});

describe('deadlines', () => {
  it('a step past its due working day is flagged overdue and found by ?overdue=true', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '29', student: s.documentId, reason: '随家长出国' });
    const county = await demo('county');
    const now = await county.get(`/xueji/changes?box=todo&overdue=true&pageSize=200`);
    expect(now.body.data.map((r: any) => r.documentId)).not.toContain(req.documentId);
    const restore = await withRules({ today: addWorkingDays(req.steps[0].due, 1).date });
    try {
      const later = await county.get(`/xueji/changes?box=todo&overdue=true&pageSize=200`);
      const item = later.body.data.find((r: any) => r.documentId === req.documentId);
      expect(item?.overdue).toBe(true);
    } finally {
      restore();
    }
    await school.post(`/xueji/changes/${req.documentId}/withdraw`);
  });
});

describe('graduation of a whole grade and 异动纠错', () => {
  it('refused while a request of the grade is open; approved by the county set-based; reversed by the county', async () => {
    const school = await demo('school');
    const county = await demo('county');
    const [s] = await freeStudents(A.code, { grade: 6 });
    const open = await file(school, { type: '28', student: s.documentId, reason: '长期未到校' });
    const blocked = await school.post('/xueji/changes', { type: '21', reason: '2026 届毕业', payload: { grade: 6 } });
    refused(blocked, 400, 'GRADUATION_BLOCKED');
    expect(blocked.body.error.details.holder).toBe(open.documentId);
    await school.post(`/xueji/changes/${open.documentId}/withdraw`);
    refused(await school.post('/xueji/changes', { type: '21', reason: 'x', payload: { grade: 5 } }), 400, 'NOT_GRADUATING_GRADE');

    const inGrade = await q(STUDENT).findMany({ where: { schoolCode: A.code, grade: 6, enrollmentStatus: '01', registrationStatus: 'registered' }, select: ['id'] });
    const req = await file(school, { type: '21', reason: '2026 届毕业', payload: { grade: 6 } });
    expect(req.steps.map((x: any) => [x.level, x.code])).toEqual([['from-county', '340104']]);
    // While the grade's request is open, its students get no other request.
    refused(await school.post('/xueji/changes', { type: '28', student: s.documentId, reason: 'x' }), 409, 'CHANGE_REQUEST_OPEN');
    await decide(county, req.documentId, 'approve');
    const after = await q(STUDENT).count({ where: { id: { $in: inGrade.map((x: any) => x.id) }, enrollmentStatus: '06' } });
    expect(after).toBe(inGrade.length);

    refused(await school.post(`/xueji/changes/${req.documentId}/reverse`, { comment: '误操作' }), 403, 'REVERSE_COUNTY_ONLY');
    refused(await county.post(`/xueji/changes/${req.documentId}/reverse`, {}), 400, 'FIELD_REQUIRED');
    const rev = await county.post(`/xueji/changes/${req.documentId}/reverse`, { comment: '毕业年级有误，纠错撤销' });
    expect(rev.status, JSON.stringify(rev.body)).toBe(200);
    expect(rev.body.data.state).toBe('reversed');
    expect(await q(STUDENT).count({ where: { id: { $in: inGrade.map((x: any) => x.id) }, enrollmentStatus: '01' } })).toBe(inGrade.length);
    // The record is kept, with the county's correction in its history.
    const kept = await school.get(`/xueji/changes/${req.documentId}`);
    expect(kept.body.data.history.at(-1)).toMatchObject({ level: 'county-correction', comment: '毕业年级有误，纠错撤销' });
  });
});

describe('concurrent decisions', () => {
  it('50 decisions on one step at once: exactly one recorded, the others 409 CHANGE_CONFLICT', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '29', student: s.documentId, reason: '随家长出国' });
    const county = await demo('county');
    const results = await Promise.all(Array.from({ length: 50 }, () => county.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve', comment: '同意' })));
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status === 409 && r.body.error.details.code === 'CHANGE_CONFLICT');
    expect(ok.length).toBe(1);
    expect(conflicts.length).toBe(49);
    const row = await q(CR).findOne({ where: { documentId: req.documentId } });
    expect(await q('api::approval.approval').count({ where: { changeRequest: { id: row.id } } })).toBe(1);
    expect((await q(STUDENT).findOne({ where: { id: s.id } })).enrollmentStatus).toBe('03');
  });
});

describe('what the views need', () => {
  it('options: the types a school may file for its student now, and why not the others', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const res = await school.get(`/xueji/changes/options?student=${s.documentId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const by = Object.fromEntries(res.body.data.types.map((t: any) => [t.type, t]));
    expect(by['23']).toMatchObject({ allowed: true, proofs: expect.any(String) });
    expect(by['12'].allowed).toBe(false); // not suspended
    expect(by['12'].reasons[0]).toMatch(/休学/);
    expect(by['13']).toBeUndefined(); // filed by the receiving school
    // Held by a request: nothing may be filed, and the reason names it.
    const req = await file(school, { type: '28', student: s.documentId, reason: '长期未到校' });
    const held = await school.get(`/xueji/changes/options?student=${s.documentId}`);
    expect(held.body.data.holder).toBe(req.documentId);
    expect(held.body.data.types.every((t: any) => !t.allowed && t.reasons[0].includes(req.documentId))).toBe(true);
    // The student's history, and counts per type for the workbench header.
    const history = await school.get(`/xueji/changes?student=${s.documentId}`);
    expect(history.body.data.map((r: any) => r.documentId)).toEqual([req.documentId]);
    const todo = await (await demo('county')).get('/xueji/changes?box=todo');
    expect(todo.body.meta.counts.byType['28']).toBeGreaterThanOrEqual(1);
    await school.post(`/xueji/changes/${req.documentId}/withdraw`);
    refused(await (await demo('county')).get(`/xueji/changes/options?student=${s.documentId}`), 403, 'FILER_NOT_ALLOWED');
    refused(await (await account(SCHOOL_B, 'school', B.code)).get(`/xueji/changes/options?student=${s.documentId}`), 403, 'OUT_OF_SCOPE');
  });

  it('drafts: the school’s draft students with what each lacks', async () => {
    const school = await demo('school');
    const cls = await q(CLASS).findOne({ where: { schoolCode: A.code, grade: 1 }, orderBy: { number: 'desc' } });
    const { newStudent } = await import('./fixtures');
    const made = await school.post(`${CM}/${STUDENT}`, newStudent(cls));
    expect(made.status).toBe(201);
    const res = await school.get('/xueji/registrations/drafts');
    expect(res.status).toBe(200);
    const mine = res.body.data.find((d: any) => d.documentId === made.body.data.documentId);
    expect(mine).toMatchObject({ ready: false, problems: [expect.objectContaining({ code: 'REGISTRATION_PHOTO_MISSING' })] });
    refused(await (await demo('county')).get('/xueji/registrations/drafts'), 403, 'FILER_NOT_ALLOWED');
  });
});

describe('outside the region', () => {
  it('another county neither reads, lists, decides, withdraws nor reverses a request of 蜀山区, and writes nothing', async () => {
    const [s] = await freeStudents(A.code, { grade: 2 });
    const school = await demo('school');
    const req = await file(school, { type: '29', student: s.documentId, reason: '随家长出国' });
    const other = await account(COUNTY_B, 'county', '340123');
    const approvals = await q('api::approval.approval').count();
    refused(await other.get(`/xueji/changes/${req.documentId}`), 403, 'OUT_OF_SCOPE');
    refused(await other.post(`/xueji/changes/${req.documentId}/decide`, { decision: 'approve' }), 403, 'OUT_OF_SCOPE');
    refused(await other.post('/xueji/changes/decide', { ids: [req.documentId], decision: 'approve' }), 403, 'OUT_OF_SCOPE');
    refused(await other.post(`/xueji/changes/${req.documentId}/withdraw`), 403, 'OUT_OF_SCOPE');
    refused(await other.post(`/xueji/changes/${req.documentId}/reverse`, { comment: 'x' }), 403, 'OUT_OF_SCOPE');
    const all = await other.get('/xueji/changes?box=all&pageSize=200');
    expect(all.body.data.map((r: any) => r.documentId)).not.toContain(req.documentId);
    expect((await other.get(`/xueji/changes?student=${s.documentId}`)).body.data).toEqual([]);
    expect((await other.get('/xueji/notifications')).body.data.some((n: any) => n.request?.documentId === req.documentId)).toBe(false);
    expect(await q('api::approval.approval').count()).toBe(approvals);
    expect((await q(CR).findOne({ where: { documentId: req.documentId } })).state).toBe('pending');
    await school.post(`/xueji/changes/${req.documentId}/withdraw`);
  });
});
