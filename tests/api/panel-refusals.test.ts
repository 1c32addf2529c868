/**
 * Refusals on the admin panel's paths keep their words (issue 9, point 3): every refusal the
 * Content Manager can meet answers its Chinese message and a stable code — OUT_OF_SCOPE for a
 * record of another region, NO_PERMISSION for an action the role lacks (Strapi alone answers a
 * bare "Policy Failed" / "Forbidden"), ROUTE_DISABLED for clone/publish — and a failed check of
 * the student form names its field (`details.errors[].path`) so the form marks it. Nothing changes.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, asAdmin, CM } from './harness';
import { newStudent, BAD_ID } from './fixtures';

const S = 'api::student.student';
const OUT_OF_SCOPE = '超出管辖范围：只能查看和维护本辖区（本校）的记录';
let strapi: any;
let other: any; let own: any; let otherClass: any; let ownClass: any;

const refused = (res: any, status: number, code: string, message?: string | RegExp) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.details.code, JSON.stringify(res.body)).toBe(code);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  if (typeof message === 'string') expect(res.body.error.message).toBe(message);
  else if (message) expect(res.body.error.message).toMatch(message);
};
const rowOf = (id: string) => strapi.db.query(S).findOne({ where: { documentId: id } });
const countOf = (where: any) => strapi.db.query(S).count({ where });

beforeAll(async () => {
  strapi = await getStrapi();
  const schoolUser = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const schoolCode = (await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: schoolUser.id } })).code;
  other = await strapi.db.query(S).findOne({ where: { countyCode: '340123' } });
  own = await strapi.db.query(S).findOne({ where: { schoolCode, registrationStatus: 'registered' } });
  otherClass = await strapi.db.query('api::school-class.school-class').findOne({ where: { countyCode: '340123', grade: 1 } });
  ownClass = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode, grade: 1 } });
});

describe('a county official (reads students, writes none) in the Content Manager', () => {
  it('reading a record of another county: 403 OUT_OF_SCOPE with the Chinese message, no data', async () => {
    const api = await asAdmin('county@xueji.demo');
    const res = await api.get(`${CM}/${S}/${other.documentId}`);
    refused(res, 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    expect(JSON.stringify(res.body)).not.toContain(other.name);
    refused(await api.get(`/content-manager/relations/${S}/${other.documentId}/schoolClass`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
  });

  it('update, create, delete, bulk delete of students: 403 NO_PERMISSION naming the action, nothing written', async () => {
    const api = await asAdmin('county@xueji.demo');
    const before = await rowOf(own.documentId);
    refused(await api.put(`${CM}/${S}/${own.documentId}`, { specialty: '书法' }), 403, 'NO_PERMISSION', '无权修改“学生”：您的账号角色没有这项权限');
    expect((await rowOf(own.documentId)).specialty).toBe(before.specialty);
    const n = await countOf({ schoolCode: own.schoolCode });
    refused(await api.post(`${CM}/${S}`, newStudent(ownClass)), 403, 'NO_PERMISSION', '无权新增“学生”：您的账号角色没有这项权限');
    refused(await api.del(`${CM}/${S}/${own.documentId}`), 403, 'NO_PERMISSION', '无权删除“学生”：您的账号角色没有这项权限');
    refused(await api.post(`${CM}/${S}/actions/bulkDelete`, { documentIds: [own.documentId] }), 403, 'NO_PERMISSION', /^无权删除“学生”/);
    expect(await countOf({ schoolCode: own.schoolCode })).toBe(n);
    // The other county's record: its being out of scope is what the user is told.
    refused(await api.put(`${CM}/${S}/${other.documentId}`, { specialty: '书法' }), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
  });
});

describe('an id of no record answers as one outside the scope (no existence oracle)', () => {
  const MISSING = 'zzzzzzzzzzzzzzzzzzzzzzzz'; // a well-formed documentId no record has
  it('county official and school registrar: read, update, delete and relations of a missing id and of another region\'s record answer the same 403 OUT_OF_SCOPE', async () => {
    for (const email of ['county@xueji.demo', 'school@xueji.demo']) {
      const api = await asAdmin(email);
      for (const id of [MISSING, other.documentId]) {
        refused(await api.get(`${CM}/${S}/${id}`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
        refused(await api.put(`${CM}/${S}/${id}`, { specialty: '书法' }), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
        refused(await api.del(`${CM}/${S}/${id}`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
        refused(await api.get(`/content-manager/relations/${S}/${id}/schoolClass`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
      }
    }
    expect((await rowOf(other.documentId)).specialty).toBe(other.specialty);
  });

  it('the system administrator (unscoped) still gets Strapi\'s 404 for a missing id', async () => {
    const res = await (await asAdmin('admin@xueji.demo')).get(`${CM}/${S}/${MISSING}`);
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });
});

describe('a school registrar in the Content Manager', () => {
  it('read, update, delete and relations of another school\'s record: 403 OUT_OF_SCOPE', async () => {
    const api = await asAdmin('school@xueji.demo');
    refused(await api.get(`${CM}/${S}/${other.documentId}`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    refused(await api.put(`${CM}/${S}/${other.documentId}`, { specialty: '书法' }), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    refused(await api.del(`${CM}/${S}/${other.documentId}`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    refused(await api.get(`/content-manager/relations/${S}/${other.documentId}/schoolClass`), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    expect((await rowOf(other.documentId)).specialty).toBe(other.specialty);
  });

  it('create in another school\'s class: OUT_OF_SCOPE; delete of an own student: NO_PERMISSION; clone and publish: ROUTE_DISABLED', async () => {
    const api = await asAdmin('school@xueji.demo');
    const n = await countOf({ countyCode: '340123' });
    refused(await api.post(`${CM}/${S}`, newStudent(otherClass)), 403, 'OUT_OF_SCOPE', OUT_OF_SCOPE);
    expect(await countOf({ countyCode: '340123' })).toBe(n);
    refused(await api.del(`${CM}/${S}/${own.documentId}`), 403, 'NO_PERMISSION', '无权删除“学生”：您的账号角色没有这项权限');
    expect(await rowOf(own.documentId)).toBeTruthy();
    refused(await api.post(`${CM}/${S}/clone/${own.documentId}`, {}), 404, 'ROUTE_DISABLED', '该接口未开放');
    refused(await api.post(`${CM}/${S}/${own.documentId}/actions/publish`, {}), 404, 'ROUTE_DISABLED', '该接口未开放');
  });

  it('has every family-member field in its read, create and update permissions (no "无权查看此字段")', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.get('/admin/users/me/permissions');
    expect(res.status).toBe(200);
    for (const action of ['read', 'create', 'update']) {
      const p = res.body.data.find((x: any) => x.action === `plugin::content-manager.explorer.${action}` && x.subject === S);
      expect(p.properties.fields).toEqual(expect.arrayContaining(['family.name', 'family.relation', 'family.isGuardian', 'family.idNumber', 'family.hukouRegion']));
      expect(p.properties.fields).not.toContain('family');
    }
  });

  it('a student with two family members is created through the Content Manager, family stored', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.post(`${CM}/${S}`, newStudent(ownClass));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const row = await strapi.db.query(S).findOne({ where: { documentId: res.body.data.documentId }, populate: { family: true } });
    expect(row.family.map((m: any) => m.name)).toEqual(['测试父亲', '测试母亲']);
  });

  it('a form the server refuses names the field: details.errors[].path for the Content Manager, nothing written', async () => {
    const api = await asAdmin('school@xueji.demo');
    const n = await countOf({ schoolCode: own.schoolCode });
    const one = newStudent(ownClass);
    const cases: Array<[any, string, string[]]> = [
      [{ family: one.family.slice(0, 1) }, 'FAMILY_TOO_FEW', ['family']],
      [{ birthPlace: '990000000000' }, 'REGION_UNKNOWN', ['birthPlace']],
      [{ family: [one.family[0], { ...one.family[1], idNumber: BAD_ID }] }, 'ID_CHECKSUM', ['family', '1', 'idNumber']],
      [{ family: [one.family[0], { ...one.family[1], relation: '99' }] }, 'CODE_UNKNOWN', ['family', '1', 'relation']],
      [{ nationality: '999' }, 'CODE_UNKNOWN', ['nationality']], // 国籍/地区: GB/T 2659 numeric codes only
    ];
    for (const [over, code, path] of cases) {
      const res = await api.post(`${CM}/${S}`, newStudent(ownClass, over));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.name).toBe('ValidationError');
      expect(res.body.error.details.code).toBe(code);
      expect(res.body.error.details.errors).toEqual([{ path, message: res.body.error.message, name: 'ValidationError' }]);
      if (path[0] === 'nationality') expect(res.body.error.message).toBe('国籍/地区：代码“999”不在代码表中');
    }
    expect(await countOf({ schoolCode: own.schoolCode })).toBe(n);
  });

  it('every ValidationError on a panel path carries details.errors (the form reads it)', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.put(`${CM}/${S}/${own.documentId}`, { name: '改名' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('KEY_FIELD_LOCKED');
    expect(res.body.error.details.errors).toEqual([{ path: ['name'], message: res.body.error.message, name: 'ValidationError' }]);
  });
});
