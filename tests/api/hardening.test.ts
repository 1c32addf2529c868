/**
 * The attacks of the hardening issue, one test each, on the demo province: every one of them
 * succeeded before the Document Service middleware handled every action, system-kept fields,
 * the post-write check and the route table. Status and error code asserted exactly; what is
 * stored is checked, not what was answered.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, http, asAdmin, CM } from './harness';
import { newStudent } from './fixtures';
import { unclassifiedRoutes } from '../../src/server/route-guard';
import { withSystemWrite } from '../../src/server/system-write';
import { scopeWhere } from '../../src/server/scope';
import { SCOPED_TYPES } from '../../src/domain/content-model';
import { STAFF_ROLES } from '../../src/server/staff-roles';
import { COUNTER_TABLE } from '../../src/server/db-constraints';

const STUDENT = 'api::student.student';
const CLASS = 'api::school-class.school-class';
const CR = 'api::change-request.change-request';
let strapi: any;
let own: any; // the demo school account's school
let foreign: any; // a school of another city
let ownClass: any;
let foreignClass: any;
let ownStudent: any;
let foreignStudent: any;
const q = (uid: string) => strapi.db.query(uid);

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  own = await q('api::school.school').findOne({ where: { code: scope.code } });
  foreign = await q('api::school.school').findOne({ where: { countyCode: '340202', category: '21' }, orderBy: { code: 'asc' } });
  ownClass = await q(CLASS).findOne({ where: { schoolCode: own.code, grade: 1 }, orderBy: { number: 'asc' } });
  foreignClass = await q(CLASS).findOne({ where: { schoolCode: foreign.code, grade: 1 }, orderBy: { number: 'asc' } });
  ownStudent = await q(STUDENT).findOne({ where: { schoolCode: own.code, registrationStatus: 'registered', enrollmentStatus: '01', idIsGuardians: false }, orderBy: { id: 'desc' } });
  foreignStudent = await q(STUDENT).findOne({ where: { schoolCode: foreign.code, registrationStatus: 'registered', enrollmentStatus: '01', idIsGuardians: false }, orderBy: { id: 'desc' } });
  await strapi.documents(STUDENT).update({ documentId: foreignStudent.documentId, data: { specialty: '书法' } }); // an audit row exists
});

describe('deny by default', () => {
  it('every route of the running server is in the route table (a new one fails here)', () => {
    expect(unclassifiedRoutes(strapi)).toEqual([]);
    expect((strapi.server.listRoutes() as any[]).length).toBeGreaterThan(250);
  });

  it('cloning through the Content Manager is switched off: 404 ROUTE_DISABLED, nothing written', async () => {
    const punishments = await q('api::punishment.punishment').count();
    const students = await q(STUDENT).count();
    for (const [email, uid, id] of [
      ['school@xueji.demo', 'api::punishment.punishment', (await q('api::punishment.punishment').findOne({ where: { schoolCode: { $ne: own.code } } }))?.documentId ?? 'x'],
      ['school@xueji.demo', STUDENT, ownStudent.documentId],
      ['admin@xueji.demo', 'api::audit-log.audit-log', (await q('api::audit-log.audit-log').findOne({ where: {} })).documentId],
    ] as const) {
      const api = await asAdmin(email);
      for (const path of ['clone', 'auto-clone']) {
        const res = await api.post(`${CM}/${uid}/${path}/${id}`, { idNumber: foreignStudent.idNumber, schoolClass: { connect: [{ documentId: foreignClass.documentId }] } });
        expect(res.status, `${email} ${path} ${uid}`).toBe(404);
        expect(res.body.error.details.code).toBe('ROUTE_DISABLED');
      }
    }
    expect(await q('api::punishment.punishment').count()).toBe(punishments);
    expect(await q(STUDENT).count()).toBe(students);
  });

  it('the Document Service refuses every write action it does not know (clone, publish …)', async () => {
    const log = await q('api::audit-log.audit-log').findOne({ where: {} });
    const before = await q('api::audit-log.audit-log').count();
    await expect(strapi.documents('api::audit-log.audit-log').clone({ documentId: log.documentId, data: { action: 'forged' } })).rejects.toMatchObject({ details: { code: 'ACTION_NOT_ALLOWED' } });
    await expect(strapi.documents(STUDENT).clone({ documentId: ownStudent.documentId, data: {} })).rejects.toMatchObject({ details: { code: 'ACTION_NOT_ALLOWED' } });
    expect(await q('api::audit-log.audit-log').count()).toBe(before);
  });
});

describe('system-kept fields are written by the system only', () => {
  it('a registrar cannot un-register a student to change a key field: the status is stripped, the name stays locked', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.put(`${CM}/${STUDENT}/${ownStudent.documentId}`, { registrationStatus: 'draft', name: '改名测试' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('KEY_FIELD_LOCKED');
    const stored = await q(STUDENT).findOne({ where: { id: ownStudent.id } });
    expect(stored.registrationStatus).toBe('registered');
    expect(stored.name).toBe(ownStudent.name);
  });

  it('a registrar’s status, numbers and enrolment status in a body are stripped: the record is a draft with system numbers', async () => {
    const api = await asAdmin('school@xueji.demo');
    const body = newStudent(ownClass, { registrationStatus: 'registered', studentNumber: 'G000000000000000000', regionalNumber: '3401042026999999', enrollmentStatus: '11', identityKey: 'x' });
    const res = await api.post(`${CM}/${STUDENT}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stored = await q(STUDENT).findOne({ where: { documentId: res.body.data.documentId } });
    expect(stored.registrationStatus).toBe('draft');
    expect(stored.enrollmentStatus).toBe('01');
    expect(stored.studentNumber).toBe(`G${body.idNumber}`);
    expect(stored.regionalNumber).toBeNull();
    expect(stored.identityKey).toBe(`P:${body.idNumber}`);
  });

  it('the system administrator sending a system field gets 400 SYSTEM_FIELD_READ_ONLY and nothing changes', async () => {
    const api = await asAdmin('admin@xueji.demo');
    for (const data of [{ registrationStatus: 'draft' }, { enrollmentStatus: '11' }, { regionalNumber: '3401042026000001' }, { schoolCode: foreign.code }]) {
      const res = await api.put(`${CM}/${STUDENT}/${ownStudent.documentId}`, data);
      expect(res.status, JSON.stringify(data)).toBe(400);
      expect(res.body.error.details.code).toBe('SYSTEM_FIELD_READ_ONLY');
    }
    const stored = await q(STUDENT).findOne({ where: { id: ownStudent.id } });
    expect([stored.registrationStatus, stored.enrollmentStatus, stored.regionalNumber, stored.schoolCode])
      .toEqual([ownStudent.registrationStatus, ownStudent.enrollmentStatus, ownStudent.regionalNumber, ownStudent.schoolCode]);
    const del = await api.del(`${CM}/${STUDENT}/${ownStudent.documentId}`);
    expect(del.status).toBe(400);
    expect(del.body.error.details.code).toBe('STUDENT_NO_DELETE');
    expect(await q(STUDENT).count({ where: { id: ownStudent.id } })).toBe(1);
  });

  it('inside the system-write context (the change engine) the status and 地区学号 are set', async () => {
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(ownClass));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await withSystemWrite('test: registration', () => strapi.documents(STUDENT).update({ documentId: res.body.data.documentId, data: { registrationStatus: 'registered' } }));
    const stored = await q(STUDENT).findOne({ where: { documentId: res.body.data.documentId } });
    expect(stored.registrationStatus).toBe('registered');
    expect(stored.regionalNumber).toMatch(/^340104\d{4}\d+$/);
  });
});

describe('relation input shapes cannot link another region', () => {
  it('connect with an id and a documentId of two different classes is refused (400 RELATION_NOT_FOUND)', async () => {
    const before = await q(STUDENT).count({ where: { schoolCode: foreign.code } });
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(ownClass, {
      schoolClass: { connect: [{ id: foreignClass.id, documentId: ownClass.documentId }] },
    }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('RELATION_NOT_FOUND');
    expect(await q(STUDENT).count({ where: { schoolCode: foreign.code } })).toBe(before);
  });

  it('another school\'s class of another grade is refused as out of scope, telling nothing of it (not GRADE_CLASS_MISMATCH with its name)', async () => {
    const otherGrade = await q(CLASS).findOne({ where: { schoolCode: foreign.code, grade: { $ne: Number(ownStudent.grade) } }, orderBy: { number: 'asc' } });
    const res = await (await asAdmin('school@xueji.demo')).put(`${CM}/${STUDENT}/${ownStudent.documentId}`, { schoolClass: otherGrade.documentId });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
    expect(JSON.stringify(res.body)).not.toContain(otherGrade.name);
    expect((await q(STUDENT).findOne({ where: { id: ownStudent.id } })).schoolCode).toBe(own.code);
  });

  it('two connects for one class are refused (400 RELATION_INPUT_AMBIGUOUS)', async () => {
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(ownClass, {
      schoolClass: { connect: [{ documentId: ownClass.documentId }, { documentId: foreignClass.documentId }] },
    }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('RELATION_INPUT_AMBIGUOUS');
  });

  it('a county cannot found a class in another county’s school by any shape', async () => {
    const api = await asAdmin('county@xueji.demo');
    const before = await q(CLASS).count({ where: { schoolCode: foreign.code } });
    const body = (school: any) => ({ grade: 1, number: 77, foundedYearMonth: '202609', school });
    const mixed = await api.post(`${CM}/${CLASS}`, body({ connect: [{ id: foreign.id, documentId: own.documentId }] }));
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.code).toBe('RELATION_NOT_FOUND');
    const plain = await api.post(`${CM}/${CLASS}`, body({ connect: [{ documentId: foreign.documentId }] }));
    expect(plain.status).toBe(403);
    expect(plain.body.error.details.code).toBe('OUT_OF_SCOPE');
    expect(await q(CLASS).count({ where: { schoolCode: foreign.code } })).toBe(before);
  });

  it('a registrar cannot attach a sub-record to another school’s student by numeric id', async () => {
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/api::award.award`, { title: '越权', awardedOn: '2026-05-01', student: { connect: [{ id: foreignStudent.id }] } });
    expect(res.status).toBe(403);
    expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
    expect(await q('api::award.award').count({ where: { student: { id: foreignStudent.id }, title: '越权' } })).toBe(0);
  });
});

describe('change requests are written by the system; nothing reads through a relation', () => {
  let transfer: any;
  beforeAll(async () => {
    const openKeys = (await q(CR).findMany({ where: { openKey: { $notNull: true } }, select: ['openKey'] })).map((r: any) => r.openKey);
    const student = await q(STUDENT).findOne({ where: { schoolCode: foreign.code, registrationStatus: 'registered', documentId: { $notIn: openKeys } }, orderBy: { id: 'asc' } });
    transfer = await withSystemWrite('test: transfer in', () => strapi.documents(CR).create({
      data: { type: '13', reason: '随父母工作调动转入', student: student.documentId, toSchool: own.documentId },
    }));
    transfer.studentRow = student;
  });

  it('no staff account files or edits a request through the Content Manager', async () => {
    const before = await q(CR).count();
    const school = await (await asAdmin('school@xueji.demo')).post(`${CM}/${CR}`, { type: '23', reason: '测试', student: { connect: [{ documentId: ownStudent.documentId }] } });
    expect(school.status).toBe(403);
    const admin = await asAdmin('admin@xueji.demo');
    const created = await admin.post(`${CM}/${CR}`, { type: '23', reason: '测试', student: { connect: [{ documentId: ownStudent.documentId }] } });
    expect(created.status).toBe(403);
    expect(created.body.error.details.code).toBe('RECORD_READ_ONLY');
    const edited = await admin.put(`${CM}/${CR}/${transfer.documentId}`, { reason: '改' });
    expect(edited.status).toBe(403);
    expect(edited.body.error.details.code).toBe('RECORD_READ_ONLY');
    expect(await q(CR).count()).toBe(before);
  });

  it('the receiving school sees the request, but populate does not return the other school’s student', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.get(`${CM}/${CR}/${transfer.documentId}?populate[student][populate]=*`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(transfer.studentRow.idNumber);
    expect(text).not.toContain(transfer.studentRow.documentId);
    const list = await api.get(`${CM}/${CR}?populate=*&pageSize=100`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(transfer.studentRow.idNumber);
  });

  it('the relation routes of that request show the link, never the other school’s student’s data', async () => {
    const api = await asAdmin('school@xueji.demo');
    // The request names the student, so its relation list gives the link (ids only, no fields);
    // the picker offers only students of the scope.
    const linked = await api.get(`/content-manager/relations/${CR}/${transfer.documentId}/student`);
    expect(linked.status).toBe(200);
    expect(Object.keys(linked.body.results[0]).sort()).toEqual(['documentId', 'id', 'locale', 'publishedAt', 'updatedAt']);
    const picker = await api.get(`/content-manager/relations/${CR}/student?pageSize=100&_q=${encodeURIComponent(transfer.studentRow.name)}`);
    expect([200, 403]).toContain(picker.status);
    for (const res of [linked, picker]) {
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(transfer.studentRow.idNumber);
      expect(text).not.toContain(transfer.studentRow.name);
    }
    expect(JSON.stringify(picker.body)).not.toContain(transfer.studentRow.documentId);
  });

  it('filters on a relation sub-field answer nothing about records outside the scope', async () => {
    const api = await asAdmin('school@xueji.demo');
    const id = transfer.studentRow.idNumber;
    for (const filter of [`filters[student][idNumber][$eq]=${id}`, `filters[student][idNumber][$startsWith]=${id.slice(0, 10)}`, `filters[$or][0][student][idNumber][$eq]=${id}`]) {
      const res = await api.get(`${CM}/${CR}?${filter}`);
      expect(res.status, filter).toBe(200);
      expect(res.body.pagination.total, filter).toBe(0);
    }
    // The same filter on the student's own side finds it: the filter works, the scope limits it.
    const county = await asAdmin('admin@xueji.demo');
    const all = await county.get(`${CM}/${CR}?filters[student][idNumber][$eq]=${id}`);
    expect(all.body.pagination.total).toBeGreaterThanOrEqual(1);
  });
});

describe('REST serves scoped types only through scoped controllers', () => {
  const PATHS = ['students', 'change-requests', 'awards', 'punishments', 'school-classes', 'schools', 'authorities', 'approvals', 'audit-logs', 'resume-entries', 'exam-results', 'evaluations'];
  let tokens: Record<string, string>;
  beforeAll(async () => {
    const svc = strapi.service('admin::api-token');
    tokens = {};
    for (const type of ['read-only', 'full-access']) tokens[type] = (await svc.create({ name: `hardening-${type}-${Date.now()}`, type, lifespan: null, description: '' })).accessKey;
  });

  it.each(['read-only', 'full-access'])('an API token (%s) reads nothing scoped: 403 OUT_OF_SCOPE, with or without populate', async (type) => {
    const h = await http();
    for (const p of PATHS) {
      for (const url of [`/api/${p}`, `/api/${p}?populate=*`, `/api/${p}/${ownStudent.documentId}`]) {
        const res = await h.get(url).set('Authorization', `Bearer ${tokens[type]}`);
        expect(res.status, url).toBe(403);
        expect(res.body.error.details.code, url).toBe('OUT_OF_SCOPE');
      }
    }
  });

  it('REST writes do not exist (405); system types are closed (404 ROUTE_DISABLED); no upload API (404)', async () => {
    const h = await http();
    const token = tokens['full-access'];
    const before = await q('api::award.award').count();
    const send = (m: string, url: string) => (h as any)[m](url).set('Authorization', `Bearer ${token}`).send({ data: { title: 'x' } });
    for (const [m, url] of [['post', '/api/awards'], ['put', `/api/schools/${own.documentId}`], ['delete', `/api/students/${ownStudent.documentId}`]]) {
      expect((await send(m, url)).status, `${m} ${url}`).toBe(405);
    }
    for (const [m, url] of [['get', '/api/users'], ['post', '/api/users'], ['post', '/api/auth/local/register'], ['get', '/api/users-permissions/roles']]) {
      const res = await send(m, url);
      expect(res.status, `${m} ${url}`).toBe(404);
      expect(res.body.error.details.code, `${m} ${url}`).toBe('ROUTE_DISABLED');
    }
    // No such routes at all: the upload content API is removed, staff scopes never had REST.
    for (const url of ['/api/upload/files', '/api/staff-scopes']) expect((await send('get', url)).status, url).toBe(404);
    expect(await q('api::award.award').count()).toBe(before);
  });
});

describe('home widgets count inside the scope', () => {
  it('count-documents gives a school its own totals, not the province’s', async () => {
    const res = await (await asAdmin('school@xueji.demo')).get('/content-manager/homepage/count-documents');
    expect(res.status).toBe(200);
    let expected = 0;
    // The types the registrar may read in the Content Manager (notifications are read through /xueji/notifications).
    const readable = Object.keys(STAFF_ROLES.find((r) => r.level === 'school')!.grants).filter((uid) => SCOPED_TYPES.has(uid));
    expect(readable.length).toBeGreaterThan(8);
    for (const uid of readable) expected += await q(uid).count({ where: scopeWhere(uid, { level: 'school', code: own.code }) });
    expect(res.body.data.published).toBe(expected);
    expect(res.body.data.published).toBeLessThan(await q(STUDENT).count());
  });
});

describe('checks, numbers, the write and its audit row in one transaction', () => {
  it('six concurrent enrolments into a class with one place left: exactly one succeeds, five get CLASS_FULL', async () => {
    const cls = await q(CLASS).findOne({ where: { schoolCode: own.code, grade: 1 }, orderBy: { number: 'desc' } });
    const n = await q(STUDENT).count({ where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: ['01', '02'] } } });
    const caps = strapi.config.get('xueji.classCaps');
    strapi.config.set('xueji.classCaps', { ...caps, primary: n + 1 });
    try {
      const api = await asAdmin('school@xueji.demo');
      const results = await Promise.all(Array.from({ length: 6 }, () => api.post(`${CM}/${STUDENT}`, newStudent(cls))));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, JSON.stringify(results.map((r) => r.body?.error?.details?.code))).toEqual([201, 400, 400, 400, 400, 400]);
      expect(results.filter((r) => r.status === 400).every((r) => r.body.error.details.code === 'CLASS_FULL')).toBe(true);
      expect(await q(STUDENT).count({ where: { schoolClass: { id: cls.id }, enrollmentStatus: { $in: ['01', '02'] } } })).toBe(n + 1);
    } finally {
      strapi.config.set('xueji.classCaps', caps);
    }
  });

  it('the same person filed twice at once: one 201, the other 400 STUDENT_DUPLICATE, never 500', async () => {
    const api = await asAdmin('school@xueji.demo');
    const body = newStudent(ownClass);
    const results = await Promise.all([api.post(`${CM}/${STUDENT}`, body), api.post(`${CM}/${STUDENT}`, body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(results.find((r) => r.status === 400)!.body.error.details.code).toBe('STUDENT_DUPLICATE');
  });

  it('a refused write uses no number up (numbers are reserved after the scope check, inside the write)', async () => {
    const birth = `${new Date().getFullYear() - 8}-02-03`;
    const key = `J:${foreign.countyCode}:${birth.replace(/-/g, '')}`;
    const before = await strapi.db.connection(COUNTER_TABLE).where({ key }).first();
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(foreignClass, { idType: 'Z', idNumber: null, birthDate: birth, grade: foreignClass.grade }));
    expect(res.status).toBe(403);
    expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
    expect(await strapi.db.connection(COUNTER_TABLE).where({ key }).first()).toEqual(before);
  });

  it('what is stored is checked: a row that ends up outside its links is rolled back with its audit row', async () => {
    // A stand-in for any input shape the checks before the write did not foresee: it moves the
    // stored row to another school after Strapi wrote it.
    const off = strapi.documents.use(async (ctx: any, next: any) => {
      const res = await next();
      if (ctx.uid === STUDENT && ctx.action === 'update' && ctx.params?.data?.specialty === '篡改') {
        await strapi.db.query(STUDENT).update({ where: { documentId: ctx.params.documentId }, data: { schoolCode: foreign.code } });
      }
      return res;
    });
    try {
      const audits = await q('api::audit-log.audit-log').count({ where: { subjectId: ownStudent.documentId } });
      const res = await (await asAdmin('school@xueji.demo')).put(`${CM}/${STUDENT}/${ownStudent.documentId}`, { specialty: '篡改' });
      expect(res.status).toBe(400);
      expect(res.body.error.details.code).toBe('STORED_MISMATCH');
      const stored = await q(STUDENT).findOne({ where: { id: ownStudent.id } });
      expect(stored.schoolCode).toBe(own.code);
      expect(stored.specialty).not.toBe('篡改');
      expect(await q('api::audit-log.audit-log').count({ where: { subjectId: ownStudent.documentId } })).toBe(audits);
    } finally {
      off();
    }
  });

  it('an ID number already on file is a duplicate whatever the document type (其他 “Z” included)', async () => {
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(ownClass, { idType: 'Z', idNumber: foreignStudent.idNumber }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('STUDENT_DUPLICATE');
  });

  it('over-long text is refused with 400, not stored', async () => {
    const res = await (await asAdmin('school@xueji.demo')).put(`${CM}/${STUDENT}/${ownStudent.documentId}`, { specialty: '长'.repeat(5000) });
    expect(res.status).toBe(400);
    expect((await q(STUDENT).findOne({ where: { id: ownStudent.id } })).specialty?.length ?? 0).toBeLessThan(5000);
  });
});


describe('a body the parser refuses, a method or path that does not exist, a missing login: answered in Chinese with a code (never English, never 500)', () => {
  it('malformed JSON, a JSON scalar, prototype keys, an oversized body, a 405 — and nothing is filed', async () => {
    const token = (await (await http()).post('/admin/login').send({ email: 'school@xueji.demo', password: 'Xueji@2026' })).body.data.token;
    const before = await q('api::change-request.change-request').count();
    const phone = (await q(STUDENT).findOne({ where: { id: ownStudent.id } })).phone;
    const raw = async (method: 'post' | 'put' | 'patch', url: string, body: string) =>
      (await http())[method](url).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(body);
    const cases: Array<[string, () => Promise<any>, number, string]> = [
      ['cut-off JSON to the Content Manager', () => raw('put', `${CM}/${STUDENT}/${ownStudent.documentId}`, '{"phone":'), 400, 'INVALID_JSON'],
      ['cut-off JSON to the change engine', () => raw('post', '/xueji/changes', '{"type":"23",'), 400, 'INVALID_JSON'],
      ['a JSON string to the change engine', () => raw('post', '/xueji/changes', '"x"'), 400, 'INVALID_JSON'],
      ['null to the login', () => raw('post', '/admin/login', 'null'), 400, 'INVALID_JSON'],
      ['__proto__ in the body', () => raw('post', '/xueji/changes', '{"__proto__":{"admin":true},"type":"23"}'), 400, 'INVALID_BODY'],
      ['a 2 MB JSON body', () => raw('post', '/xueji/changes', JSON.stringify({ reason: 'x'.repeat(2 * 1024 * 1024) })), 413, 'BODY_TOO_LARGE'],
      ['PATCH, which the path does not have', () => raw('patch', '/xueji/changes', '{}'), 405, 'METHOD_NOT_ALLOWED'],
      ['a path that does not exist', async () => (await http()).get('/no-such-api/route'), 404, 'NOT_FOUND'],
      ['a login with no account or password', () => raw('post', '/admin/login', '{}'), 400, 'LOGIN_INPUT_REQUIRED'],
      ['a list with no login', async () => (await http()).get(`${CM}/${STUDENT}`), 401, 'UNAUTHENTICATED'],
      ['a list with a forged token', async () => (await http()).get(`${CM}/${STUDENT}`).set('Authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED'],
      ['a change list with no login', async () => (await http()).get('/xueji/changes'), 401, 'UNAUTHENTICATED'],
    ];
    for (const [label, send, status, code] of cases) {
      const res = await send();
      expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBe(status);
      expect(res.body?.error?.details?.code, `${label}: ${res.text.slice(0, 200)}`).toBe(code);
      expect(res.body.error.message, label).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await q('api::change-request.change-request').count()).toBe(before);
    expect((await q(STUDENT).findOne({ where: { id: ownStudent.id } })).phone).toBe(phone);
  });
});
