import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, http, adminToken, asAdmin, CM } from './harness';
import { DEMO_ACCOUNTS } from '../../src/server/demo-accounts';
import { makeIdNumber, parseIdNumber } from '../../src/domain/id-card';
import { reserveSequence } from '../../src/server/sequences';

const STUDENT = 'api::student.student';

import { newStudent, BAD_ID } from './fixtures';

let strapi: any;
let grade1Class: any;

beforeAll(async () => {
  strapi = await getStrapi();
  const school = await strapi.db.query('api::school.school').findOne({ where: { countyCode: '340104', category: '21' }, orderBy: { code: 'asc' } });
  grade1Class = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode: school.code, grade: 1 }, orderBy: { number: 'asc' } });
});

describe('demo province and logins', () => {
  it('loads the demo province: 1 province, 2 cities, 4 counties, schools, classes, students', async () => {
    const q = (uid: string, where = {}) => strapi.db.query(uid).count({ where });
    expect(await q('api::authority.authority', { level: 'province' })).toBe(1);
    expect(await q('api::authority.authority', { level: 'city' })).toBe(2);
    expect(await q('api::authority.authority', { level: 'county' })).toBe(4);
    expect(await q('api::school.school')).toBeGreaterThanOrEqual(30);
    expect(await q('api::student.student')).toBeGreaterThanOrEqual(Number(process.env.XUEJI_DEMO_STUDENTS)); // other files add students
    expect(await q('api::school.school', { centralSchool: { id: { $notNull: true } } })).toBeGreaterThanOrEqual(1);
  });

  it.each(DEMO_ACCOUNTS.map((a) => [a.roleName, a.email]))('%s (%s) logs in to the admin panel', async (_role, email) => {
    const token = await adminToken(email);
    const me = await (await http()).get('/admin/users/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(email);
    expect(me.body.data.preferedLanguage).toBe('zh-Hans');
  });

  it('refuses a wrong password', async () => {
    const res = await (await http()).post('/admin/login').send({ email: 'school@xueji.demo', password: 'wrong-Pass1' });
    expect(res.status).toBe(400);
  });

  it('ties every demo account to its region or school', async () => {
    for (const acc of DEMO_ACCOUNTS) {
      const user = await strapi.db.query('admin::user').findOne({ where: { email: acc.email } });
      const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
      expect(scope.level).toBe(acc.level);
      expect(scope.code).toMatch(acc.level === 'school' ? /^21\d{8}$/ : /^\d{6}$/);
    }
  });
});

describe('admin panel in Chinese', () => {
  it('shows Chinese field labels for students and family members on a fresh database', async () => {
    const api = await asAdmin();
    const res = await api.get(`/content-manager/content-types/${STUDENT}/configuration`);
    expect(res.status).toBe(200);
    const meta = res.body.data.contentType.metadatas;
    expect(meta.name.edit.label).toBe('姓名');
    expect(meta.idNumber.edit.label).toBe('身份证件号');
    expect(meta.ethnicity.list.label).toBe('民族');
    const family = res.body.data.components['family.member'].metadatas;
    expect(family.relation.edit.label).toBe('关系');
  });

  it('serves the content types with Chinese display names', async () => {
    const api = await asAdmin();
    const res = await api.get('/content-manager/content-types');
    const student = res.body.data.find((c: any) => c.uid === STUDENT);
    expect(student.info.displayName).toBe('学生');
  });
});

describe('student write validation (admin panel path)', () => {
  const count = () => strapi.db.query(STUDENT).count();

  it('creates a valid student with derived numbers and scope columns', async () => {
    const api = await asAdmin();
    const body = newStudent(grade1Class);
    const res = await api.post(`${CM}/${STUDENT}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const row = await strapi.db.query(STUDENT).findOne({ where: { documentId: res.body.data.documentId }, populate: { school: true } });
    expect(row.studentNumber).toBe(`G${body.idNumber}`);
    expect(row.schoolCode).toBe(grade1Class.schoolCode);
    expect(row.countyCode).toBe('340104');
    expect(row.cityCode).toBe('340100');
    expect(row.provinceCode).toBe('340000');
    expect(row.school.code).toBe(grade1Class.schoolCode);
    expect(row.identityKey).toBe(`P:${body.idNumber}`);
  });

  it('normalises a lower-case x check digit', async () => {
    let id = '';
    for (let seq = 1; seq < 999 && !id.endsWith('X'); seq += 2) id = makeIdNumber('340111', `${new Date().getFullYear() - 8}0305`, seq);
    const api = await asAdmin();
    const res = await api.post(`${CM}/${STUDENT}`, newStudent(grade1Class, { idNumber: id.toLowerCase(), birthDate: `${id.slice(6, 10)}-03-05` }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.idNumber).toBe(id);
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['a wrong check digit', { idNumber: BAD_ID }, 'ID_'],
    ['a 15-digit legacy number for a student', { idNumber: '340104180101001' }, 'ID_'],
    ['a birth date that differs from the ID number', { birthDate: '2017-01-01' }, 'ID_BIRTHDATE_MISMATCH'],
    ['a gender that differs from the ID number', { gender: '2' }, 'ID_GENDER_MISMATCH'],
    ['an unknown region code', { birthPlace: '349999000000' }, 'REGION_UNKNOWN'],
    ['an unknown ethnicity code', { ethnicity: '77' }, 'CODE_UNKNOWN'],
    ['only one family member', { family: [{ name: '父亲', relation: '1', isGuardian: '1' }] }, 'FAMILY_'],
  ];
  it.each(refused)('refuses %s with a Chinese message and a stable code, writing nothing', async (_what, over, code) => {
    const api = await asAdmin();
    const before = await count();
    const res = await api.post(`${CM}/${STUDENT}`, newStudent(grade1Class, over));
    expect(res.status).toBe(400);
    expect(String(res.body.error.details?.code ?? res.body.error.name)).toContain(code.replace(/_$/, ''));
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await count()).toBe(before);
  });

  it('refuses a preschool-age child (under 6 on 31 August)', async () => {
    const api = await asAdmin();
    const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
    const birth = `${year - 5}-09-01`;
    const res = await api.post(`${CM}/${STUDENT}`, newStudent(grade1Class, { birthDate: birth, idNumber: makeIdNumber('340111', birth.replace(/-/g, ''), 311) }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('STUDENT_TOO_YOUNG');
    expect(res.body.error.message).toContain('学龄前');
  });

  it('refuses a second record for the same person (查重), anywhere in the province', async () => {
    const existing = await strapi.db.query(STUDENT).findOne({ where: { idIsGuardians: false, countyCode: '340202' } });
    const api = await asAdmin();
    const before = await count();
    const res = await api.post(`${CM}/${STUDENT}`, newStudent(grade1Class, { idNumber: existing.idNumber, birthDate: existing.birthDate, gender: existing.gender }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('STUDENT_DUPLICATE');
    expect(res.body.error.message).toContain('身份证号已被注册');
    expect(await count()).toBe(before);
  });

  it('files siblings under one guardian ID number, but refuses the same child twice', async () => {
    const api = await asAdmin();
    const guardianId = makeIdNumber('340104', '19850606', 555);
    const family = [
      { name: '监护父亲', relation: '1', isGuardian: '1', idType: '1', idNumber: guardianId },
      { name: '监护母亲', relation: '2', isGuardian: '1' },
    ];
    const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
    const twin = (name: string) => newStudent(grade1Class, { name, idType: 'Z', idIsGuardians: true, idNumber: guardianId, birthDate: `${year - 7}-11-11`, family });
    const a = await api.post(`${CM}/${STUDENT}`, twin('双胞甲'));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const b = await api.post(`${CM}/${STUDENT}`, twin('双胞乙'));
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(a.body.data.studentNumber).toMatch(/^J/);
    expect(a.body.data.studentNumber).not.toBe(b.body.data.studentNumber);
    const again = await api.post(`${CM}/${STUDENT}`, twin('双胞甲'));
    expect(again.status).toBe(400);
    expect(again.body.error.details.code).toBe('STUDENT_DUPLICATE');
  });

  it('refuses a student in a class that is at its cap (configurable)', async () => {
    const api = await asAdmin();
    const inClass = await strapi.db.query(STUDENT).count({ where: { schoolClass: { id: grade1Class.id } } });
    const caps = strapi.config.get('xueji.classCaps');
    strapi.config.set('xueji.classCaps', { ...caps, primary: inClass });
    try {
      const res = await api.post(`${CM}/${STUDENT}`, newStudent(grade1Class));
      expect(res.status).toBe(400);
      expect(res.body.error.details.code).toBe('CLASS_FULL');
      expect(res.body.error.message).toContain('班级人数已达上限');
    } finally {
      strapi.config.set('xueji.classCaps', caps);
    }
    expect(await strapi.db.query(STUDENT).count({ where: { schoolClass: { id: grade1Class.id } } })).toBe(inClass);
  });

  it('refuses an update that breaks a rule and leaves the record as it was', async () => {
    const api = await asAdmin();
    const row = await strapi.db.query(STUDENT).findOne({ where: { schoolCode: grade1Class.schoolCode } });
    const res = await api.put(`${CM}/${STUDENT}/${row.documentId}`, { ethnicity: 'xx' });
    expect(res.status).toBe(400);
    expect((await strapi.db.query(STUDENT).findOne({ where: { id: row.id } })).ethnicity).toBe(row.ethnicity);
  });

  it('never takes scope columns from a client: refused when sent, always derived', async () => {
    const before = await count();
    const forged = await (await asAdmin()).post(`${CM}/${STUDENT}`, newStudent(grade1Class, { countyCode: '340223', schoolCode: '2134999999' }));
    expect(forged.status, JSON.stringify(forged.body)).toBe(400);
    expect(forged.body.error.details.code).toBe('SYSTEM_FIELD_READ_ONLY');
    expect(await count()).toBe(before);
    // A registrar's form has no such fields (not in its field permissions): stripped, then derived.
    const res = await (await asAdmin('school@xueji.demo')).post(`${CM}/${STUDENT}`, newStudent(grade1Class, { countyCode: '340223', schoolCode: '2134999999' }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const row = await strapi.db.query(STUDENT).findOne({ where: { documentId: res.body.data.documentId } });
    expect(row.countyCode).toBe('340104');
    expect(row.schoolCode).toBe(grade1Class.schoolCode);
  });
});

describe('script and REST write paths', () => {
  it('the Document Service (scripts) applies the same rules', async () => {
    await expect(strapi.documents(STUDENT).create({ data: newStudent(grade1Class, { idNumber: BAD_ID }) })).rejects.toMatchObject({
      details: { code: expect.stringMatching(/^ID_/) },
    });
  });

  it('the public REST API does not expose students', async () => {
    const res = await (await http()).get('/api/students');
    expect([401, 403]).toContain(res.status);
  });
});

describe('database guarantees', () => {
  it('a unique index refuses a duplicate identity key even past the application', async () => {
    const row = await strapi.db.query(STUDENT).findOne({ where: { identityKey: { $notNull: true } } });
    const table = strapi.db.metadata.get(STUDENT).tableName;
    await expect(strapi.db.connection(table).where({ id: row.id }).first().then((r: any) => {
      const { id, ...copy } = r;
      return strapi.db.connection(table).insert({ ...copy, document_id: 'dupdupdupdupdupdupdupdup', student_number: null, regional_number: null });
    })).rejects.toThrow();
  });

  it('regional numbers are unique and sequential under concurrent registration', async () => {
    const got: number[] = await Promise.all(Array.from({ length: 25 }, () => reserveSequence(strapi, 'R:test:2026')));
    const sorted = [...got].sort((a, b) => a - b);
    expect(new Set(got).size).toBe(25);
    expect(sorted[24] - sorted[0]).toBe(24);
  });

  it('every seeded student has a valid ID number, two family members and a class under its cap', async () => {
    const students = await strapi.db.query(STUDENT).findMany({ where: { idIsGuardians: false }, limit: 200, populate: { family: true } });
    for (const s of students) {
      expect(parseIdNumber(s.idNumber).birthDate).toBe(s.birthDate);
      expect(s.family.length).toBeGreaterThanOrEqual(2);
      expect(s.studentNumber).toBe(`G${s.idNumber}`);
    }
    const knex = strapi.db.connection;
    const meta = strapi.db.metadata.get(STUDENT);
    const jt = meta.attributes.schoolClass.joinTable;
    const biggest = await knex(jt.name).select(jt.inverseJoinColumn.name).count('* as n').groupBy(jt.inverseJoinColumn.name).orderBy('n', 'desc').first();
    expect(Number(biggest.n)).toBeLessThanOrEqual(60);
  });
});
