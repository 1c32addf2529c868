/**
 * Set-based writing for the seeder on both dialects (PLATFORM.md "Strapi 5 tables"):
 * - SQLite: multi-row `INSERT … VALUES` under SQLite's 32,766 bound-variable limit.
 * - PostgreSQL, large batches: `COPY … FROM STDIN` (text format) on the transaction's own
 *   connection — the bulk-load floor. Values are written as `json_populate_recordset` would
 *   read them (objects as JSON text, strings into json columns as JSON strings).
 * - PostgreSQL, small batches: one bound parameter per statement — the rows as JSON, expanded by
 *   `json_populate_recordset(NULL::table, …)` so PostgreSQL applies the column types itself.
 * Ids are taken before inserting (PostgreSQL: `nextval` of the table's own sequence; SQLite: the
 * next ids inside the write transaction), so link and component rows can be built in memory.
 */
import type { Core } from '@strapi/strapi';

// pg-copy-streams ships no types; `from(sql)` is a Writable that `pg`'s Client.query submits.
const { from: copyFrom } = require('pg-copy-streams') as { from: (sql: string) => NodeJS.WritableStream };

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

const SQLITE_MAX_VARS = 32766;
const PG_ROWS_PER_STATEMENT = 5000;
const PG_ID_BLOCK = 200000;
/** Below this many rows a batch goes through one INSERT (a COPY per table costs a round trip each). */
const PG_COPY_MIN_ROWS = 500;
const COPY_CHUNK_ROWS = 1000;

export function dialectOf(strapi: Core.Strapi): Dialect {
  const client = String((strapi.db as any).dialect?.client ?? (strapi.db.config as any).connection?.client ?? '');
  if (client === 'sqlite' || client === 'better-sqlite3' || client === 'sqlite3') return 'sqlite';
  if (client === 'postgres' || client === 'pg' || client === 'postgresql') return 'postgres';
  throw new Error(`seed: unsupported database client “${client}” (SQLite or PostgreSQL)`);
}

/** Schema of PostgreSQL tables (config `connection.schema`), or null for the default. */
export function schemaOf(strapi: Core.Strapi): string | null {
  const conn: any = (strapi.db.config as any).connection?.connection;
  return conn && typeof conn === 'object' && conn.schema ? String(conn.schema) : null;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Node's local time, millisecond precision: what Strapi writes to `timestamp` columns. */
function localTimestamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** One value in COPY text format: NULL as \N; backslash, tab, newline and carriage return escaped. */
function copyValue(v: unknown, jsonColumn: boolean): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (typeof v === 'string') s = jsonColumn ? JSON.stringify(v) : v;
  else if (typeof v === 'number') { if (!Number.isFinite(v)) return '\\N'; s = String(v); }
  else if (typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else if (v instanceof Date) s = v.toISOString(); // as JSON carries it
  else s = JSON.stringify(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export class BulkWriter {
  private readonly ids = new Map<string, { pool: number[]; at: number; next?: number }>();
  rowsWritten = 0;
  /** The statement sent by `insertAllInBackground`, not yet awaited. */
  private pending: Promise<void> | null = null;
  /** json/jsonb columns per table (COPY writes JSON strings for them as JSON). */
  private readonly jsonColumns = new Map<string, Set<string>>();

  /** `idBlock`: ids fetched per sequence call on PostgreSQL (large for the seeder, exact for the change engine). */
  constructor(readonly trx: any, readonly dialect: Dialect, private readonly schema: string | null, private readonly idBlock = PG_ID_BLOCK) {}

  table(name: string): string {
    return this.dialect === 'postgres' && this.schema ? `${q(this.schema)}.${q(name)}` : q(name);
  }

  /** `n` fresh ids of `table` (not necessarily contiguous on PostgreSQL). */
  async takeIds(table: string, n: number): Promise<number[]> {
    let state = this.ids.get(table);
    if (!state) this.ids.set(table, (state = { pool: [], at: 0 }));
    if (this.dialect === 'sqlite') {
      if (state.next === undefined) {
        const rows = await this.trx.raw(`SELECT COALESCE(MAX(id), 0) AS m FROM ${this.table(table)}`);
        const seqRows = await this.trx.raw(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]).catch(() => []);
        state.next = Math.max(Number(rows[0].m), Number(seqRows[0]?.seq ?? 0)) + 1;
      }
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = state.next++;
      return out;
    }
    if (state.pool.length - state.at < n) {
      await this.drain(); // one statement at a time on the connection
      const want = Math.max(this.idBlock, n);
      const res = await this.trx.raw(
        `SELECT array_agg(nextval(pg_get_serial_sequence(?, 'id'))::int) AS ids FROM generate_series(1, ?)`,
        [this.schema ? `${q(this.schema)}.${q(table)}` : q(table), want]);
      state.pool = state.pool.slice(state.at).concat(res.rows[0].ids as number[]);
      state.at = 0;
    }
    state.at += n;
    return state.pool.slice(state.at - n, state.at);
  }

  async takeId(table: string): Promise<number> {
    return (await this.takeIds(table, 1))[0];
  }

  /** Inserts rows (objects keyed by column name; every row has the same keys). */
  async insert(table: string, rows: Row[]): Promise<void> {
    if (!rows.length) return;
    const columns = Object.keys(rows[0]);
    const cols = columns.map(q).join(', ');
    if (this.dialect === 'sqlite') {
      const perStatement = Math.max(1, Math.floor(SQLITE_MAX_VARS / columns.length));
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const bindings: unknown[] = [];
        for (const r of chunk) {
          for (const c of columns) {
            const v = r[c];
            bindings.push(v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
          }
        }
        await this.trx.raw(`INSERT INTO ${this.table(table)} (${cols}) VALUES ${new Array(chunk.length).fill(tuple).join(', ')}`, bindings);
      }
    } else if (this.canCopy(rows.length)) {
      await this.copy(table, rows);
    } else {
      for (let start = 0; start < rows.length; start += PG_ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + PG_ROWS_PER_STATEMENT);
        const json = JSON.stringify(chunk);
        await this.trx.raw(
          `INSERT INTO ${this.table(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${this.table(table)}, ?::json)`,
          [json]);
      }
    }
    this.rowsWritten += rows.length;
  }

  /**
   * PostgreSQL bulk load into empty tables: drops the secondary indexes, unique and foreign-key
   * constraints of `tables` and returns the function that recreates them, exactly as they were
   * (`pg_get_indexdef`, `pg_get_constraintdef`). One CREATE INDEX or one validating ADD
   * CONSTRAINT per index is far cheaper than maintaining each row by row. Primary keys and
   * indexes other tables' foreign keys rely on stay. Inside the caller's transaction.
   */
  async deferIndexes(tables: string[]): Promise<() => Promise<void>> {
    if (this.dialect !== 'postgres') return async () => undefined;
    const rels = tables.map((t) => this.table(t));
    const constraints = (await this.trx.raw(
      `SELECT c.conrelid::regclass::text AS rel, c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c
        WHERE c.conrelid = ANY(?::regclass[]) AND c.contype IN ('u', 'f')
          AND NOT (c.contype = 'u' AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
        ORDER BY c.contype DESC, c.conname`, [rels])).rows as Array<{ rel: string; name: string; type: string; def: string }>;
    const indexes = (await this.trx.raw(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i
        WHERE i.indrelid = ANY(?::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, [rels])).rows as Array<{ name: string; def: string }>;
    for (const c of constraints) await this.trx.raw(`ALTER TABLE ${c.rel} DROP CONSTRAINT ${q(c.name)}`);
    for (const i of indexes) await this.trx.raw(`DROP INDEX ${i.name}`);
    return async () => {
      await this.drain();
      await this.trx.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
      for (const i of indexes) await this.trx.raw(i.def);
      // Unique constraints first: foreign keys are checked against them.
      for (const c of constraints) await this.trx.raw(`ALTER TABLE ${c.rel} ADD CONSTRAINT ${q(c.name)} ${c.def}`);
    };
  }

  /** COPY needs the transaction's own connection: only inside a knex transaction, and for batches worth it. */
  private canCopy(rows: number): boolean {
    return this.dialect === 'postgres' && rows >= PG_COPY_MIN_ROWS && Boolean(this.trx?.isTransaction);
  }

  /** `COPY table (columns) FROM STDIN` of `rows`, on the transaction's connection (the raw `pg` client). */
  private async copy(table: string, rows: Row[]): Promise<void> {
    const columns = Object.keys(rows[0]);
    let json = this.jsonColumns.get(table);
    if (!json) {
      const res = await this.trx.raw(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ? AND data_type IN ('json', 'jsonb')`,
        [this.schema, table]);
      this.jsonColumns.set(table, (json = new Set(res.rows.map((r: any) => String(r.column_name)))));
    }
    const isJson = columns.map((c) => json!.has(c));
    const conn = await this.trx.client.acquireConnection(); // a transaction's client returns its own connection
    const stream: any = conn.query(copyFrom(`COPY ${this.table(table)} (${columns.map(q).join(', ')}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    done.catch(() => undefined); // awaited below
    // Rows go out in chunks as the socket takes them, so PostgreSQL parses one chunk while the
    // next is encoded (and the generator builds the next batch between chunks).
    for (let start = 0; start < rows.length; start += COPY_CHUNK_ROWS) {
      let text = '';
      for (let i = start; i < Math.min(rows.length, start + COPY_CHUNK_ROWS); i++) {
        const r = rows[i];
        text += copyValue(r[columns[0]], isJson[0]);
        for (let j = 1; j < columns.length; j++) text += '\t' + copyValue(r[columns[j]], isJson[j]);
        text += '\n';
      }
      if (!stream.write(text)) await Promise.race([new Promise((resolve) => stream.once('drain', resolve)), done]);
    }
    stream.end();
    await done;
  }

  /**
   * Sends `insertAll(parts)` and returns once it is on its way (after the previous one finished),
   * so the caller can build the next batch meanwhile; `drain()` awaits the last one.
   */
  async insertAllInBackground(parts: Array<[string, Row[]]>): Promise<void> {
    await this.drain();
    const p = this.insertAll(parts);
    p.catch(() => undefined); // the error surfaces in drain()
    this.pending = p;
    await new Promise((resolve) => setImmediate(resolve));
  }

  async drain(): Promise<void> {
    const p = this.pending;
    this.pending = null;
    if (p) await p;
  }

  /**
   * PostgreSQL: several tables in ONE statement (data-modifying CTEs, in the given order), so the
   * caller can generate the next batch while the server works. Foreign keys between the parts
   * hold: PostgreSQL checks them at the end of the statement. SQLite: one insert after another.
   */
  async insertAll(parts: Array<[string, Row[]]>): Promise<void> {
    const live = parts.filter(([, rows]) => rows.length);
    if (!live.length) return;
    if (this.dialect === 'sqlite' || live.length === 1 || this.canCopy(live.reduce((n, [, rows]) => n + rows.length, 0))) {
      // COPY: one table after another, parents first (the caller's order), so foreign keys hold row by row.
      for (const [table, rows] of live) await this.insert(table, rows);
      return;
    }
    const statements = live.map(([table, rows]) => {
      const cols = Object.keys(rows[0]).map(q).join(', ');
      return `INSERT INTO ${this.table(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${this.table(table)}, ?::json)`;
    });
    const last = statements.pop();
    const sql = `WITH ${statements.map((st, i) => `p${i} AS (${st})`).join(', ')} ${last}`;
    await this.trx.raw(sql, live.map(([, rows]) => JSON.stringify(rows)));
    for (const [, rows] of live) this.rowsWritten += rows.length;
  }
}

/**
 * Converts JS Dates for the dialect before rows are stored: PostgreSQL gets Node-local
 * timestamp text (JSON would carry UTC), SQLite gets epoch milliseconds (as knex writes them).
 */
export function timestampValue(dialect: Dialect, d: Date): string | number {
  return dialect === 'postgres' ? localTimestamp(d) : d.getTime();
}

// ------------------------------------------------------------------------- metadata helpers
export function metaOf(strapi: Core.Strapi, uid: string): any {
  const meta: any = strapi.db.metadata.get(uid as any);
  if (!meta) throw new Error(`seed: no metadata for ${uid}`);
  return meta;
}

/** Builds table rows from attribute-keyed data: every scalar column, in one fixed key order. */
export function rowBuilder(strapi: Core.Strapi, uid: string) {
  const meta = metaOf(strapi, uid);
  const pairs: Array<[string, string]> = [];
  for (const [attr, def] of Object.entries<any>(meta.attributes)) {
    if (def.columnName && def.type !== 'relation' && def.type !== 'component' && def.type !== 'media') pairs.push([attr, def.columnName]);
  }
  return {
    table: meta.tableName as string,
    /** `over`: values that win over `data`'s, without merging the two objects first. */
    row(data: Record<string, unknown>, over?: Record<string, unknown>): Row {
      const out: Row = {};
      for (const [attr, column] of pairs) {
        const v = over && attr in over ? over[attr] : data[attr];
        out[column] = v === undefined ? null : v;
      }
      return out;
    },
  };
}

/** A relation's link table: rows (owner id, target id), with order columns when Strapi has them. */
export function linkOf(strapi: Core.Strapi, uid: string, attr: string) {
  const jt = metaOf(strapi, uid).attributes[attr]?.joinTable;
  if (!jt) throw new Error(`seed: ${uid}.${attr} has no join table`);
  const inverseOrder = new Map<number, number>();
  return {
    table: jt.name as string,
    row(from: number, to: number): Row {
      const r: Row = { [jt.joinColumn.name]: from, [jt.inverseJoinColumn.name]: to };
      if (jt.orderColumnName) r[jt.orderColumnName] = 1;
      if (jt.inverseOrderColumnName) {
        const n = (inverseOrder.get(to) ?? 0) + 1;
        inverseOrder.set(to, n);
        r[jt.inverseOrderColumnName] = n;
      }
      return r;
    },
  };
}

