/**
 * Gap-free counters (地区学号 per county and year, J numbers per region and birth date).
 * One UPDATE … RETURNING per allocation: PostgreSQL row-locks the counter, SQLite serialises
 * writers, so concurrent registrations never get the same number.
 */
import type { Core } from '@strapi/strapi';
import { COUNTER_TABLE } from './db-constraints';

/** The knex of the transaction this call runs in, or the plain connection outside one. */
export async function currentKnex(strapi: Core.Strapi): Promise<any> {
  return strapi.db.inTransaction() ? (await (strapi.db as any).transaction()).get() : strapi.db.connection;
}

/** Reserves `count` numbers under `key`; returns the first. Pass a transaction to roll back with it. */
export async function reserveSequence(strapi: Core.Strapi, key: string, count = 1, trx?: any): Promise<number> {
  // Inside a write's transaction the number rolls back with it (a refused write uses none up).
  const knex = trx ?? (await currentKnex(strapi));
  const run = async (k: any) => {
    await k.raw(`INSERT INTO ${COUNTER_TABLE} ("key", "value") VALUES (?, 0) ON CONFLICT ("key") DO NOTHING`, [key]);
    const res = await k.raw(
      `UPDATE ${COUNTER_TABLE} SET "value" = "value" + ? WHERE "key" = ? RETURNING "value"`, [count, key]);
    const rows = Array.isArray(res) ? res : res.rows;
    return Number(rows[0].value) - count + 1;
  };
  return run(knex);
}
