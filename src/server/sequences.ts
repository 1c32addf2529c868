/**
 * Gap-free counters (地区学号 per county and year, J numbers per region and birth date).
 * One UPDATE … RETURNING per allocation: PostgreSQL row-locks the counter, SQLite serialises
 * writers, so concurrent registrations never get the same number.
 */
import type { Core } from '@strapi/strapi';
import { COUNTER_TABLE } from './db-constraints';

/** Reserves `count` numbers under `key`; returns the first. Pass a transaction to roll back with it. */
export async function reserveSequence(strapi: Core.Strapi, key: string, count = 1, trx?: any): Promise<number> {
  const knex = trx ?? strapi.db.connection;
  const run = async (k: any) => {
    await k.raw(`INSERT INTO ${COUNTER_TABLE} ("key", "value") VALUES (?, 0) ON CONFLICT ("key") DO NOTHING`, [key]);
    const res = await k.raw(
      `UPDATE ${COUNTER_TABLE} SET "value" = "value" + ? WHERE "key" = ? RETURNING "value"`, [count, key]);
    const rows = Array.isArray(res) ? res : res.rows;
    return Number(rows[0].value) - count + 1;
  };
  return run(knex);
}
