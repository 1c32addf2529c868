/**
 * 学年升级 against a bare `UPDATE` of the grade column on the same tables, on PostgreSQL, in one
 * run (issue goal: promotion ≤ 1.5 × the bare update).
 *
 *   npx tsx scripts/bench/promotion.ts [--students 1000000]
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), loads the demo province with `students`
 * through the bulk seeder and boots Strapi once. Then, with VACUUM ANALYZE before each pass:
 *   bare      UPDATE students SET grade = grade + 1; UPDATE school_classes SET grade = grade + 1
 *             (inside a transaction that is rolled back — the UPDATEs alone are timed)
 *   promotion the real run (plan, preview counts and blockers, the two UPDATE … FROM statements,
 *             run row, school year, audit; committed)
 *   undo      the real undo (committed)
 *   bare      again, so drift hits both sides
 */
import path from 'path';
import { arg, root, bootOnPostgres } from './lib';

const STUDENTS = arg('students', 1_000_000);

async function main() {
  process.env.XUEJI_ROSTERS_ON_START = 'false';
  const { strapi, stop } = await bootOnPostgres(STUDENTS);
  const { promotionService, readSchoolYear } = require(path.join(root, 'dist/src/server/promotion'));
  const knex = strapi.db.connection;
  const students = strapi.db.metadata.get('api::student.student').tableName;
  const classes = strapi.db.metadata.get('api::school-class.school-class').tableName;
  const vacuum = async () => { await knex.raw(`VACUUM ANALYZE "${students}"`); await knex.raw(`VACUUM ANALYZE "${classes}"`); };
  const [{ n }] = (await knex.raw(`SELECT COUNT(*)::int AS n FROM "${students}"`)).rows;

  const bare = async () => {
    await vacuum();
    let ms = 0;
    await knex.transaction(async (trx: any) => {
      const t = Date.now();
      await trx.raw(`UPDATE "${students}" SET grade = grade + 1`);
      await trx.raw(`UPDATE "${classes}" SET grade = grade + 1`);
      ms = Date.now() - t;
      await trx.rollback();
    }).catch(() => undefined);
    return ms;
  };

  const b1 = await bare();
  console.log(`bare UPDATE (rolled back): ${(b1 / 1000).toFixed(1)} s`);
  await vacuum();
  const svc = promotionService(strapi);
  const year = (await readSchoolYear(strapi)).schoolYear + 1;
  let t = Date.now();
  const out = await svc.run({ name: 'bench', trigger: 'manual' }, { schoolYear: year, ignoreBlockers: true });
  const promo = Date.now() - t;
  if (out.status !== 'done') throw new Error(`promotion: ${out.status}`);
  const moved = out.run.report.moved;
  console.log(`promotion: ${(promo / 1000).toFixed(1)} s (${moved.students} students, ${moved.classes} classes moved)`);
  await vacuum();
  t = Date.now();
  await svc.undo({ name: 'bench', trigger: 'manual' }, year);
  const undo = Date.now() - t;
  console.log(`undo: ${(undo / 1000).toFixed(1)} s`);
  const b2 = await bare();
  console.log(`bare UPDATE again: ${(b2 / 1000).toFixed(1)} s`);
  const bareMean = (b1 + b2) / 2;
  console.log(`\n${n} student rows (PostgreSQL): bare ${(bareMean / 1000).toFixed(1)} s, promotion ${(promo / 1000).toFixed(1)} s = ${(promo / bareMean).toFixed(2)} × (goal ≤ 1.5 ×), undo ${(undo / 1000).toFixed(1)} s`);
  await stop();
}

main().catch((e) => { console.error(e); process.exit(1); });
