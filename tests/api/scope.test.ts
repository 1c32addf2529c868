/**
 * The access matrix (issue: region scope): every staff role × Content Manager action × records
 * inside its scope and outside it (another school in the county, another county, another city).
 * Allowed inside (where the role has the action), refused outside, with nothing leaked or written.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { getStrapi, asAdmin, CM } from './harness';

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
const tally = { attempts: 0, leaks: 0, unauthorisedWrites: 0, wrongRefusals: 0 };
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

function note(ok: boolean, what: string, outside: boolean, kind: 'leak' | 'write' | 'refusal') {
  tally.attempts++;
  if (ok) return;
  if (kind === 'leak') tally.leaks++;
  else if (kind === 'write') tally.unauthorisedWrites++;
  else tally.wrongRefusals++;
  leaks.push(`${kind}${outside ? ' (outside)' : ''}: ${what}`);
}

describe('access matrix: every role × action × record inside and outside its scope', () => {
  it.each(ROLES)('$email', async ({ email, sees }) => {
    const api = await asAdmin(email);
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
        const inside = sees.includes(label);
        for (const row of rows) {
          // Read one.
          const one = await api.get(`${CM}/${uid}/${row.documentId}`);
          if (inside) note(one.status === 200, `${email} read ${uid} ${label}`, false, 'refusal');
          else note([403, 404].includes(one.status) && !JSON.stringify(one.body).includes(row.documentId), `${email} read ${uid} ${label} → ${one.status}`, true, 'leak');

          // Update a harmless field.
          const field = uid === 'api::student.student' ? { specialty: `测试${Date.now()}` } : uid === 'api::school-class.school-class' ? { honours: `测试${Date.now()}` } : uid === 'api::school.school' ? { phone: '05510000000' } : uid === 'api::change-request.change-request' ? { reason: `测试${Date.now()}` } : { action: 'tamper' };
          const before = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          const upd = await api.put(`${CM}/${uid}/${row.documentId}`, field);
          const after = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          const changed = JSON.stringify({ ...before, updatedAt: 0 }) !== JSON.stringify({ ...after, updatedAt: 0 });
          if (!inside) {
            note([403, 404].includes(upd.status), `${email} update ${uid} ${label} → ${upd.status}`, true, 'leak');
            note(!changed, `${email} update ${uid} ${label} changed the row`, true, 'write');
          } else if (upd.status === 200) {
            // Every allowed write leaves its audit row, naming the account.
            const audit = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { subjectId: row.documentId, action: 'update', actorName: email } });
            note(!!audit, `${email} update ${uid} ${label} left no audit row`, false, 'write');
          }

          // Delete: no staff role deletes; outside must stay untouched either way.
          const del = await api.del(`${CM}/${uid}/${row.documentId}`);
          const still = await strapi.db.query(uid).findOne({ where: { id: row.id } });
          if (!inside) note([403, 404].includes(del.status) && !!still, `${email} delete ${uid} ${label} → ${del.status}`, true, 'write');
          else note(!!still || del.status === 200, `${email} delete ${uid} ${label}`, false, 'refusal');
        }
        // Bulk delete of the whole set.
        if (!inside) {
          const ids = rows.map((r) => r.documentId);
          await api.post(`${CM}/${uid}/actions/bulkDelete`, { documentIds: ids });
          const left = await strapi.db.query(uid).count({ where: { documentId: { $in: ids } } });
          note(left === ids.length, `${email} bulkDelete ${uid} ${label} removed ${ids.length - left}`, true, 'write');
        }
      }
    }

    // Create a student in a class of each target school; move an own student out.
    for (const [label, t] of Object.entries(targets)) {
      const cls = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode: t.school.code } });
      const before = await strapi.db.query('api::student.student').count({ where: { schoolCode: t.school.code } });
      const res = await api.post(`${CM}/api::student.student`, { name: '越权测试', schoolClass: { connect: [{ documentId: cls.documentId }] } });
      const after = await strapi.db.query('api::student.student').count({ where: { schoolCode: t.school.code } });
      if (!sees.includes(label)) {
        note(res.status === 403 || res.status === 400, `${email} create student in ${label} → ${res.status}`, true, 'leak');
        note(after === before, `${email} create student in ${label} wrote a row`, true, 'write');
      }
    }
    const own = await strapi.db.query('api::student.student').findOne({ where: { schoolCode: targets.A.school.code, registrationStatus: 'registered' } });
    const foreignClass = await strapi.db.query('api::school-class.school-class').findOne({ where: { schoolCode: targets.D.school.code, grade: own.grade } });
    if (foreignClass) {
      const move = await api.put(`${CM}/api::student.student/${own.documentId}`, { schoolClass: { connect: [{ documentId: foreignClass.documentId }] } });
      const now = await strapi.db.query('api::student.student').findOne({ where: { id: own.id } });
      if (!sees.includes('D')) {
        note(move.status === 403 || move.status === 400, `${email} move own student to another city → ${move.status}`, true, 'leak');
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
    console.log(`[access matrix] ${tally.attempts} attempts, ${tally.leaks} leaked, ${tally.unauthorisedWrites} unauthorised writes, ${tally.wrongRefusals} wrong refusals`);
    if (leaks.length) console.log(leaks.slice(0, 20).join('\n'));
    expect(tally.attempts).toBeGreaterThanOrEqual(1000);
    expect(tally.leaks).toBe(0);
    expect(tally.unauthorisedWrites).toBe(0);
    expect(tally.wrongRefusals).toBe(0);
  });
});

describe('the public and REST paths', () => {
  it.each(['students', 'schools', 'school-classes', 'change-requests', 'audit-logs', 'staff-scopes'])('GET /api/%s is refused to the public', async (p) => {
    const res = await (await import('./harness')).http().then((h) => h.get(`/api/${p}?populate=*`));
    expect([401, 403, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toMatch(/\d{17}[\dX]/);
  });
});

describe('change requests are filed by the side that owns them', () => {
  it('a school cannot file a suspension for another school’s student by naming itself as receiver', async () => {
    const api = await asAdmin('school@xueji.demo');
    const other = await strapi.db.query('api::student.student').findOne({ where: { schoolCode: targets.B.school.code } });
    const before = await strapi.db.query('api::change-request.change-request').count();
    const res = await api.post(`${CM}/api::change-request.change-request`, {
      type: '23', reason: '越权测试', student: { connect: [{ documentId: other.documentId }] },
      toSchool: { connect: [{ documentId: targets.A.school.documentId }] },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
    expect(await strapi.db.query('api::change-request.change-request').count()).toBe(before);
  });

  it('a receiving school files a transfer-in for a student of another school, and both sides see it', async () => {
    const api = await asAdmin('school@xueji.demo');
    const openKeys = (await strapi.db.query('api::change-request.change-request').findMany({ where: { openKey: { $notNull: true } }, select: ['openKey'] })).map((r: any) => r.openKey);
    const other = await strapi.db.query('api::student.student').findOne({
      where: { schoolCode: targets.C.school.code, registrationStatus: 'registered', documentId: { $notIn: openKeys } }, orderBy: { id: 'desc' },
    });
    const res = await api.post(`${CM}/api::change-request.change-request`, {
      type: '13', reason: '随父母工作调动转入', student: { connect: [{ documentId: other.documentId }] },
      toSchool: { connect: [{ documentId: targets.A.school.documentId }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const row = await strapi.db.query('api::change-request.change-request').findOne({ where: { documentId: res.body.data.documentId } });
    expect(row.schoolCode).toBe(targets.C.school.code);
    expect(row.toSchoolCode).toBe(targets.A.school.code);
    expect(row.openKey).toBe(other.documentId);
    const county = await asAdmin('city@xueji.demo');
    expect((await county.get(`${CM}/api::change-request.change-request/${row.documentId}`)).status).toBe(200);
    // The filer cannot approve its own request by editing the workflow fields.
    expect(row.state).toBe('pending');
    const forged = await api.put(`${CM}/api::change-request.change-request/${row.documentId}`, { state: 'approved', currentStep: 9, reason: '补充说明' });
    expect(forged.status, JSON.stringify(forged.body)).toBe(200);
    const after = await strapi.db.query('api::change-request.change-request').findOne({ where: { id: row.id } });
    expect(after.state).toBe('pending');
    expect(after.currentStep).toBe(0);
    expect(after.reason).toBe('补充说明');
  });
});
