import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, http, asAdmin, adminToken } from './harness';
import { makePng } from './png';

let strapi: any;
let ownSchool: any;
let otherCountySchool: any;

beforeAll(async () => {
  strapi = await getStrapi();
  ownSchool = await strapi.db.query('api::school.school').findOne({ where: { countyCode: '340104' }, orderBy: { code: 'desc' } });
  otherCountySchool = await strapi.db.query('api::school.school').findOne({ where: { countyCode: '340223' } });
});

describe('bureaus manage the accounts of schools under them', () => {
  it('a county creates a registrar account for a school in its county, who can log in', async () => {
    const api = await asAdmin('county@xueji.demo');
    const res = await api.post('/xueji/accounts', { email: 'new-registrar@xueji.demo', firstname: '新管理员', level: 'school', code: ownSchool.code, password: 'Start#2026a' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const login = await (await http()).post('/admin/login').send({ email: 'new-registrar@xueji.demo', password: 'Start#2026a' });
    expect(login.status).toBe(200);
    const list = await api.get('/xueji/accounts');
    expect(list.body.data.map((a: any) => a.email)).toContain('new-registrar@xueji.demo');
    expect(list.body.data.every((a: any) => a.level === 'school')).toBe(true);
  });

  it.each([
    ['a school of another county', 'school', () => otherCountySchool.code],
    ['an account of its own level', 'county', () => '340104'],
    ['a neighbouring county', 'county', () => '340123'],
    ['the province', 'province', () => '340000'],
  ])('refuses %s', async (_what, level, code) => {
    const api = await asAdmin('county@xueji.demo');
    const before = await strapi.db.query('admin::user').count();
    const res = await api.post('/xueji/accounts', { email: `x-${Date.now()}@xueji.demo`, firstname: 'x', level, code: code(), password: 'Start#2026a' });
    expect(res.status).toBe(403);
    expect(res.body.error.details.code, JSON.stringify(res.body)).toBe('OUT_OF_SCOPE');
    expect(await strapi.db.query('admin::user').count()).toBe(before);
  });

  it('refuses a weak initial password', async () => {
    const api = await asAdmin('county@xueji.demo');
    const res = await api.post('/xueji/accounts', { email: 'weak@xueji.demo', firstname: 'x', level: 'school', code: ownSchool.code, password: 'password' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('PASSWORD_WEAK');
  });

  it('a school registrar manages no accounts', async () => {
    const api = await asAdmin('school@xueji.demo');
    expect((await api.get('/xueji/accounts')).status).toBe(403);
  });

  it('resets the password of a school account in scope (and unlocks it), but not elsewhere', async () => {
    const county = await asAdmin('county@xueji.demo');
    const target = await strapi.db.query('admin::user').findOne({ where: { email: 'new-registrar@xueji.demo' } });
    const ok = await county.post(`/xueji/accounts/${target.id}/reset-password`, { password: 'Reset#2026b' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await (await http()).post('/admin/login').send({ email: 'new-registrar@xueji.demo', password: 'Reset#2026b' })).status).toBe(200);
    const city = await strapi.db.query('admin::user').findOne({ where: { email: 'city@xueji.demo' } });
    const no = await county.post(`/xueji/accounts/${city.id}/reset-password`, { password: 'Reset#2026b' });
    expect(no.status).toBe(403);
  });

  it('bureau roles cannot use Strapi’s own user management to escape their scope', async () => {
    const api = await asAdmin('county@xueji.demo');
    const res = await api.post('/admin/users', { email: 'escape@xueji.demo', firstname: 'x', lastname: 'y', roles: [1] });
    expect(res.status).toBe(403);
  });
});

describe('integration accounts over REST are tied to a scope', () => {
  async function jwtFor(username: string, scope?: { level: string; code: string }) {
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const password = 'Integr#2026';
    const existing = await strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } });
    if (!existing) {
      await strapi.plugin('users-permissions').service('user').add({
        username, email: `${username}@xueji.demo`, password, provider: 'local', confirmed: true, blocked: false, role: role.id,
        scopeLevel: scope?.level ?? null, scopeCode: scope?.code ?? null,
      });
    }
    const res = await (await http()).post('/api/auth/local').send({ identifier: username, password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.jwt as string;
  }

  it('lists only the students of its county, with the right total, whatever populate asks', async () => {
    const jwt = await jwtFor('county-sync', { level: 'county', code: '340104' });
    const res = await (await http()).get('/api/students?pagination[pageSize]=100&populate=*').set('Authorization', `Bearer ${jwt}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.meta.pagination.total).toBe(await strapi.db.query('api::student.student').count({ where: { countyCode: '340104' } }));
    for (const s of res.body.data) expect(s.countyCode).toBe('340104');
    expect(JSON.stringify(res.body)).not.toContain('"identityKey"');
  });

  it('cannot read one student of another county, nor filter its way out', async () => {
    const jwt = await jwtFor('county-sync', { level: 'county', code: '340104' });
    const other = await strapi.db.query('api::student.student').findOne({ where: { countyCode: '340223' } });
    const one = await (await http()).get(`/api/students/${other.documentId}`).set('Authorization', `Bearer ${jwt}`);
    expect(one.status).toBe(404);
    expect(JSON.stringify(one.body)).not.toContain(other.name);
    const filtered = await (await http()).get(`/api/students?filters[countyCode][$eq]=340223`).set('Authorization', `Bearer ${jwt}`);
    expect(filtered.body.data).toHaveLength(0);
  });

  it('an account with no scope reads nothing', async () => {
    const jwt = await jwtFor('unscoped');
    const res = await (await http()).get('/api/students').set('Authorization', `Bearer ${jwt}`);
    expect(res.status).toBe(403);
    expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
  });
});

describe('API tokens cannot be tied to a region, so they read nothing scoped', () => {
  it('a full-access API token gets 403 on students', async () => {
    const api = await asAdmin('admin@xueji.demo');
    const created = await api.post('/admin/api-tokens', { name: `full-${Date.now()}`, type: 'full-access', lifespan: null, description: '' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await (await http()).get('/api/students').set('Authorization', `Bearer ${created.body.data.accessKey}`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toMatch(/\d{17}[\dX]/);
  });
});

describe('media belongs to its scope', () => {
  it('a file uploaded by one school is invisible to another school and visible to its county', async () => {
    const png = makePng();
    const token = await adminToken('school@xueji.demo');
    const up = await (await http()).post('/upload').set('Authorization', `Bearer ${token}`).attach('files', png, { filename: 'photo-a.png', contentType: 'image/png' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body[0].id;
    const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id } });
    const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { level: 'school', adminUserId: (await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } })).id } });
    expect(file.schoolCode).toBe(scope.code);

    const other = await asAdmin('new-registrar@xueji.demo', 'Reset#2026b');
    {
      const list = await other.get('/upload/files?pageSize=100');
      expect(list.body.results.map((f: any) => f.id)).not.toContain(id);
      expect((await other.get(`/upload/files/${id}`)).status).toBeGreaterThanOrEqual(403);
    }
    const city2 = await asAdmin('county@xueji.demo');
    const visible = await city2.get('/upload/files?pageSize=100');
    expect(visible.body.results.map((f: any) => f.id)).toContain(id);
  });
});
