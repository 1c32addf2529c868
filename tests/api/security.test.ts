import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, http, asAdmin, CM } from './harness';
import { PASSWORD_TABLE } from '../../src/server/account-security';

const STUDENT = 'api::student.student';
let strapi: any;
let student: any;

beforeAll(async () => {
  strapi = await getStrapi();
  const user = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  // gender '1': the attempts below set '2', and the same value is not a change.
  student = await strapi.db.query(STUDENT).findOne({ where: { schoolCode: scope.code, registrationStatus: 'registered', idIsGuardians: false, gender: '1' } });
});

describe('key fields of a registered student are locked', () => {
  const attempts: Array<[string, Record<string, unknown>]> = [
    ['name', { name: '改名' }],
    ['gender', { gender: '2' }],
    ['birthDate', { birthDate: '2015-01-01' }],
    ['idType', { idType: 'A' }],
    ['idNumber', { idNumber: '110101201501010011' }],
    ['studentNumber', { studentNumber: 'G110101201501010011' }],
  ];
  it.each(attempts)('%s cannot be changed through the admin panel, by any role', async (_f, data) => {
    for (const email of ['school@xueji.demo', 'county@xueji.demo', 'admin@xueji.demo']) {
      const api = await asAdmin(email);
      const res = await api.put(`${CM}/${STUDENT}/${student.documentId}`, data);
      // 学籍号 is also system-kept: the school's form cannot send it (stripped, 200); the rest is refused.
      if (!('studentNumber' in data && email === 'school@xueji.demo')) expect(res.status).toBeGreaterThanOrEqual(400);
      const now = await strapi.db.query(STUDENT).findOne({ where: { id: student.id } });
      for (const k of Object.keys(data)) expect(now[k]).toEqual(student[k]);
    }
  });

  it.each(attempts)('%s cannot be changed by a script through the Document Service', async (f, data) => {
    const code = f === 'studentNumber' ? 'SYSTEM_FIELD_READ_ONLY' : 'KEY_FIELD_LOCKED';
    await expect(strapi.documents(STUDENT).update({ documentId: student.documentId, data })).rejects.toMatchObject({ details: { code } });
  });

  it('other fields still change, and the same value for a key field is not a change', async () => {
    const api = await asAdmin('school@xueji.demo');
    const res = await api.put(`${CM}/${STUDENT}/${student.documentId}`, { name: student.name, specialty: '书法' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await strapi.db.query(STUDENT).findOne({ where: { id: student.id } })).specialty).toBe('书法');
  });

  it('a registered student is never deleted (records are kept forever)', async () => {
    await expect(strapi.documents(STUDENT).delete({ documentId: student.documentId })).rejects.toMatchObject({ details: { code: 'STUDENT_NO_DELETE' } });
    expect(await strapi.db.query(STUDENT).count({ where: { id: student.id } })).toBe(1);
  });
});

describe('audit log', () => {
  it('records an update: who, from where, and masked before/after', async () => {
    const api = await asAdmin('school@xueji.demo');
    await api.put(`${CM}/${STUDENT}/${student.documentId}`, { specialty: '篮球', phone: '13912345678' });
    const row = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { subjectId: student.documentId, action: 'update' }, orderBy: { id: 'desc' } });
    expect(row.actorName).toBe('school@xueji.demo');
    expect(row.actorKind).toBe('admin');
    expect(row.ip).toBeTruthy();
    expect(row.schoolCode).toBe(student.schoolCode);
    expect(row.changes.specialty.after).toBe('篮球');
    expect(row.changes.phone.after).toBe('139****5678');
    expect(JSON.stringify(row.changes)).not.toContain('13912345678');
  });

  it('records logins, successful and failed', async () => {
    const h = await http();
    await h.post('/admin/login').send({ email: 'city@xueji.demo', password: 'Nope-1234' });
    const failed = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { action: 'login.failure', actorName: 'city@xueji.demo' } });
    expect(failed).toBeTruthy();
    await h.post('/admin/login').send({ email: 'city@xueji.demo', password: 'Xueji@2026' });
    expect(await strapi.db.query('api::audit-log.audit-log').count({ where: { action: 'login.success', actorName: 'city@xueji.demo' } })).toBeGreaterThan(0);
  });

  it('is append-only: no one edits or deletes it, not even a super admin', async () => {
    const row = await strapi.db.query('api::audit-log.audit-log').findOne({ where: {} });
    const api = await asAdmin('admin@xueji.demo');
    const upd = await api.put(`${CM}/api::audit-log.audit-log/${row.documentId}`, { action: 'forged' });
    expect(upd.status).toBe(403);
    const del = await api.del(`${CM}/api::audit-log.audit-log/${row.documentId}`);
    expect(del.status).toBe(403);
    const now = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { id: row.id } });
    expect(now.action).toBe(row.action);
  });
});

describe('account security', () => {
  const email = 'lock-test@xueji.demo';

  it('refuses weak passwords when an account is created', async () => {
    const api = await asAdmin('admin@xueji.demo');
    const role = await strapi.db.query('admin::role').findOne({ where: { code: 'xueji-school' } });
    const weak = await api.post('/admin/users', { firstname: '锁定', lastname: '测试', email, roles: [role.id], password: 'abcdefgh' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.code).toBe('PASSWORD_WEAK');
    const ok = await api.post('/admin/users', { firstname: '锁定', lastname: '测试', email, roles: [role.id] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    await strapi.db.query('admin::user').update({ where: { email }, data: { isActive: true, registrationToken: null, password: await (strapi.service('admin::auth') as any).hashPassword('Lock#Test1') } });
  });

  it('locks an account for 15 minutes after 5 failed logins', async () => {
    const h = await http();
    for (let i = 0; i < 5; i++) {
      const r = await h.post('/admin/login').send({ email, password: `Wrong#${i}abc` });
      expect(r.status).toBe(400);
    }
    const locked = await h.post('/admin/login').send({ email, password: 'Lock#Test1' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.details.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.error.message).toContain('锁定');
    expect(locked.body.data).toBeNull();
  });

  it('forces a change of a password older than 90 days', async () => {
    const user = await strapi.db.query('admin::user').findOne({ where: { email: 'county@xueji.demo' } });
    const knex = strapi.db.connection;
    await knex(PASSWORD_TABLE).where({ admin_user_id: user.id }).del();
    await knex(PASSWORD_TABLE).insert({ admin_user_id: user.id, changed_at: Date.now() - 91 * 86_400_000 });
    try {
      const res = await (await http()).post('/admin/login').send({ email: 'county@xueji.demo', password: 'Xueji@2026' });
      expect(res.status).toBe(403);
      expect(res.body.error.details.code).toBe('PASSWORD_EXPIRED');
      expect(res.body.data).toBeNull();
    } finally {
      await knex(PASSWORD_TABLE).where({ admin_user_id: user.id }).update({ changed_at: Date.now() });
    }
  });
});

describe('no default password in production', () => {
  it('blocks demo-password accounts when the app starts in production', async () => {
    const { disableDemoAccountsInProduction } = await import('../../src/server/demo-start');
    const email = 'prod-demo@xueji.demo';
    const role = await strapi.db.query('admin::role').findOne({ where: { code: 'xueji-school' } });
    await (strapi.service('admin::user') as any).create({ email, firstname: 'x', lastname: '', password: 'Xueji@2026', isActive: true, registrationToken: null, roles: [role.id] });
    const before = process.env.NODE_ENV;
    await disableDemoAccountsInProduction(strapi, [email]);
    expect((await strapi.db.query('admin::user').findOne({ where: { email } })).isActive).toBe(true); // not production: untouched
    process.env.NODE_ENV = 'production';
    try {
      await disableDemoAccountsInProduction(strapi, [email]);
    } finally {
      process.env.NODE_ENV = before;
    }
    expect((await strapi.db.query('admin::user').findOne({ where: { email } })).isActive).toBe(false);
    const login = await (await http()).post('/admin/login').send({ email, password: 'Xueji@2026' });
    expect(login.status).toBe(400);
  });
});
