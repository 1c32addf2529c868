/**
 * p95 that the post-write check (read the stored row back and verify scope and links, inside the
 * write's transaction) adds to a student update, on PostgreSQL, side by side in one run.
 *
 *   npx tsx scripts/bench/post-write-check.ts [--students 20000] [--requests 300]
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), loads the demo province, boots Strapi
 * once and times the same Content Manager update (PUT of one field of a registered student, by
 * the school's registrar, through real HTTP) with the check and with it switched off in-process.
 * Passes alternate (off, on, off, on) so drift in the machine hits both alike.
 */
import path from 'path';
import { arg, pct, root, bootOnPostgres } from './lib';

const STUDENTS = arg('students', 20_000);
const REQUESTS = arg('requests', 300);

async function main() {
  const { strapi, http, stop } = await bootOnPostgres(STUDENTS);
  const { storedCheck } = require(path.join(root, 'dist/src/server/write-rules'));
  const token = (await http.post('/admin/login').send({ email: 'school@xueji.demo', password: 'Xueji@2026' })).body.data.token;
  const user = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  const students = await strapi.db.query('api::student.student').findMany({ where: { schoolCode: scope.code, registrationStatus: 'registered' }, limit: 50 });
  const times: Record<string, number[]> = { off: [], on: [] };
  let n = 0;
  for (const pass of ['off', 'on', 'off', 'on', 'off', 'on']) {
    storedCheck.enabled = pass === 'on';
    for (let i = -5; i < REQUESTS / 3; i++) {
      const s = students[(n++) % students.length];
      const t = process.hrtime.bigint();
      const res = await http.put(`/content-manager/collection-types/api::student.student/${s.documentId}`).set('Authorization', `Bearer ${token}`).send({ specialty: `书法${n}` });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      if (i >= 0) times[pass].push(ms);
    }
  }
  storedCheck.enabled = true;
  console.log(`\nCM update of one field of a registered student by its school, ${times.on.length} requests each (PostgreSQL, ${STUDENTS} students)`);
  console.log('post-write check     p50 ms   p95 ms   p99 ms');
  for (const k of ['off', 'on']) console.log(`${k.padEnd(18)} ${pct(times[k], 50).toFixed(1).padStart(8)} ${pct(times[k], 95).toFixed(1).padStart(8)} ${pct(times[k], 99).toFixed(1).padStart(8)}`);
  console.log(`p95 added by the check: ${(pct(times.on, 95) - pct(times.off, 95)).toFixed(1)} ms`);
  await stop();
}

main().catch((e) => { console.error(e); process.exit(1); });
