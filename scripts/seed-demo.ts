/**
 * Loads the demo province into the configured database (SQLite .tmp/data.db by default;
 * DATABASE_CLIENT=postgres + DATABASE_URL for PostgreSQL) without starting the HTTP server.
 *
 *   npx tsx scripts/seed-demo.ts [--students N] [--seed S] [--reset] [--yes] [--no-compile]
 *
 * Guarded (rules in src/seed/demo-guard.ts, `decideSeed`): never with NODE_ENV=production; an
 * empty database is seeded and marked as a demo database; a database with rows is refused unless
 * it carries the demo mark and --reset is given, and the reset is confirmed — by typing the
 * database name (or `yes`) at the prompt, which shows the database and its row counts, or by
 * --yes. --reset deletes the rows of every content type the seed writes (component rows before
 * their owners, link tables, notifications, the demo's uploads, and the 地区学号 / J-number
 * counters); the change requests in flight are then filed through the change engine
 * (src/seed/demo-changes.ts). Refusals exit with 2.
 * --no-compile boots the already compiled dist/ as is.
 */
import path from 'path';
import readline from 'readline';
import { compileStrapi, createStrapi } from '@strapi/strapi';
import type { Core } from '@strapi/strapi';
import { seedDemo } from '../src/seed/demo-province';
import { seedDemoChanges, DEMO_FILE_PREFIX } from '../src/seed/demo-changes';
import { confirmationAccepted, decideSeed, describeDatabase, REFUSAL } from '../src/seed/demo-guard';
import { countRows, readDemoMark, writeDemoMark, type DatabaseCounts } from '../src/seed/demo-mark';
import { COUNTER_TABLE } from '../src/server/db-constraints';

interface Args { students: number; seed: number; reset: boolean; yes: boolean; compile: boolean }

const USAGE = 'usage: npx tsx scripts/seed-demo.ts [--students N] [--seed S] [--reset] [--yes] [--no-compile]';

function parseArgs(argv: string[]): Args {
  const args: Args = { students: 20000, seed: 20260901, reset: false, yes: false, compile: true };
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
    else if (a === '--yes' || a === '-y') args.yes = true;
    else if (a === '--no-compile') args.compile = false;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return args;
}

function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => rl.question(question, (answer) => { rl.close(); resolve(answer); }));
}

const showCounts = (c: DatabaseCounts) =>
  `教育行政部门 authorities ${c.authorities}, 学校 schools ${c.schools}, 班级 classes ${c.classes}, ` +
  `学生 students ${c.students}, 后台账号 admin accounts ${c.adminUsers}`;

/** Content types the seed writes, owners last. Sub-records are emptied too (they point at students). */
const SEEDED = [
  'api::notification.notification', 'api::approval.approval', 'api::change-request.change-request', 'api::resume-entry.resume-entry',
  'api::exam-result.exam-result', 'api::evaluation.evaluation', 'api::award.award', 'api::punishment.punishment',
  'api::student.student', 'api::school-class.school-class', 'api::school.school', 'api::authority.authority',
];

async function reset(strapi: Core.Strapi): Promise<void> {
  const postgres = String((strapi.db as any).dialect?.client) === 'postgres';
  await strapi.db.transaction(async ({ trx }: any) => {
    const tables: string[] = [];
    const fileMorph: any = strapi.db.metadata.has('plugin::upload.file')
      ? (strapi.db.metadata.get('plugin::upload.file') as any).attributes.related?.joinTable
      : undefined;
    for (const uid of SEEDED.filter((u) => strapi.db.metadata.has(u as any))) {
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
    // The demo's proof and photo uploads (their links went with the rows above).
    if (strapi.db.metadata.has('plugin::upload.file')) {
      const files = (strapi.db.metadata.get('plugin::upload.file') as any).tableName;
      await trx.raw(`DELETE FROM "${files}" WHERE "hash" LIKE ?`, [`${DEMO_FILE_PREFIX}%`]);
    }
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (process.env.NODE_ENV === 'production') {
    console.error(`[seed] ${REFUSAL.PRODUCTION}`);
    process.exit(2);
  }
  process.env.XUEJI_DEMO_SEED = 'false';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const root = path.join(__dirname, '..');
  const ctx = args.compile ? await compileStrapi() : { appDir: root, distDir: path.join(root, 'dist') };
  const strapi = await createStrapi({ ...ctx, autoReload: false, serveAdminPanel: false } as any).load();
  let code = 0;
  try {
    const db = describeDatabase(strapi.config.get('database.connection') as any);
    const client = db.client;
    const counts = await countRows(strapi);
    const mark = await readDemoMark(strapi);
    const where = `[seed] 数据库 database: ${db.label}\n[seed] ${mark ? `示范数据库 demo database (seeded ${mark.at}, seed ${mark.seed})` : '无示范标记 no demo mark'}\n[seed] ${showCounts(counts)}`;
    const decision = decideSeed({
      production: false, marked: Boolean(mark), dataRows: counts.dataRows, adminUsers: counts.adminUsers,
      reset: args.reset, yes: args.yes, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    });
    if (decision.action === 'refuse') {
      console.error(`${where}\n[seed] ${decision.message}`);
      code = 2;
      return;
    }
    console.log(where);
    if (decision.confirm) {
      const what = decision.action === 'reset'
        ? '将删除上述示范数据（学校、班级、学生及其子记录）并重新载入。 The demo rows above will be DELETED and loaded again.'
        : '该数据库已有后台账号：载入后标记为示范数据库，下次启动将创建公开密码的示范账号。 This database has admin accounts: once seeded it is marked as a demo database and the demo logins (published passwords) are created at the next start.';
      const answer = await ask(`[seed] ${what}\n[seed] 输入数据库名 "${db.name}" 或 yes 确认 / type the database name "${db.name}" or yes to confirm: `);
      if (!confirmationAccepted(answer, db.name)) {
        console.error('[seed] 未确认，未做任何更改。 Not confirmed: nothing was changed.');
        code = 2;
        return;
      }
    }
    if (decision.action === 'reset') {
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
    // Requests in flight through the change engine (as the demo logins where they exist already;
    // on a new database they are created at the next start).
    summary.changeRequests = await seedDemoChanges(strapi, { seed: args.seed });
    const perSecond = summary.seconds > 0 ? Math.round(summary.students / summary.seconds) : summary.students;
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    await writeDemoMark(strapi, { seed: args.seed, students: summary.students, at: new Date().toISOString(), by: 'seed-script' });
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
