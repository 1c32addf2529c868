/** Accounts, uploads and request helpers shared by the change-engine API tests. */
import { expect } from 'vitest';
import { getStrapi, http, asAdmin, adminToken } from './harness';
import { makePng } from './png';
import { STAFF_ROLES } from '../../src/server/staff-roles';

export const PASSWORD = 'Change#2026a';
export const STUDENT = 'api::student.student';
export const CLASS = 'api::school-class.school-class';
export const SCHOOL = 'api::school.school';
export const CR = 'api::change-request.change-request';

/** A staff account for a scope (created once per run). */
export async function account(email: string, level: 'province' | 'city' | 'county' | 'school', code: string) {
  const strapi: any = await getStrapi();
  if (!(await strapi.db.query('admin::user').findOne({ where: { email } }))) {
    const role = await strapi.db.query('admin::role').findOne({ where: { code: STAFF_ROLES.find((r) => r.level === level)!.code } });
    const user = await strapi.service('admin::user').create({ firstname: `${level}-${code}`, lastname: '', email, password: PASSWORD, isActive: true, registrationToken: null, roles: [role.id] });
    await strapi.db.query('api::staff-scope.staff-scope').create({ data: { adminUserId: user.id, level, code, label: `${level}·${code}`, publishedAt: new Date() } });
  }
  return asAdmin(email, PASSWORD);
}

export const demo = (who: 'school' | 'county' | 'city' | 'province' | 'admin') => asAdmin(`${who}@xueji.demo`);

/** Uploads a small PNG as an account; returns the file id. */
export async function upload(email: string, password?: string): Promise<number> {
  const token = await adminToken(email, password);
  const res = await (await http()).post('/upload').set('Authorization', `Bearer ${token}`)
    .attach('files', makePng(6, 6, [Math.floor(Math.random() * 255), 40, 90]), { filename: 'proof.png', contentType: 'image/png' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body[0].id;
}

type Api = Awaited<ReturnType<typeof asAdmin>>;

export async function file(api: Api, body: Record<string, unknown>, status = 201) {
  const res = await api.post('/xueji/changes', body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body.data ?? res.body.error;
}

export async function decide(api: Api, documentId: string, decision: string, comment?: string, status = 200) {
  const res = await api.post(`/xueji/changes/${documentId}/decide`, { decision, comment });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return status === 200 ? res.body.data : res.body.error;
}

/** Refusal: exact status and code. */
export function refused(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.details.code).toBe(code);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
}

/** Registered in-school students of a school not held by an open request, newest first. */
export async function freeStudents(schoolCode: string, where: Record<string, unknown> = {}, n = 1) {
  const strapi: any = await getStrapi();
  const open = await strapi.db.query(CR).findMany({ where: { openKey: { $notNull: true } }, select: ['openKey'] });
  const held = new Set(open.map((r: any) => r.openKey));
  const rows = await strapi.db.query(STUDENT).findMany({
    where: { schoolCode, registrationStatus: 'registered', enrollmentStatus: '01', idIsGuardians: false, idType: '1', ...where },
    orderBy: { id: 'desc' }, limit: 200, populate: { schoolClass: true },
  });
  const free = rows.filter((s: any) => !held.has(s.documentId));
  expect(free.length, `free students at ${schoolCode}`).toBeGreaterThanOrEqual(n);
  return free.slice(0, n);
}

/** Sets change rules for one test (restored by the returned function). */
export async function withRules(over: Record<string, unknown>) {
  const strapi: any = await getStrapi();
  const before = { ...(strapi.config.get('xueji.changes') ?? {}) };
  strapi.config.set('xueji.changes', { ...before, ...over });
  return () => strapi.config.set('xueji.changes', before);
}

/** The school of a school-level account (its staff-scope code). */
export async function schoolOfAccount(email = 'school@xueji.demo') {
  const strapi: any = await getStrapi();
  const user = await strapi.db.query('admin::user').findOne({ where: { email } });
  const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  return strapi.db.query(SCHOOL).findOne({ where: { code: scope.code } });
}
