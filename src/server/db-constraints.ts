/**
 * Database-level guarantees Strapi's schema cannot express (`unique: true` creates no index).
 * Run at every bootstrap, idempotently. Not in database/migrations: Strapi runs user migrations
 * *before* it creates the content-type tables, so on a fresh database they would fail.
 */
import type { Core } from '@strapi/strapi';
import { SCOPE_COLUMNS } from '../domain/scope';
import { SCOPED_TYPES } from '../domain/content-model';

const UNIQUE: Array<{ name: string; uid: string; attrs: string[] }> = [
  // One person, one record (一人一籍一号): the identity key covers own and guardian ID numbers.
  { name: 'students_identity_key_uq', uid: 'api::student.student', attrs: ['identityKey'] },
  { name: 'students_student_number_uq', uid: 'api::student.student', attrs: ['studentNumber'] },
  { name: 'students_regional_number_uq', uid: 'api::student.student', attrs: ['regionalNumber'] },
  { name: 'schools_code_uq', uid: 'api::school.school', attrs: ['code'] },
  { name: 'school_classes_cohort_uq', uid: 'api::school-class.school-class', attrs: ['schoolCode', 'foundedYearMonth', 'number'] },
  // A student with an open change request cannot get another one (open_key = student while open).
  { name: 'change_requests_open_key_uq', uid: 'api::change-request.change-request', attrs: ['openKey'] },
  // One promotion run per school year (a second run is a no-op, DESIGN "Cron").
  { name: 'promotion_runs_school_year_uq', uid: 'api::promotion-run.promotion-run', attrs: ['schoolYear'] },
  { name: 'staff_scopes_admin_user_uq', uid: 'api::staff-scope.staff-scope', attrs: ['adminUserId'] },
];

// Indexes on the scope columns: the one predicate of the scope rule is an equality on them.
const SCOPED = [...SCOPED_TYPES];

/**
 * Lists (issue 13): the Content Manager pages a scope's records by the main field (name), then
 * id. One index per scope column + sort + id answers a page, a deep page's ids (deferred join)
 * and the capped count as index-only scans; (name, id) serves the unscoped list. For these
 * types they replace the single-column scope and name indexes (same number of indexes, so the
 * same write amplification; figures in the README, "Scale: a province on one PostgreSQL").
 */
const LIST_INDEXED: Array<{ uid: string; sort: string }> = [{ uid: 'api::student.student', sort: 'name' }];
/** Indexes of earlier versions that the list indexes replace (dropped when present). */
const REPLACED = (table: string, cols: string[]) => cols.map((c) => `${table}_${c}_ix`);
export const COUNTER_TABLE = 'xueji_counters';
/** One row per scheduled task and day (or school year): a second run is a no-op. */
export const TASK_RUNS_TABLE = 'xueji_task_runs';

const column = (strapi: Core.Strapi, uid: string, attr: string): string => {
  const meta: any = strapi.db.metadata.get(uid as any);
  return meta.attributes[attr].columnName ?? attr;
};

export async function ensureDbConstraints(strapi: Core.Strapi): Promise<void> {
  const knex = strapi.db.connection;
  if (!(await knex.schema.hasTable(COUNTER_TABLE))) {
    await knex.schema.createTable(COUNTER_TABLE, (t) => {
      t.string('key', 80).primary();
      t.bigInteger('value').notNullable().defaultTo(0);
    });
  }
  if (!(await knex.schema.hasTable(TASK_RUNS_TABLE))) {
    await knex.schema.createTable(TASK_RUNS_TABLE, (t) => {
      t.string('task', 40).notNullable();
      t.string('run_key', 40).notNullable();
      t.timestamp('at');
      t.primary(['task', 'run_key']);
    });
  }
  await migrateIdentityKeys(strapi);
  for (const u of UNIQUE) {
    const table = strapi.db.metadata.get(u.uid as any).tableName;
    const cols = u.attrs.map((a) => `"${column(strapi, u.uid, a)}"`).join(', ');
    await knex.raw(`CREATE UNIQUE INDEX IF NOT EXISTS ${u.name} ON "${table}" (${cols})`);
  }
  for (const uid of SCOPED) {
    const table = strapi.db.metadata.get(uid as any).tableName;
    const list = LIST_INDEXED.find((x) => x.uid === uid);
    const scopeCols = SCOPE_COLUMNS.map((attr) => column(strapi, uid, attr));
    if (!list) {
      for (const col of scopeCols) await knex.raw(`CREATE INDEX IF NOT EXISTS "${table}_${col}_ix" ON "${table}" ("${col}")`);
      continue;
    }
    const sort = column(strapi, uid, list.sort);
    for (const col of scopeCols) await knex.raw(`CREATE INDEX IF NOT EXISTS "${table}_${col}_list_ix" ON "${table}" ("${col}", "${sort}", "id")`);
    await knex.raw(`CREATE INDEX IF NOT EXISTS "${table}_${sort}_list_ix" ON "${table}" ("${sort}", "id")`);
    for (const old of REPLACED(table, [...scopeCols, sort])) await knex.raw(`DROP INDEX IF EXISTS "${old}"`);
  }
}

/** Identity keys of the first form ('<document type>:<number>') become 'P:<number>' (查重 across types). */
async function migrateIdentityKeys(strapi: Core.Strapi): Promise<void> {
  const table = strapi.db.metadata.get('api::student.student' as any).tableName;
  const col = column(strapi, 'api::student.student', 'identityKey');
  try {
    await strapi.db.connection(table).where(col, 'like', '_:%').whereNot(col, 'like', 'G:%').whereNot(col, 'like', 'P:%')
      .update({ [col]: strapi.db.connection.raw(`'P:' || substr("${col}", 3)`) });
  } catch (e: any) {
    strapi.log.warn(`[xueji] 查重键迁移失败（可能有同一证件号的重复学籍，请人工核查）：${e.message}`);
  }
}
