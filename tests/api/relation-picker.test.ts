/**
 * The Content Manager's relation pickers (GET /content-manager/relations/:model[/:id]/:targetField).
 * Strapi runs them on the database layer — below the scope rules, without output sanitising — so
 * they read only the picker's own query parameters (src/extensions/content-manager): a `populate`
 * there once returned an admin user's password hash and reset token (a school registrar took over
 * the super admin) and another county's student in full. Every relation field of every type, as
 * each staff role: 200 with the picker's own fields only, or 403 NO_PERMISSION — never a 500.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, asAdmin } from './harness';

let strapi: any;
const STUDENT = 'api::student.student';
const PICKER = '/content-manager/relations';
const SECRET = 'picker-secret-reset-token';
/** What a picker row may carry besides the target's main field. */
const BASE_KEYS = new Set(['id', 'documentId', 'publishedAt', 'updatedAt', 'locale', 'status']);
const POPULATABLE = new Set(['relation', 'media', 'component', 'dynamiczone']);

let edited: any;

beforeAll(async () => {
  strapi = await getStrapi();
  const schoolUser = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: schoolUser.id } });
  const admin = await strapi.db.query('admin::user').findOne({ where: { email: 'admin@xueji.demo' } });
  // A student of the school last edited by the super admin, whose reset token is pending.
  edited = await strapi.db.query(STUDENT).findOne({ where: { schoolCode: scope.code }, orderBy: { id: 'asc' } });
  await strapi.db.query(STUDENT).update({ where: { id: edited.id }, data: { updatedBy: admin.id, createdBy: admin.id } });
  await strapi.db.query('admin::user').update({ where: { id: admin.id }, data: { resetPasswordToken: SECRET } });
});

/** Each row holds the picker's own fields: no relation, no media, no component, at most one other field. */
function expectPickerRows(uid: string, rows: any[], label: string) {
  const attrs = strapi.getModel(uid).attributes;
  for (const row of rows) {
    const extra = Object.keys(row).filter((k) => !BASE_KEYS.has(k));
    expect(extra.length, `${label}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(1);
    for (const k of extra) expect(POPULATABLE.has(attrs[k]?.type), `${label}: ${k} in ${JSON.stringify(row)}`).toBe(false);
  }
}

describe('relation pickers read only their own query', () => {
  it('a populate of createdBy / updatedBy, pinned by filters on a student the super admin edited, returns no admin user', async () => {
    const school = await asAdmin('school@xueji.demo');
    for (const query of [
      `filters[id][$eq]=${edited.id}&populate[updatedBy]=true&populate[createdBy]=true`,
      `filters[id][$eq]=${edited.id}&populate=*`,
      `filters[id][$eq]=${edited.id}&populate[0]=updatedBy&fields[0]=password`,
    ]) {
      const res = await school.get(`${PICKER}/api::punishment.punishment/student?pageSize=20&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/"password"|\$2[aby]\$|resetPasswordToken|"email"/);
      expectPickerRows(STUDENT, res.body.results, query);
    }
  });

  it('a populate through a relation returns no linked record of any scope (a change request\'s student)', async () => {
    const county = await asAdmin('county@xueji.demo');
    const res = await county.get(`${PICKER}/api::approval.approval/changeRequest?pageSize=50&populate[student][populate]=*&populate[fromSchool]=true`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPickerRows('api::change-request.change-request', res.body.results, 'changeRequest');
    expect(JSON.stringify(res.body)).not.toMatch(/"idNumber"|"family"|"phone"/);
  });

  it('every relation field of every type answers 200 with picker rows or 403 NO_PERMISSION, for each staff role (never 500)', async () => {
    const uids = Object.keys(strapi.contentTypes).filter((u) => u.startsWith('api::'));
    let requests = 0;
    const statuses: Record<number, number> = {};
    for (const email of ['school@xueji.demo', 'county@xueji.demo', 'province@xueji.demo']) {
      const api = await asAdmin(email);
      for (const uid of uids) {
        const attrs = strapi.getModel(uid).attributes;
        for (const [field, attr] of Object.entries<any>(attrs)) {
          if (attr.type !== 'relation' || !attr.target) continue;
          const res = await api.get(`${PICKER}/${uid}/${field}?pageSize=5&populate=*`);
          requests += 1;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          const label = `${email} ${uid}.${field}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect([200, 403], label).toContain(res.status);
          if (res.status === 403) expect(res.body.error.details.code, label).toBe('NO_PERMISSION');
          else expectPickerRows(attr.target, res.body.results, label);
        }
      }
    }
    // Both answers occur: the admin users behind createdBy / updatedBy are closed to staff.
    expect(statuses[200]).toBeGreaterThan(0);
    expect(statuses[403]).toBeGreaterThan(0);
    expect(requests).toBe((statuses[200] ?? 0) + (statuses[403] ?? 0));
  });
});
