/**
 * What each list index of the students table costs the bulk writes (issue 13: "every index earns
 * its place against the promotion and import cost it adds"), on PostgreSQL, in one run:
 *
 *   npx tsx scripts/bench/index-cost.ts [--students 300000] [--rounds 3]
 *
 * Seeds N demo students (bootOnPostgres), then per round and per variant builds a fresh copy of
 * the first 200,000 student rows with every index the students table really has (read from
 * pg_indexes), except that the list indexes (`…_list_ix`, src/server/db-constraints.ts) follow the
 * variant: none (the floor), all (what the app has), or none but one (that index's own cost).
 * On each copy, inside a rolled-back transaction, it times an import's write — `INSERT … SELECT` of
 * 100,000 further student rows — and the promotion's write — `UPDATE … SET grade = grade + 1` of
 * every row — with the WAL they generate (EXPLAIN ANALYZE … WAL). Variants alternate within a round,
 * so drift in the machine's load hits them alike; medians are reported, each beside the floor.
 */
import { arg, bootOnPostgres, pct } from './lib';

const STUDENTS = arg('students', 300_000);
const ROUNDS = arg('rounds', 3);
const COPY_ROWS = 200_000;
const INSERT_ROWS = 100_000;

async function main() {
  if (STUDENTS < COPY_ROWS + INSERT_ROWS) throw new Error(`--students must be at least ${COPY_ROWS + INSERT_ROWS}`);
  process.env.XUEJI_ROSTERS_ON_START = 'false';
  const { strapi, stop } = await bootOnPostgres(STUDENTS);
  const knex = strapi.db.connection;
  const table = strapi.db.metadata.get('api::student.student' as any).tableName;
  try {
    const defs: Array<{ indexname: string; indexdef: string }> = (await knex.raw(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ? ORDER BY indexname`, [table])).rows;
    const list = defs.filter((d) => d.indexname.endsWith('_list_ix'));
    const base = defs.filter((d) => !d.indexname.endsWith('_list_ix'));
    if (!list.length) throw new Error('no list indexes found (…_list_ix)');
    const variants: Array<{ name: string; extra: typeof list }> = [
      { name: 'no list index (floor)', extra: [] },
      { name: `all ${list.length} list indexes (the app)`, extra: list },
      ...list.map((d) => ({ name: `only ${d.indexname}`, extra: [d] })),
    ];
    const ids: number[] = (await knex.raw(`SELECT id FROM "${table}" ORDER BY id LIMIT 1 OFFSET ?`, [COPY_ROWS - 1])).rows.map((r: any) => r.id);
    const cut = ids[0];
    await knex.raw('DROP TABLE IF EXISTS bench_src');
    await knex.raw(`CREATE UNLOGGED TABLE bench_src AS SELECT * FROM "${table}" WHERE id > ? ORDER BY id LIMIT ?`, [cut, INSERT_ROWS]);
    console.log(`${base.length} other indexes on ${table}; list indexes: ${list.map((d) => d.indexname).join(', ')}`);

    const timed = async (trx: any, sql: string) => {
      const t = performance.now();
      const res: any = await trx.raw(`EXPLAIN (ANALYZE, WAL, FORMAT JSON) ${sql}`);
      const plan = res.rows[0]['QUERY PLAN'][0].Plan;
      return { ms: performance.now() - t, walMB: Number(plan['WAL Bytes'] ?? 0) / 1048576 };
    };
    /** Runs `fn` in a transaction on one connection and rolls it back; returns fn's answer. */
    const rolledBack = async <T>(fn: (trx: any) => Promise<T>): Promise<T> => {
      let out: T | undefined;
      const undo = new Error('rollback');
      await knex.transaction(async (trx: any) => { out = await fn(trx); throw undo; }).catch((e: unknown) => { if (e !== undo) throw e; });
      return out as T;
    };
    const results = new Map<string, { ins: number[]; insWal: number[]; upd: number[]; updWal: number[] }>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const v of variants) {
        await knex.raw('DROP TABLE IF EXISTS bench_t');
        await knex.raw(`CREATE TABLE bench_t AS SELECT * FROM "${table}" WHERE id <= ?`, [cut]);
        for (const [i, d] of [...base, ...v.extra].entries()) {
          const def = d.indexdef.replace(/INDEX \S+ ON (\S+\.)?\S+ /, `INDEX bench_t_${i} ON bench_t `);
          await knex.raw(def);
        }
        await knex.raw('VACUUM ANALYZE bench_t');
        const ins = await rolledBack((trx) => timed(trx, 'INSERT INTO bench_t SELECT * FROM bench_src'));
        const upd = await rolledBack((trx) => timed(trx, 'UPDATE bench_t SET grade = grade + 1'));
        const r = results.get(v.name) ?? { ins: [], insWal: [], upd: [], updWal: [] };
        r.ins.push(ins.ms); r.insWal.push(ins.walMB); r.upd.push(upd.ms); r.updWal.push(upd.walMB);
        results.set(v.name, r);
        console.log(`round ${round} ${v.name}: import ${(ins.ms / 1000).toFixed(2)} s, promotion ${(upd.ms / 1000).toFixed(2)} s`);
      }
    }
    await knex.raw('DROP TABLE IF EXISTS bench_t');
    await knex.raw('DROP TABLE IF EXISTS bench_src');
    const med = (xs: number[]) => pct(xs, 50);
    const floor = results.get(variants[0].name)!;
    console.log(`\n${COPY_ROWS.toLocaleString('en')}-row copies of ${table} with its ${base.length} other indexes; medians of ${ROUNDS} rounds, alternated`);
    console.log(`| list indexes | import of ${INSERT_ROWS.toLocaleString('en')} rows: s, WAL MB | × floor | promotion UPDATE of ${COPY_ROWS.toLocaleString('en')} rows: s, WAL MB | × floor |`);
    console.log('|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.get(v.name)!;
      console.log(`| ${v.name} | ${(med(r.ins) / 1000).toFixed(2)}, ${med(r.insWal).toFixed(0)} | ${(med(r.ins) / med(floor.ins)).toFixed(2)} | ${(med(r.upd) / 1000).toFixed(2)}, ${med(r.updWal).toFixed(0)} | ${(med(r.upd) / med(floor.upd)).toFixed(2)} |`);
    }
    console.log(`\nnpx tsx scripts/bench/index-cost.ts --students ${STUDENTS} --rounds ${ROUNDS}`);
  } finally {
    await stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
