/**
 * Set-based SQL for the change engine on both dialects (PLATFORM "Strapi 5 tables"): table,
 * column and link-table names from Strapi's metadata, multi-row inserts through the seed's
 * BulkWriter, and one `UPDATE … FROM <rows>` per batch (optionally version-checked), so a
 * batch of 1,000 decisions or a grade of 100,000 students is a few statements, not a loop.
 */
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { BulkWriter, dialectOf, schemaOf, timestampValue, type Dialect, type Row } from '../../seed/bulk';
import { currentKnex } from '../sequences';

export const UID = {
  request: 'api::change-request.change-request',
  approval: 'api::approval.approval',
  notification: 'api::notification.notification',
  student: 'api::student.student',
  school: 'api::school.school',
  cls: 'api::school-class.school-class',
  audit: 'api::audit-log.audit-log',
  file: 'plugin::upload.file',
} as const;

export interface Sql {
  strapi: Core.Strapi;
  knex: any;
  dialect: Dialect;
  writer: BulkWriter;
  table(uid: string): string;
  col(uid: string, attr: string): string;
  link(uid: string, attr: string): { table: string; from: string; to: string; order?: string; inverseOrder?: string };
  ts(d: Date): string | number;
  newDocumentIds(n: number): string[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The SQL context of the current transaction. */
export async function sqlOf(strapi: Core.Strapi): Promise<Sql> {
  const knex = await currentKnex(strapi);
  const dialect = dialectOf(strapi);
  const schema = schemaOf(strapi);
  const meta = (uid: string): any => strapi.db.metadata.get(uid as any);
  return {
    strapi, knex, dialect,
    writer: new BulkWriter(knex, dialect, schema, 0), // exactly the ids a decision needs
    table: (uid) => meta(uid).tableName,
    col: (uid, attr) => meta(uid).attributes[attr]?.columnName ?? attr,
    link(uid, attr) {
      const jt = meta(uid).attributes[attr]?.joinTable;
      if (!jt) throw new Error(`changes: ${uid}.${attr} has no link table`);
      return { table: jt.name, from: jt.joinColumn.name, to: jt.inverseJoinColumn.name, order: jt.orderColumnName, inverseOrder: jt.inverseOrderColumnName };
    },
    ts: (d) => timestampValue(dialect, d),
    newDocumentIds: (n) => Array.from({ length: n }, () => createId()),
  };
}

/**
 * A request's title in lists and relation pickers: '转入(省内) · 张三 · 2026-09-01' (a request
 * for a whole grade: '毕业 · 6 年级 · …'). Used by the engine and by the bootstrap backfill.
 */
export const requestTitle = (typeLabel: string, studentName: string | null | undefined, grade: number | null | undefined, day: string): string =>
  [typeLabel, studentName ?? (grade ? `${grade} 年级` : null), day].filter(Boolean).join(' · ');

export const rowsOf = (res: any): any[] => (Array.isArray(res) ? res : res?.rows ?? []);

/** PostgreSQL column types for json_to_recordset, by kind. */
export type ColKind = 'int' | 'text' | 'json' | 'date' | 'timestamp' | 'num' | 'bool';
const PG_TYPE: Record<ColKind, string> = { int: 'integer', text: 'text', json: 'jsonb', date: 'date', timestamp: 'timestamp(6)', num: 'numeric', bool: 'boolean' };

/**
 * `UPDATE table SET c = v.c … FROM <rows> v WHERE t.id = v.id [AND t.<guard> = v.<guard>]`
 * in one statement; returns the ids updated. Values of kind 'json' are passed as JS values;
 * `extraSet(alias)` adds a computed assignment (e.g. a version bump).
 */
export async function updateRows(sql: Sql, table: string, rows: Row[], kinds: Record<string, ColKind>, guard?: string, extraSet?: (alias: string) => string): Promise<number[]> {
  if (!rows.length) return [];
  const cols = Object.keys(kinds).filter((c) => c !== 'id' && c !== guard);
  const out: number[] = [];
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    let res: any;
    if (sql.dialect === 'postgres') {
      const defs = Object.entries(kinds).map(([c, k]) => `${q(c)} ${PG_TYPE[k]}`).join(', ');
      const set = [...cols.map((c) => `${q(c)} = v.${q(c)}`), ...(extraSet ? [extraSet('t')] : [])].join(', ');
      const g = guard ? ` AND t.${q(guard)} = v.${q(guard)}` : '';
      res = await sql.knex.raw(
        `UPDATE ${q(table)} AS t SET ${set} FROM json_to_recordset(?::json) AS v(${defs}) WHERE t."id" = v."id"${g} RETURNING t."id"`,
        [JSON.stringify(chunk)]);
    } else {
      const pick = Object.entries(kinds).map(([c, k]) => (k === 'json'
        ? `json_extract(value, '$.${c}') AS ${q(c)}` // stored as JSON text
        : `value ->> '$.${c}' AS ${q(c)}`)).join(', ');
      const set = [...cols.map((c) => `${q(c)} = v.${q(c)}`), ...(extraSet ? [extraSet(q(table))] : [])].join(', ');
      const g = guard ? ` AND ${q(table)}.${q(guard)} = v.${q(guard)}` : '';
      const prepared = chunk.map((r) => {
        const o: Row = { ...r };
        for (const [c, k] of Object.entries(kinds)) if (k === 'json' && o[c] !== undefined) o[c] = o[c] === null ? null : JSON.stringify(o[c]);
        return o;
      });
      res = await sql.knex.raw(
        `UPDATE ${q(table)} SET ${set} FROM (SELECT ${pick} FROM json_each(?)) AS v WHERE ${q(table)}."id" = v."id"${g} RETURNING ${q(table)}."id"`,
        [JSON.stringify(prepared)]);
    }
    for (const r of rowsOf(res)) out.push(Number(r.id));
  }
  return out;
}

/** `IN (…)` over many ids, chunked under the bind limits. */
export async function forIdChunks<T>(ids: number[], fn: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 10000) out.push(...(await fn(ids.slice(i, i + 10000))));
  return out;
}
