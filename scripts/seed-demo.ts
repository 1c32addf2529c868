/**
 * Loads the demo province into the configured database (SQLite .tmp/data.db by default;
 * DATABASE_CLIENT=postgres + DATABASE_URL for PostgreSQL) without starting the HTTP server.
 *
 *   npx tsx scripts/seed-demo.ts [--students N] [--seed S] [--reset]
 *
 * Refuses a database that already holds demo data unless --reset, which first deletes the rows
 * of every content type the seed writes (component rows before their owners, link tables, and
 * the 地区学号 / J-number counters).
 */
import { compileStrapi, createStrapi } from '@strapi/strapi';
import type { Core } from '@strapi/strapi';
import { seedDemo } from '../src/seed/demo-province';
import { COUNTER_TABLE } from '../src/server/db-constraints';

interface Args { students: number; seed: number; reset: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { students: 20000, seed: 20260901, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${a.split('=')[0]} needs a non-negative integer`);
      return Number(v);
    };
    if (a.startsWith('--students')) args.students = value();
    else if (a.startsWith('--seed')) args.seed = value();
    else if (a === '--reset') args.reset = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npx tsx scripts/seed-demo.ts [--students N] [--seed S] [--reset]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** Content types the seed writes, owners last. Sub-records are emptied too (they point at students). */
const SEEDED = [
  'api::approval.approval', 'api::change-request.change-request', 'api::resume-entry.resume-entry',
  'api::exam-result.exam-result', 'api::evaluation.evaluation', 'api::award.award', 'api::punishment.punishment',
  'api::student.student', 'api::school-class.school-class', 'api::school.school', 'api::authority.authority',
];

async function hasDemoData(strapi: Core.Strapi): Promise<boolean> {
  for (const uid of ['api::authority.authority', 'api::school.school', 'api::student.student']) {
    if ((await strapi.db.query(uid as any).count()) > 0) return true;
  }
  return false;
}

async function reset(strapi: Core.Strapi): Promise<void> {
  const postgres = String((strapi.db as any).dialect?.client) === 'postgres';
  await strapi.db.transaction(async ({ trx }: any) => {
    const tables: string[] = [];
    const fileMorph: any = strapi.db.metadata.has('plugin::upload.file')
      ? (strapi.db.metadata.get('plugin::upload.file') as any).attributes.related?.joinTable
      : undefined;
    for (const uid of SEEDED) {
      const meta: any = strapi.db.metadata.get(uid as any);
      for (const [, attr] of Object.entries<any>(meta.attributes)) {
        if (attr.type !== 'relation') continue;
        const jt = attr.joinTable;
        if (jt && strapi.components[attr.target as keyof typeof strapi.components]) {
          // Component rows first: `_cmps` has no foreign key to them, so they would be orphaned.
          const cmpTable = (strapi.db.metadata.get(attr.target) as any).tableName;
          const field = Object.keys(jt.on ?? { field: 1 })[0];
          if (postgres) {
            await trx.raw(`ANALYZE "${jt.name}"`);
            await trx.raw(
              `DELETE FROM "${cmpTable}" c USING "${jt.name}" l WHERE c.id = l."${jt.inverseJoinColumn.name}" AND l."${field}" = ?`,
              [jt.on?.field]);
          } else {
            await trx.raw(
              `DELETE FROM "${cmpTable}" WHERE id IN (SELECT "${jt.inverseJoinColumn.name}" FROM "${jt.name}" WHERE "${field}" = ?)`,
              [jt.on?.field]);
          }
          tables.push(jt.name);
        } else if (jt && !jt.morphColumn) {
          tables.push(jt.name);
        }
      }
      // Media links (photo, proofs) live in the upload plugin's morph table.
      if (fileMorph?.morphColumn) {
        await trx.raw(`DELETE FROM "${fileMorph.name}" WHERE "${fileMorph.morphColumn.typeColumn.name}" = ?`, [uid]);
      }
      tables.push(meta.tableName);
    }
    const unique = [...new Set(tables)];
    if (postgres) await trx.raw(`TRUNCATE ${unique.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    else for (const t of unique) await trx.raw(`DELETE FROM "${t}"`);
    await trx.raw(`DELETE FROM "${COUNTER_TABLE}" WHERE "key" LIKE 'R:%' OR "key" LIKE 'J:%'`);
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  process.env.XUEJI_DEMO_SEED = 'false';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const ctx = await compileStrapi();
  const strapi = await createStrapi({ ...ctx, autoReload: false, serveAdminPanel: false } as any).load();
  let code = 0;
  try {
    const client = String((strapi.db as any).dialect?.client);
    if (await hasDemoData(strapi)) {
      if (!args.reset) {
        console.error('[seed] 数据库中已有学籍数据；加 --reset 先清空示范数据再载入。 (database not empty: use --reset)');
        code = 2;
        return;
      }
      const t = Date.now();
      await reset(strapi);
      console.log(`[seed] reset in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    console.log(`[seed] ${client}: ${args.students} students, seed ${args.seed}`);
    let lastReport = 0;
    const summary = await seedDemo(strapi, {
      students: args.students,
      seed: args.seed,
      onProgress: (done, total) => {
        if (done - lastReport >= 100000 || done === total) {
          lastReport = done;
          console.log(`[seed] ${done}/${total} students`);
        }
      },
    });
    const perSecond = summary.seconds > 0 ? Math.round(summary.students / summary.seconds) : summary.students;
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(`[seed] ${JSON.stringify(summary)}`);
    console.log(`[seed] ${summary.students} students in ${summary.seconds} s = ${perSecond} students/s; peak RSS ${rssMb} MB`);
  } catch (e) {
    console.error('[seed] failed:', e);
    code = 1;
  } finally {
    await strapi.destroy();
    process.exit(code);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
