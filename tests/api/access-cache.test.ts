/**
 * The access cache (src/server/access-cache.ts): a user's ability and staff scope are not read
 * again on every request, yet a permission taken from a role, or a staff scope moved, applies
 * to the very next request — through the system administrator's role screen and a scope write.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getStrapi, asAdmin, CM } from './harness';
import { PASSWORD, STUDENT } from './change-kit';
import { SCOPE_CONDITION } from '../../src/domain/scope';

let strapi: any;
let role: any;
let user: any;
const EMAIL = 'access-cache@xueji.test';
const READ = 'plugin::content-manager.explorer.read';
const LIST = `${CM}/${STUDENT}?page=1&pageSize=10&sort=name:ASC`;

/** The SQL statements one request sends. */
async function statementsOf(send: () => Promise<{ status: number }>): Promise<{ status: number; sql: string[] }> {
  const sql: string[] = [];
  const listen = (q: any) => sql.push(String(q.sql));
  strapi.db.connection.on('query', listen);
  try {
    const res = await send();
    return { status: res.status, sql };
  } finally {
    strapi.db.connection.off('query', listen);
  }
}

const counties = async () => (await strapi.db.connection('students').distinct('county_code').orderBy('county_code').limit(2)).map((r: any) => r.county_code);

beforeAll(async () => {
  strapi = await getStrapi();
  role = await strapi.service('admin::role').create({ name: '缓存测试', code: 'xueji-access-cache-test', description: '' });
  await strapi.service('admin::role').assignPermissions(role.id, [
    { action: READ, subject: STUDENT, properties: { fields: ['name', 'countyCode'] }, conditions: [SCOPE_CONDITION] },
  ]);
  user = await strapi.service('admin::user').create({ firstname: '缓存', lastname: '测试', email: EMAIL, password: PASSWORD, isActive: true, registrationToken: null, roles: [role.id] });
  const [county] = await counties();
  await strapi.db.query('api::staff-scope.staff-scope').create({ data: { adminUserId: user.id, level: 'county', code: county, label: `county·${county}`, publishedAt: new Date() } });
});

afterAll(async () => {
  await strapi.db.query('api::staff-scope.staff-scope').delete({ where: { adminUserId: user.id } });
  await strapi.db.query('admin::user').delete({ where: { id: user.id } });
  await strapi.db.query('admin::permission').deleteMany({ where: { role: { id: role.id } } });
  await strapi.db.query('admin::role').delete({ where: { id: role.id } });
});

describe('access cache', () => {
  it('reads neither the permissions nor the staff scope again on a repeated request', async () => {
    const api = await asAdmin(EMAIL, PASSWORD);
    expect((await api.get(LIST)).status).toBe(200);
    const again = await statementsOf(() => api.get(LIST));
    expect(again.status).toBe(200);
    expect(again.sql.filter((s) => s.includes('admin_permissions'))).toEqual([]);
    expect(again.sql.filter((s) => s.includes('staff_scopes'))).toEqual([]);
    // What must stay fresh is still read: the session (logout) and the user with its roles (blocked, roles changed).
    expect(again.sql.some((s) => s.includes('strapi_sessions'))).toBe(true);
    expect(again.sql.some((s) => s.includes('admin_users'))).toBe(true);
  });

  it('applies a staff scope moved to another county on the next request', async () => {
    const api = await asAdmin(EMAIL, PASSWORD);
    const [first, second] = await counties();
    const before = await api.get(LIST);
    expect(before.status).toBe(200);
    expect(new Set(before.body.results.map((r: any) => r.countyCode))).toEqual(new Set([first]));
    await strapi.db.query('api::staff-scope.staff-scope').update({ where: { adminUserId: user.id }, data: { code: second } });
    try {
      const after = await api.get(LIST);
      expect(after.status).toBe(200);
      expect(new Set(after.body.results.map((r: any) => r.countyCode))).toEqual(new Set([second]));
    } finally {
      await strapi.db.query('api::staff-scope.staff-scope').update({ where: { adminUserId: user.id }, data: { code: first } });
    }
  });

  it('applies a permission taken from the role in the role screen on the next request', async () => {
    const api = await asAdmin(EMAIL, PASSWORD);
    expect((await api.get(LIST)).status).toBe(200);
    const admin = await asAdmin();
    const saved = await admin.put(`/admin/roles/${role.id}/permissions`, { permissions: [] });
    expect(saved.status).toBe(200);
    const after = await api.get(LIST);
    expect(after.status).toBe(403);
    expect(after.body.error.details.code).toBe('NO_PERMISSION');
  });
});
