/**
 * The access matrix (issue: region scope): every staff role × Content Manager action × records
 * inside its scope and outside it (another school in the county, another county, another city).
 * Allowed inside (where the role has the action), refused outside, with nothing leaked or written.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, asAdmin, http, CM } from './harness';
import { newStudent } from './fixtures';
import { STAFF_ROLES } from '../../src/server/staff-roles';
import { SYSTEM_ONLY_TYPES, SCOPED_TYPES } from '../../src/domain/content-model';
import { classifyRoute } from '../../src/domain/route-access';

import { DEMO_ACCOUNTS } from '../../src/server/demo-accounts';
import { IN_SCHOOL_STATUSES } from '../../src/domain/code-tables';

const ROLE_OF: Record<string, string> = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.email, a.roleCode]));

type Target = { label: string; school: any };
const ROLES = [
  { email: 'province@xueji.demo', sees: ['A', 'B', 'C', 'D'] },
  { email: 'city@xueji.demo', sees: ['A', 'B', 'C'] },
  { email: 'county@xueji.demo', sees: ['A', 'B'] },
  { email: 'school@xueji.demo', sees: ['A'] },
];
const UIDS = ['api::student.student', 'api::school-class.school-class', 'api::school.school', 'api::change-request.change-request', 'api::audit-log.audit-log'];

let strapi: any;
const targets: Record<string, Target> = {};
const records: Record<string, Record<string, any[]>> = {}; // uid → target label → rows
const tally = { requests: 0, checks: 0, leaks: 0, unauthorisedWrites: 0, wrongRefusals: 0 };
const leaks: string[] = [];

beforeAll(async () => {
  strapi = await getStrapi();
  const schoolUser = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const own = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: schoolUser.id } });
  const q = (where: any) => strapi.db.query('api::school.school').findOne({ where, orderBy: { code: 'asc' } });
  targets.A = { label: 'own school', school: await q({ code: own.code }) };
  targets.B = { label: 'another school, same county', school: await q({ countyCode: '340104', code: { $ne: own.code }, category: '21' }) };
  targets.C = { label: 'another county, same city', school: await q({ countyCode: '340123' }) };
  targets.D = { label: 'another city', school: await q({ countyCode: '340202' }) };
  for (const uid of UIDS) {
    records[uid] = {};
    for (const [k, t] of Object.entries(targets)) {
      const where = uid === 'api::school.school' ? { code: t.school.code } : { schoolCode: t.school.code };
      records[uid][k] = await strapi.db.query(uid).findMany({ where, limit: uid === 'api::school.school' ? 1 : 6 });
    }
  }
  // Audit rows of each school exist once someone wrote there: make one per target.
  for (const t of Object.values(targets)) {
    const s = await strapi.db.query('api::student.student').findOne({ where: { schoolCode: t.school.code } });
    await strapi.documents('api::student.student').update({ documentId: s.documentId, data: { specialty: '围棋' } });
    records['api::audit-log.audit-log'][Object.keys(targets).find((k) => targets[k] === t)!] =
      await strapi.db.query('api::audit-log.audit-log').findMany({ where: { schoolCode: t.school.code }, limit: 3 });
  }
});

/** Counts HTTP requests, not rows: every call through `counted` is one request to the server. */
async function counted(email: string) {
  const api = await asAdmin(email);
  const wrap = (fn: (...a: any[]) => any) => (...a: any[]) => { tally.requests++; return fn(...a); };
  return { get: wrap(api.get), post: wrap(api.post), put: wrap(api.put), del: wrap(api.del) };
}

/** Out of scope is 403 OUT_OF_SCOPE when the role has the action; without it, OUT_OF_SCOPE or NO_PERMISSION (tests/api/panel-refusals.test.ts). */
const refusedAs = (res: any, hasAction: boolean) =>
  res.status === 403 && (hasAction ? res.body?.error?.details?.code === 'OUT_OF_SCOPE' : ['OUT_OF_SCOPE', 'NO_PERMISSION'].includes(res.body?.error?.details?.code));

function note(ok: boolean, what: string, outside: boolean, kind: 'leak' | 'write' | 'refusal') {
  tally.checks++;
  if (ok) return;
  if (kind === 'leak') tally.leaks++;
  else if (kind === 'write') tally.unauthorisedWrites++;
  else tally.wrongRefusals++;
  leaks.push(`${kind}${outside ? ' (outside)' : ''}: ${what}`);
}

describe('access matrix: every role × action × record inside and outside its scope', () => {
  it.each(ROLES)('$email', async ({ email, sees }) => {
    const api = await counted(email);
    const role = STAFF_ROLES.find((r) => r.code === ROLE_OF[email])!;
    const can = (uid: string, action: 'read' | 'update' | 'delete') => !SYSTEM_ONLY_TYPES.has(uid) || action === 'read' ? (role.grants[uid] ?? []).includes(action) : false;
    const scopeRow = await strapi.db.query('api::staff-scope.staff-scope').findOne({
      where: { adminUserId: (await strapi.db.query('admin::user').findOne({ where: { email } })).id },
    });
    const column = { province: 'provinceCode', city: 'cityCode', county: 'countyCode', school: 'schoolCode' }[scopeRow.level as string]!;

    for (const uid of UIDS) {
      // List: every row returned is inside the scope (filters in SQL, so counts are right).
      const list = await api.get(`${CM}/${uid}?page=1&pageSize=100`);
      if (list.status === 200) {
        for (const row of list.body.results) {
          const raw = await strapi.db.query(uid).findOne({ where: { documentId: row.documentId } });
          const inside = raw[column] === scopeRow.code || (uid.includes('change-request') && raw[`to${column[0].toUpperCase()}${column.slice(1)}`] === scopeRow.code);
          note(inside, `${email} list ${uid} returned ${row.documentId}`, true, 'leak');
        }
        const total = await strapi.db.query(uid).count({ where: uid.includes('change-request') ? { $or: [{ [column]: scopeRow.code }, { [`to${column[0].toUpperCase()}${column.slice(1)}`]: scopeRow.code }] } : { [column]: scopeRow.code } });
        note(list.body.pagination.total === total, `${email} list ${uid} total ${list.body.pagination.total} ≠ ${total}`, false, 'leak');
      }

      for (const [label, rows] of Object.entries(records[uid])) {
        for (const row of rows) {
          // Inside or not is decided from the stored columns (a transfer is visible to both sides).
          const inside = row[column] === scopeRow.code || (uid.includes('change-request') && row[`to${column[0].toUpperCase()}${column.slice(1)}`] === scopeRow.code);
          // Read one.
          const one = await api.get(`${CM}/${uid}/${row.documentId}`);
          if (inside) note(one.status === 200, `${email} read ${uid} ${label}`, false, 'refusal');
          else note(refusedAs(one, can(uid, 'read')) && !JSON.stringify(one.body).includes(row.documentId), `${email} read ${uid} ${label} → ${one.status} ${one.body?.error?.details?.code}`, true, 'leak');

          // Update a harmless field.
          const field = uid === 'api::student.student' ? { specialty: `测试${Date.now()}` } : uid === 'api::school-class.school-class' ? { honours: `测试${Date.now()}` } : uid === 'api::school.school' ? { phone: '05510000000' } : uid === 'api::change-request.change-request' ? { reason: `测试${Date.now()}` } : { action: 'tamper' };
          const before = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          const upd = await api.put(`${CM}/${uid}/${row.documentId}`, field);
          const after = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          const changed = JSON.stringify({ ...before, updatedAt: 0 }) !== JSON.stringify({ ...after, updatedAt: 0 });
          if (!inside) {
            note(refusedAs(upd, can(uid, 'update')), `${email} update ${uid} ${label} → ${upd.status} ${upd.body?.error?.details?.code}`, true, 'leak');
            note(!changed, `${email} update ${uid} ${label} changed the row`, true, 'write');
          } else if (upd.status === 200) {
            // Every allowed write leaves its audit row, naming the account.
            const audit = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { subjectId: row.documentId, action: 'update', actorName: email } });
            note(!!audit, `${email} update ${uid} ${label} left no audit row`, false, 'write');
          }

          // Delete: no staff role deletes; outside must stay untouched either way.
          const del = await api.del(`${CM}/${uid}/${row.documentId}`);
          const still = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          if (!inside) note(refusedAs(del, can(uid, 'delete')) && !!still, `${email} delete ${uid} ${label} → ${del.status} ${del.body?.error?.details?.code}`, true, 'write');
          else note(!!still || del.status === 200, `${email} delete ${uid} ${label}`, false, 'refusal');
        }
        // Bulk delete of the whole set.
        if (!rows.some((row) => row[column] === scopeRow.code)) {
          const ids = rows.map((r) => r.documentId);
          await api.post(`${CM}/${uid}/actions/bulkDelete`, { documentIds: ids });
          const left = await strapi.db.query(uid).count({ where: { documentId: { $in: ids } } });
          note(left === ids.length, `${email} bulkDelete ${uid} ${label} removed ${ids.length - left}`, true, 'write');
        }
      }
    }

    // Create a student in a class of each target school; move an own student out.
    for (const [label, t] of Object.entries(targets)) {
      const cls = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode: t.school.code, grade: 1 } });
      const before = await strapi.db.query('api::student.student').count({ where: { schoolCode: t.school.code } });
      const res = await api.post(`${CM}/api::student.student`, newStudent(cls, { grade: cls.grade }));
      const after = await strapi.db.query('api::student.student').count({ where: { schoolCode: t.school.code } });
      if (!sees.includes(label)) {
        note(refusedAs(res, (role.grants['api::student.student'] ?? []).includes('create')), `${email} create student in ${label} → ${res.status} ${res.body?.error?.details?.code}`, true, 'leak');
        note(after === before, `${email} create student in ${label} wrote a row`, true, 'write');
      }
    }
    // An in-school student, by id: one who has left is refused first as STUDENT_RECORD_CLOSED.
    const own = await strapi.db.query('api::student.student').findOne({
      where: { schoolCode: targets.A.school.code, registrationStatus: 'registered', enrollmentStatus: { $in: [...IN_SCHOOL_STATUSES] } }, orderBy: { id: 'asc' },
    });
    const foreignClass = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode: targets.D.school.code, grade: own.grade } });
    if (foreignClass) {
      const move = await api.put(`${CM}/api::student.student/${own.documentId}`, { schoolClass: { connect: [{ documentId: foreignClass.documentId }] } });
      const now = await strapi.db.query('api::student.student').findOne({ where: { id: own.id } });
      if (!sees.includes('D')) {
        note(refusedAs(move, role.grants['api::student.student']?.includes('update') ?? false), `${email} move own student to another city → ${move.status} ${move.body?.error?.details?.code}`, true, 'leak');
        note(now.schoolCode === own.schoolCode, `${email} moved a student out of scope`, true, 'write');
      }
    }

    // Relation picker: classes offered for a student's class field are inside the scope.
    const picker = await api.get(`/content-manager/relations/api::student.student/schoolClass?pageSize=100`);
    if (picker.status === 200) {
      for (const r of picker.body.results) {
        const raw = await strapi.db.query('api::school-class.school-class').findOne({ where: { documentId: r.documentId } });
        note(raw[column] === scopeRow.code, `${email} relation picker offered ${raw.name} of ${raw.schoolCode}`, true, 'leak');
      }
    }
  });

  it('tried at least 1,000 attempts and leaked nothing', () => {
    console.log(`[access matrix] ${tally.requests} HTTP requests, ${tally.checks} checks, ${tally.leaks} leaked, ${tally.unauthorisedWrites} unauthorised writes, ${tally.wrongRefusals} wrong refusals`);
    if (leaks.length) console.log(leaks.slice(0, 20).join('\n'));
    expect(tally.requests).toBeGreaterThanOrEqual(800);
    expect(tally.leaks).toBe(0);
    expect(tally.unauthorisedWrites).toBe(0);
    expect(tally.wrongRefusals).toBe(0);
  });
});

/** Every route of the route table, tried for real with each credential that must not pass it. */
describe('every route × credentials that must be refused', () => {
  const fill = (path: string, id: string) => path.replace(/:model/, 'api::student.student').replace(/:uid/, 'api::student.student').replace(/:[a-zA-Z]+\*?/g, id).replace(/\(\.\*\)|\(\(\?!uploads\/\)\.\+\)/, 'x');
  const routes = () => (strapi.server.listRoutes() as any[]).flatMap((l) => (l.methods.length > 20 ? ['GET'] : l.methods.filter((m: string) => m !== 'HEAD')).map((m: string) => ({ m, path: l.path as string })));
  const counts = { anonymous: 0, staffOnSystem: 0, tokenOnAdmin: 0, systemOnlyCode: 0, integrationRest: 0 };

  it('no login: every route that is not public refuses (401/403/404/405), never 2xx', async () => {
    const h = await http();
    const own = (await strapi.db.query('api::student.student').findOne({ where: {} })).documentId;
    const bad: string[] = [];
    for (const { m, path } of routes()) {
      const rule = classifyRoute(m, path)!;
      if (rule.access === 'public') continue;
      const res = await (h as any)[m.toLowerCase() === 'delete' ? 'delete' : m.toLowerCase()](fill(path, own)).send({});
      counts.anonymous++;
      if (![401, 403, 404, 405].includes(res.status)) bad.push(`${m} ${path} → ${res.status}`);
    }
    expect(bad).toEqual([]);
    expect(counts.anonymous).toBeGreaterThan(200);
  });

  it('a staff account (school, county) on every system-only route gets 403', async () => {
    for (const email of ['school@xueji.demo', 'county@xueji.demo']) {
      const api = await asAdmin(email);
      const bad: string[] = [];
      for (const { m, path } of routes()) {
        if (classifyRoute(m, path)!.access !== 'system' || path.startsWith('/content-type-builder')) continue;
        const url = fill(path, '999999');
        const res = await (m === 'GET' ? api.get(url) : m === 'POST' ? api.post(url, {}) : m === 'PUT' ? api.put(url, {}) : api.del(url));
        counts.staffOnSystem++;
        if (res.status !== 403) bad.push(`${email} ${m} ${path} → ${res.status}`);
        else if (res.body?.error?.details?.code === 'SYSTEM_ONLY') counts.systemOnlyCode++;
      }
      expect(bad).toEqual([]);
    }
    expect(counts.staffOnSystem).toBeGreaterThan(60);
    expect(counts.systemOnlyCode).toBe(counts.staffOnSystem); // refused by the route table, before any plugin code
  });

  /** An integration account (users & permissions) of 蜀山区, signed in through /api/auth/local. */
  async function integrationJwt() {
    const username = 'matrix-sync';
    const password = 'Matrix#2026';
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    if (!(await strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } }))) {
      await strapi.plugin('users-permissions').service('user').add({ username, email: `${username}@xueji.demo`, password, provider: 'local', confirmed: true, blocked: false, role: role.id, scopeLevel: 'county', scopeCode: '340104' });
    }
    const res = await (await http()).post('/api/auth/local').send({ identifier: username, password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.jwt as string;
  }

  it('an API token (full access) and an integration account are refused on every admin route', async () => {
    const token = (await strapi.service('admin::api-token').create({ name: `matrix-${Date.now()}`, type: 'full-access', lifespan: null, description: '' })).accessKey;
    const jwt = await integrationJwt();
    const h = await http();
    const bad: string[] = [];
    for (const [kind, bearer] of [['api-token', token], ['integration', jwt]]) {
      for (const { m, path } of routes()) {
        if (path.startsWith('/api/') || classifyRoute(m, path)!.access === 'public') continue;
        const res = await (h as any)[m.toLowerCase()](fill(path, '1')).set('Authorization', `Bearer ${bearer}`).send({});
        counts.tokenOnAdmin++;
        if (![401, 403, 404, 405].includes(res.status)) bad.push(`${kind} ${m} ${path} → ${res.status}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('an integration account reads every scoped REST type inside its county only', async () => {
    const jwt = await integrationJwt();
    const h = await http();
    const bad: string[] = [];
    for (const { m, path } of routes()) {
      if (m !== 'GET' || !path.startsWith('/api/') || classifyRoute(m, path)!.access !== 'scoped') continue;
      const plural = path.split('/')[2];
      const uid = [...SCOPED_TYPES].find((u) => (strapi.getModel(u) as any).info.pluralName === plural)!;
      if (path.endsWith('/:id')) {
        const outside = await strapi.db.query(uid).findOne({ where: { countyCode: { $ne: '340104' }, ...(uid.includes('change-request') ? { toCountyCode: { $ne: '340104' } } : {}) } });
        if (!outside) continue;
        const res = await h.get(path.replace(':id', outside.documentId)).set('Authorization', `Bearer ${jwt}`);
        counts.integrationRest++;
        // Students are granted to integration accounts (404 outside the scope); other types are not (403).
        if (![403, 404].includes(res.status) || JSON.stringify(res.body).includes(outside.documentId)) bad.push(`${path} outside → ${res.status}`);
      } else {
        const res = await h.get(`${path}?populate=*&pagination[pageSize]=100`).set('Authorization', `Bearer ${jwt}`);
        counts.integrationRest++;
        if (res.status === 200) {
          for (const row of res.body.data) {
            const raw = await strapi.db.query(uid).findOne({ where: { documentId: row.documentId } });
            if (raw.countyCode !== '340104' && raw.toCountyCode !== '340104') bad.push(`${path} listed ${row.documentId}`);
          }
        } else if (res.status !== 403) bad.push(`${path} → ${res.status}`);
      }
    }
    expect(bad).toEqual([]);
    console.log(`[route matrix] ${counts.anonymous + counts.staffOnSystem + counts.tokenOnAdmin + counts.integrationRest} HTTP requests: anonymous ${counts.anonymous}, staff on system routes ${counts.staffOnSystem}, API token and integration account on admin routes ${counts.tokenOnAdmin}, integration account on REST ${counts.integrationRest}`);
  });
});

describe('the public and REST paths', () => {
  it.each(['students', 'schools', 'school-classes', 'change-requests', 'audit-logs', 'staff-scopes'])('GET /api/%s is refused to the public', async (p) => {
    const res = await (await import('./harness')).http().then((h) => h.get(`/api/${p}?populate=*`));
    expect([401, 403, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toMatch(/\d{17}[\dX]/);
  });
});
