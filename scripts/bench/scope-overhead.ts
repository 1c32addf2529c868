/**
 * p95 overhead of the scope rule on a scoped Content Manager list (issue: region scope).
 *
 *   npx tsx scripts/bench/scope-overhead.ts [--students 100000] [--requests 200]
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), loads the demo province with N students
 * through the bulk seeder, boots Strapi once, then times the same list request (page of 20,
 * sorted by name, with the total count) through real HTTP for the super admin (no condition)
 * and for each scoped role (RBAC condition on the scope column). Prints p50/p95/p99 per role and
 * the p95 overhead against the unscoped list.
 */
import path from 'path';
import { arg, pct, root, bootOnPostgres } from './lib';

const STUDENTS = arg('students', 100_000);
const REQUESTS = arg('requests', 200);

async function main() {
  const { strapi, http, stop } = await bootOnPostgres(STUDENTS);
  // The overhead proper: the same role, fields and rows (the province sees all students), timed
  // once with its scope condition and once with the condition removed from its permissions.
  const { permissionsOf, STAFF_ROLES } = require(path.join(root, 'dist/src/server/staff-roles'));
  const roleService = strapi.service('admin::role');
  const provinceSpec = STAFF_ROLES.find((r: any) => r.level === 'province');
  const provinceRole = await strapi.db.query('admin::role').findOne({ where: { code: provinceSpec.code } });
  const withCondition = permissionsOf(strapi, provinceSpec);
  const setProvinceConditions = async (on: boolean) =>
    roleService.assignPermissions(provinceRole.id, withCondition.map((p: any) => ({ ...p, conditions: on ? p.conditions : [] })));

  const accounts = ['province@xueji.demo#no-condition', 'province@xueji.demo', 'admin@xueji.demo', 'city@xueji.demo', 'county@xueji.demo', 'school@xueji.demo'];
  const rows: Array<{ account: string; total: number; p50: number; p95: number; p99: number }> = [];
  // Two passes; only the second is reported, so caches and JIT are warm for every account.
  for (const pass of [1, 2]) for (const label of accounts) {
    const [email, variant] = label.split('#');
    await setProvinceConditions(variant !== 'no-condition');
    const login = await http.post('/admin/login').send({ email, password: 'Xueji@2026' });
    const token = login.body.data.token;
    const times: number[] = [];
    let total = 0;
    if (process.env.BENCH_SQL && pass === 2) {
      const log = (q: any) => console.log(`[sql ${label}] ${q.sql.slice(0, 400)}`);
      strapi.db.connection.on('query', log);
      await http.get('/content-manager/collection-types/api::student.student?page=3&pageSize=20&sort=name:ASC').set('Authorization', `Bearer ${token}`);
      strapi.db.connection.removeListener('query', log);
    }
    for (let i = -10; i < REQUESTS; i++) {
      const page = 1 + (Math.abs(i) * 7) % 50;
      const t = process.hrtime.bigint();
      const res = await http.get(`/content-manager/collection-types/api::student.student?page=${page}&pageSize=20&sort=name:ASC`).set('Authorization', `Bearer ${token}`);
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.status !== 200) throw new Error(`${email}: ${res.status}`);
      total = res.body.pagination.total;
      if (i >= 0) times.push(ms); // first 10 are warm-up
    }
    if (pass === 2) rows.push({ account: label, total, p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) });
  }
  const base = rows[0].p95;
  console.log(`\nCM list of students, page of 20 sorted by name, ${REQUESTS} requests each (PostgreSQL, ${STUDENTS} students)`);
  console.log('account                              rows visible    p50 ms   p95 ms   p99 ms   p95 vs province without its condition');
  for (const r of rows) {
    console.log(`${r.account.padEnd(36)} ${String(r.total).padStart(12)} ${r.p50.toFixed(1).padStart(9)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}   ${r === rows[0] ? '(baseline)' : `${(r.p95 - base >= 0 ? '+' : '')}${(r.p95 - base).toFixed(1)} ms`}`);
  }
  await stop();
}

main().catch((e) => { console.error(e); process.exit(1); });
