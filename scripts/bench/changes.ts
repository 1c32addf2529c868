/**
 * The change engine under load, on PostgreSQL, in one run:
 *   1. 50 concurrent approvals of ONE request's step: exactly one 200, 49 × 409 CHANGE_CONFLICT,
 *      one approval row stored;
 *   2. p50/p95 of a single approval (POST /xueji/changes/:id/decide) under 50 concurrent clients,
 *      each on a different pending request (辍学, type '28'), goal p95 ≤ 100 ms;
 *   3. a batch of 1,000 registrations (type '11') approved by the county in one call, side by side
 *      with a bare UPDATE of the same 1,000 rows, goal ≤ 2×;
 *   4. a whole grade of 100,000 students graduated (type '21', county approval), side by side with
 *      a bare UPDATE of the same rows, goal ≤ 2×.
 *
 *   npx tsx scripts/bench/changes.ts [--students 150000] [--grade-students 100000]
 *                                    [--pending 1000] [--warmup 100] [--batch 1000] [--connections 50]
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), loads the demo province, boots Strapi once
 * and listens on a local port. Concurrent clients come from autocannon in a child process (this
 * file, forked with --load-child), so the load generator does not share the server's event loop.
 * Data is prepared with raw SQL (table and column names from strapi.db.metadata):
 *   - 2: distinct registered in-school students of schools of county 340104, filed for by one
 *     school account per school (created like tests/api/change-kit.ts `account()`);
 *   - 3: `--batch` grade-1 students gathered into one primary school of 340104 (scope columns and
 *     class/school links moved), set back to draft, given a photo (one uploaded PNG, linked to
 *     each), then submitted in one POST /xueji/registrations/submit;
 *   - 4: `--grade-students` registered in-school students moved into one grade-6 class of another
 *     primary school of 340104 (grade, scope columns, class/school links).
 * Bare UPDATEs run inside transactions that are rolled back, before the engine's run; the tables
 * are vacuumed before each timed statement of step 4 so both see the same heap.
 * Also printed, to read the figures by: the same approval with one client at a time (service
 * time), the SQL statements behind one approval, the batch and the graduation (count, time, the
 * costliest), and the id sequences of the engine's tables against their row counts.
 */
import path from 'path';
import { fork } from 'child_process';
import { arg, pct, root, bootOnPostgres } from './lib';

const STUDENTS = arg('students', 150_000);
const GRADE_STUDENTS = arg('grade-students', 100_000);
const PENDING = arg('pending', 1000);
const BATCH = arg('batch', 1000);
const CONNECTIONS = arg('connections', 50);
const WARMUP = arg('warmup', 100);
const COUNTY = '340104';
const PASSWORD = 'Bench#2026xj';
const DEMO_PASSWORD = 'Xueji@2026';

const STUDENT = 'api::student.student';
const SCHOOL = 'api::school.school';
const CLASS = 'api::school-class.school-class';
const CR = 'api::change-request.change-request';
const APPROVAL = 'api::approval.approval';
const FILE = 'plugin::upload.file';

type Row = Record<string, any>;

interface LoadJob { url: string; token: string; paths: string[]; amount: number; connections: number; body: string }
interface LoadResult { latencies: number[]; statuses: Record<string, number>; codes: Record<string, number>; built: number; seconds: number; errors: number; timeouts: number; err?: string }

// ------------------------------------------------------------------ load generator (child process)
function loadChild() {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const autocannon = require('autocannon');
  process.once('message', (job: LoadJob) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const codes: Record<string, number> = {};
    let built = 0;
    const t0 = process.hrtime.bigint();
    const inst = autocannon({
      url: job.url, connections: job.connections, amount: job.amount, timeout: 300,
      method: 'POST', headers: { authorization: `Bearer ${job.token}`, 'content-type': 'application/json' }, body: job.body,
      requests: [{
        method: 'POST',
        // A distinct request per call, in order (autocannon builds one request more per connection than it sends).
        setupRequest: (req: Row) => ({ ...req, path: job.paths[built++ % job.paths.length] }),
        onResponse: (status: number, body: string) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          let code = 'ok';
          if (status >= 300) {
            try { code = JSON.parse(body)?.error?.details?.code ?? String(status); } catch { code = String(status); }
          }
          codes[code] = (codes[code] ?? 0) + 1;
        },
      }],
    }, (err: Error | null, result: Row) => {
      const out: LoadResult = {
        latencies, statuses, codes, built, seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        errors: result?.errors ?? 0, timeouts: result?.timeouts ?? 0, err: err?.message,
      };
      process.send!(out, () => process.exit(0));
    });
    inst.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
  process.send!('ready');
}

/** Runs one autocannon job in a forked copy of this script (same tsx loader). */
function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-child'], { stdio: 'inherit' });
    let done = false;
    child.on('message', (m: any) => {
      if (m === 'ready') child.send(job);
      else { done = true; resolve(m as LoadResult); }
    });
    child.once('error', reject);
    child.once('exit', (code) => { if (!done) reject(new Error(`load generator exited with ${code}`)); });
  });
}

// ------------------------------------------------------------------ the benchmark
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const f1 = (x: number) => x.toFixed(1);

async function main() {
  const wall = Date.now();
  const { strapi, http, stop } = await bootOnPostgres(STUDENTS);
  try {
    await run(strapi, http);
  } finally {
    await stop();
    console.log(`\nwall time: ${((Date.now() - wall) / 1000).toFixed(0)} s`);
  }
}

async function run(strapi: any, http: any) {
  const q = (uid: string) => strapi.db.query(uid);
  const knex = strapi.db.connection;
  const rows = (res: any): Row[] => (Array.isArray(res) ? res : res?.rows ?? []);
  const raw = async (sql: string, b: unknown[] = [], on: any = knex) => rows(await on.raw(sql, b));
  const meta = (uid: string): any => strapi.db.metadata.get(uid);
  const qi = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const T = (uid: string) => qi(meta(uid).tableName);
  const C = (uid: string, attr: string) => qi(meta(uid).attributes[attr]?.columnName ?? attr);
  const link = (uid: string, attr: string) => {
    const jt = meta(uid).attributes[attr].joinTable;
    return { table: qi(jt.name), from: qi(jt.joinColumn.name), to: qi(jt.inverseJoinColumn.name) };
  };
  const S = (attr: string) => C(STUDENT, attr);
  const ST = T(STUDENT);
  const classLink = link(STUDENT, 'schoolClass');
  const schoolLink = link(STUDENT, 'school');
  const OPEN = `NOT EXISTS (SELECT 1 FROM ${T(CR)} r WHERE r.${C(CR, 'openKey')} = s.${S('documentId')})`;
  const FREE = `s.${S('registrationStatus')} = 'registered' AND s.${S('enrollmentStatus')} = '01' AND ${OPEN}`;
  const { scopeColumnsOfSchool } = require(path.join(root, 'dist/src/domain/scope'));
  const { STAFF_ROLES } = require(path.join(root, 'dist/src/server/staff-roles'));
  const { makePng } = require(path.join(root, 'tests/api/png'));

  const server = strapi.server.httpServer;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  // ---------------------------------------------------------------- accounts
  const tokens = new Map<string, string>();
  const login = async (email: string, password: string) => {
    if (!tokens.has(email)) {
      const res = await http.post('/admin/login').send({ email, password });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(email, res.body.data.token);
    }
    return tokens.get(email)!;
  };
  const demoUser = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const demoScope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: demoUser.id } });
  const schoolRole = await q('admin::role').findOne({ where: { code: STAFF_ROLES.find((r: Row) => r.level === 'school').code } });
  /** The token of a school account of `code` (the demo account for its school, else one created here). */
  const schoolToken = async (code: string) => {
    if (code === demoScope.code) return login('school@xueji.demo', DEMO_PASSWORD);
    const email = `bench-${code}@xueji.demo`;
    if (!(await q('admin::user').findOne({ where: { email } }))) {
      const user = await strapi.service('admin::user').create({ firstname: `bench-${code}`, lastname: '', email, password: PASSWORD, isActive: true, registrationToken: null, roles: [schoolRole.id] });
      await q('api::staff-scope.staff-scope').create({ data: { adminUserId: user.id, level: 'school', code, label: `school·${code}`, publishedAt: new Date() } });
    }
    return login(email, PASSWORD);
  };
  const county = await login('county@xueji.demo', DEMO_PASSWORD);
  const post = (token: string, p: string, body: unknown) => http.post(p).set('Authorization', `Bearer ${token}`).send(body as any);
  const expectStatus = (res: any, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 2000)}`);
    return res.body;
  };

  /** Statements sent through Strapi's knex while `fn` runs: count, time, the costliest kinds. */
  const profiled = async <X>(label: string, fn: () => Promise<X>): Promise<X> => {
    const started = new Map<string, bigint>();
    const kinds = new Map<string, { n: number; ms: number }>();
    let count = 0; let sqlMs = 0;
    const onQuery = (d: any) => started.set(d.__knexQueryUid, process.hrtime.bigint());
    const onDone = (_r: unknown, d: any) => {
      const t0 = started.get(d?.__knexQueryUid);
      if (t0 === undefined) return;
      started.delete(d.__knexQueryUid);
      const m = ms(t0); count += 1; sqlMs += m;
      const k = String(d.sql).replace(/\s+/g, ' ').slice(0, 100);
      const e = kinds.get(k) ?? { n: 0, ms: 0 }; e.n += 1; e.ms += m; kinds.set(k, e);
    };
    const onError = (_e: unknown, d: any) => onDone(null, d);
    knex.on('query', onQuery); knex.on('query-response', onDone); knex.on('query-error', onError);
    const t = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      const wallMs = ms(t);
      knex.removeListener('query', onQuery); knex.removeListener('query-response', onDone); knex.removeListener('query-error', onError);
      console.log(`   SQL during ${label}: ${count} statements, ${f1(sqlMs)} ms summed statement time (statements may overlap), ${f1(wallMs)} ms wall; costliest:`);
      for (const [k, e] of [...kinds].sort((a, b) => b[1].ms - a[1].ms).slice(0, 4)) console.log(`     ${f1(e.ms).padStart(8)} ms ${String(e.n).padStart(4)}× ${k}`);
      profiles.set(label, { count, sqlMs, wallMs });
    }
  };
  const profiles = new Map<string, { count: number; sqlMs: number; wallMs: number }>();

  // ---------------------------------------------------------------- schools of the county
  const schools: Row[] = await q(SCHOOL).findMany({ where: { countyCode: COUNTY }, orderBy: { code: 'asc' } });
  const A = schools.find((s) => s.code === demoScope.code)!;
  const openAt = async (code: string, grade?: number) => Number((await raw(
    `SELECT count(*) AS n FROM ${T(CR)} WHERE ${C(CR, 'openKey')} IS NOT NULL AND ${C(CR, 'schoolCode')} = ?${grade ? ` AND ${C(CR, 'grade')} = ?` : ''}`,
    grade ? [code, grade] : [code]))[0].n);
  const primaries = schools.filter((s) => s.code !== A.code && s.category === '21' && s.schoolType === '211' && s.schoolingSystem === '6-3-3');
  let S4: Row | undefined; // graduation
  for (const s of primaries) if (!S4 && (await openAt(s.code)) === 0) S4 = s;
  const S3 = primaries.find((s) => s !== S4); // registration batch
  if (!S4 || !S3) throw new Error(`county ${COUNTY}: needs two primary schools besides the demo school`);
  const grade6 = await q(CLASS).findOne({ where: { schoolCode: S4.code, grade: 6 }, orderBy: { number: 'asc' } });
  const grade1 = await q(CLASS).findOne({ where: { schoolCode: S3.code, grade: 1 }, orderBy: { number: 'asc' } });
  if (!grade6 || !grade1) throw new Error('no grade-6 class at the graduation school or no grade-1 class at the registration school');
  console.log(`county ${COUNTY}: ${schools.length} schools; step 1 at ${A.name}, step 3 at ${S3.name} (${S3.code}), step 4 at ${S4.name} (${S4.code})`);

  const figures: Array<{ n: string; figure: string; measured: string; goal: string; ratio: string; met: string }> = [];
  const add = (n: string, figure: string, measured: string, goal: string, ratio = '', met = '') => figures.push({ n, figure, measured, goal, ratio, met });
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

  // ================================================================ 1. 50 decisions on one step
  {
    const [st] = await raw(`SELECT s.${S('documentId')} AS doc FROM ${ST} s WHERE s.${S('schoolCode')} = ? AND s.${S('grade')} BETWEEN 1 AND 5 AND ${FREE} ORDER BY s.id LIMIT 1`, [A.code]);
    const schoolA = await schoolToken(A.code);
    const req = expectStatus(await post(schoolA, '/xueji/changes', { type: '29', student: st.doc, reason: '随家长出国' }), 201, 'file 29').data;
    const r = await load({ url, token: county, paths: [`/xueji/changes/${req.documentId}/decide`], amount: CONNECTIONS, connections: CONNECTIONS, body: JSON.stringify({ decision: 'approve', comment: '同意' }) });
    if (r.err) throw new Error(r.err);
    const row = await q(CR).findOne({ where: { documentId: req.documentId } });
    const stored = await q(APPROVAL).count({ where: { changeRequest: { id: row.id } } });
    const ok = r.statuses['200'] ?? 0;
    const conflicts = r.codes.CHANGE_CONFLICT ?? 0;
    console.log(`\n1. ${CONNECTIONS} concurrent approvals of request ${req.documentId}: statuses ${JSON.stringify(r.statuses)}, codes ${JSON.stringify(r.codes)}, state ${row.state}, approval rows ${stored}, max latency ${f1(Math.max(...r.latencies))} ms`);
    add('1', `${CONNECTIONS} concurrent approvals of one step — 200 responses`, String(ok), '= 1', '', yes(ok === 1));
    add('1', '… 409 CHANGE_CONFLICT responses', String(conflicts), `= ${CONNECTIONS - 1}`, '', yes(conflicts === CONNECTIONS - 1));
    add('1', '… approval rows stored for the request', String(stored), '= 1', '', yes(stored === 1));
  }

  // ================================================================ 2. single approvals under 50 clients
  {
    const SERIAL = 50;
    const need = WARMUP + CONNECTIONS + PENDING + CONNECTIONS + SERIAL + 2;
    const free = await raw(
      `SELECT s.${S('documentId')} AS doc, s.${S('schoolCode')} AS school FROM ${ST} s WHERE s.${S('countyCode')} = ? AND s.${S('schoolCode')} NOT IN (?, ?) ` +
      `AND s.${S('grade')} NOT IN (6, 9, 12) AND ${FREE} ORDER BY s.id`, [COUNTY, S3.code, S4.code]);
    const bySchool = new Map<string, string[]>();
    for (const x of free) { if (!bySchool.has(x.school)) bySchool.set(x.school, []); bySchool.get(x.school)!.push(x.doc); }
    // Schools with the most free students, at least 8 of them (or all), filled round-robin.
    const ranked = [...bySchool.entries()].sort((a, b) => b[1].length - a[1].length);
    let k = 0; let sum = 0;
    while (k < ranked.length && (k < 8 || sum < need)) sum += ranked[k++][1].length;
    if (sum < need) throw new Error(`only ${sum} free students in county ${COUNTY} for ${need} requests: raise --students`);
    const picks: Array<{ school: string; doc: string }> = [];
    for (let i = 0; picks.length < need; i++) {
      for (const [school, docs] of ranked.slice(0, k)) if (picks.length < need && docs[i]) picks.push({ school, doc: docs[i] });
    }
    const usedSchools = [...new Set(picks.map((p) => p.school))];
    for (const code of usedSchools) await schoolToken(code);
    // File them, 4 at a time (each school with its own account).
    const ids: string[] = new Array(picks.length);
    const fileTimes: number[] = [];
    let next = 0;
    const tFile = Date.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < picks.length) {
        const i = next++;
        const t = process.hrtime.bigint();
        const res = await post(await schoolToken(picks[i].school), '/xueji/changes', { type: '28', student: picks[i].doc, reason: '长期未到校，家访核实已辍学' });
        fileTimes.push(ms(t));
        ids[i] = expectStatus(res, 201, 'file 28').data.documentId;
        if (fileTimes.length % 250 === 0) console.log(`   … ${fileTimes.length} of ${picks.length} filed (${((Date.now() - tFile) / 1000).toFixed(0)} s)`);
      }
    }));
    console.log(`\n2. filed ${ids.length} 辍学 requests for ${usedSchools.length} schools of ${COUNTY} in ${((Date.now() - tFile) / 1000).toFixed(1)} s (4 at a time; per filing p50 ${f1(pct(fileTimes, 50))} ms, p95 ${f1(pct(fileTimes, 95))} ms)`);
    const body = JSON.stringify({ decision: 'approve', comment: '同意' });
    const decidePath = (id: string) => `/xueji/changes/${id}/decide`;
    const warm = await load({ url, token: county, paths: ids.slice(0, WARMUP + CONNECTIONS).map(decidePath), amount: WARMUP, connections: CONNECTIONS, body });
    if (warm.err) throw new Error(warm.err);
    const measured = ids.slice(WARMUP + CONNECTIONS, WARMUP + CONNECTIONS + PENDING + CONNECTIONS);
    const serial = ids.slice(WARMUP + CONNECTIONS + PENDING + CONNECTIONS);
    const r = await load({ url, token: county, paths: measured.map(decidePath), amount: PENDING, connections: CONNECTIONS, body });
    if (r.err) throw new Error(r.err);
    const approved = await q(CR).count({ where: { documentId: { $in: measured }, state: 'approved' } });
    const p50 = pct(r.latencies, 50); const p95 = pct(r.latencies, 95); const p99 = pct(r.latencies, 99);
    console.log(`   warm-up ${WARMUP} approvals: statuses ${JSON.stringify(warm.statuses)}, p95 ${f1(pct(warm.latencies, 95))} ms`);
    console.log(`   measured ${PENDING} approvals, ${CONNECTIONS} clients: statuses ${JSON.stringify(r.statuses)}, codes ${JSON.stringify(r.codes)}, errors ${r.errors}, timeouts ${r.timeouts}`);
    console.log(`   latency ms: p50 ${f1(p50)}  p95 ${f1(p95)}  p99 ${f1(p99)}  max ${f1(Math.max(...r.latencies))};  ${(PENDING / r.seconds).toFixed(1)} approvals/s; requests approved in the database ${approved}`);
    // The same approval with one client at a time: the service time the concurrent figure queues on.
    const one = await load({ url, token: county, paths: serial.slice(0, SERIAL + 1).map(decidePath), amount: SERIAL, connections: 1, body });
    if (one.err) throw new Error(one.err);
    console.log(`   one client, ${SERIAL} approvals in a row: statuses ${JSON.stringify(one.statuses)}, p50 ${f1(pct(one.latencies, 50))} ms, p95 ${f1(pct(one.latencies, 95))} ms`);
    const last = serial[SERIAL + 1];
    await profiled('one approval (one client)', async () => expectStatus(await post(county, decidePath(last), { decision: 'approve', comment: '同意' }), 200, 'decide'));
    add('2', `single approval, ${CONNECTIONS} concurrent clients, each on another request — p50`, `${f1(p50)} ms`, '');
    add('2', '… p95', `${f1(p95)} ms`, '≤ 100 ms', `${(p95 / 100).toFixed(2)}× goal`, yes(p95 <= 100));
    add('2', `… throughput under ${CONNECTIONS} clients`, `${(PENDING / r.seconds).toFixed(1)} approvals/s`, `≥ ${(CONNECTIONS / 0.1).toFixed(0)}/s for p95 ≤ 100 ms at ${CONNECTIONS} clients`);
    add('2', `(info) single approval, one client at a time — p50 / p95`, `${f1(pct(one.latencies, 50))} / ${f1(pct(one.latencies, 95))} ms`, '');
    add('2', '(info) SQL statements in one approval', String(profiles.get('one approval (one client)')!.count), '');
    add('2', '… 200 responses / approved in the database', `${r.statuses['200'] ?? 0} / ${approved}`, `= ${PENDING}`, '', yes((r.statuses['200'] ?? 0) === PENDING && approved === PENDING));
  }

  // ================================================================ 3. batch of registrations
  {
    const picked = await raw(
      `SELECT s.id, s.${S('documentId')} AS doc FROM ${ST} s WHERE s.${S('grade')} = 1 AND s.${S('idIsGuardians')} = false AND s.${S('idType')} = '1' AND ${FREE} ` +
      `ORDER BY (s.${S('schoolCode')} = ?) DESC, (s.${S('countyCode')} = ?) DESC, s.id LIMIT ?`, [S3.code, COUNTY, BATCH]);
    if (picked.length < BATCH) throw new Error(`only ${picked.length} free grade-1 students for a batch of ${BATCH}: raise --students`);
    const ids = picked.map((p) => Number(p.id));
    const scope = scopeColumnsOfSchool(S3);
    const schoolS3 = await schoolToken(S3.code);
    // One photo, uploaded by the school, linked to each student that has none.
    const up = expectStatus(await http.post('/upload').set('Authorization', `Bearer ${schoolS3}`)
      .attach('files', makePng(6, 6, [40, 90, 160]), { filename: 'photo.png', contentType: 'image/png' }), 201, 'upload');
    const fileId = up[0].id;
    const jt = meta(FILE).attributes.related.joinTable;
    const mph = { table: qi(jt.name), file: qi(jt.joinColumn.name), id: qi(jt.morphColumn.idColumn.name), type: qi(jt.morphColumn.typeColumn.name) };
    await knex.transaction(async (trx: any) => {
      await raw(`UPDATE ${ST} SET ${S('registrationStatus')} = 'draft', ${S('regionalNumber')} = NULL, ${S('provinceCode')} = ?, ${S('cityCode')} = ?, ${S('countyCode')} = ?, ${S('schoolCode')} = ? WHERE id = ANY(?::int[])`,
        [scope.provinceCode, scope.cityCode, scope.countyCode, scope.schoolCode, ids], trx);
      await raw(`UPDATE ${classLink.table} SET ${classLink.to} = ? WHERE ${classLink.from} = ANY(?::int[])`, [grade1.id, ids], trx);
      await raw(`UPDATE ${schoolLink.table} SET ${schoolLink.to} = ? WHERE ${schoolLink.from} = ANY(?::int[])`, [S3.id, ids], trx);
      await raw(`INSERT INTO ${mph.table} (${mph.file}, ${mph.id}, ${mph.type}, "field", "order") SELECT ?, x, ?, 'photo', 1 FROM unnest(?::int[]) AS x ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${mph.table} m WHERE m.${mph.id} = x AND m.${mph.type} = ? AND m."field" = 'photo')`, [fileId, STUDENT, ids, STUDENT], trx);
    });
    let t = process.hrtime.bigint();
    const sub = await profiled(`the submission of ${BATCH} drafts`, async () => expectStatus(await post(schoolS3, '/xueji/registrations/submit', { students: picked.map((p) => p.doc), pledge: { principal: '王校长' } }), 201, 'registrations/submit'));
    const submitMs = ms(t);
    const reqIds: string[] = sub.data.map((r: Row) => r.documentId);
    const types = [...new Set(sub.data.map((r: Row) => r.type))].join(', ');
    console.log(`\n3. ${BATCH} grade-1 students gathered into ${grade1.name} of ${S3.name}, set to draft; submitted in one call in ${f1(submitMs)} ms (types ${types}, ${sub.meta.count} requests)`);
    // Bare: the same rows registered with a number each, three times, each rolled back.
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) {
      const trx = await knex.transaction();
      try {
        t = process.hrtime.bigint();
        const res = await trx.raw(`UPDATE ${ST} SET ${S('registrationStatus')} = 'registered', ${S('regionalNumber')} = ${S('countyCode')} || '2099' || lpad(id::text, 6, '0') WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
        bare.push(ms(t));
        if (res.rowCount !== BATCH) throw new Error(`bare registration update touched ${res.rowCount} rows`);
      } finally { await trx.rollback(); }
    }
    const bareMs = pct(bare, 50);
    t = process.hrtime.bigint();
    const out = await profiled(`the batch approval of ${BATCH}`, async () => expectStatus(await post(county, '/xueji/changes/decide', { ids: reqIds, decision: 'approve', comment: '同意注册' }), 200, 'batch decide'));
    const engineMs = ms(t);
    const [chk] = await raw(`SELECT count(*) FILTER (WHERE ${S('registrationStatus')} = 'registered' AND ${S('regionalNumber')} IS NOT NULL) AS n, count(DISTINCT ${S('regionalNumber')}) AS d FROM ${ST} WHERE id = ANY(?::int[])`, [ids]);
    const approvedN = out.data.filter((r: Row) => r.state === 'approved').length;
    console.log(`   bare UPDATE of the same ${BATCH} rows (rolled back): ${bare.map(f1).join(' / ')} ms, median ${f1(bareMs)} ms`);
    console.log(`   county approves the ${BATCH} in one call: ${f1(engineMs)} ms (${approvedN} approved; ${chk.n} registered with 地区学号, ${chk.d} distinct) — ${(engineMs / bareMs).toFixed(1)}× bare`);
    add('3', `approve a batch of ${BATCH} registrations (POST /xueji/changes/decide)`, `${f1(engineMs)} ms`, `≤ 2× bare (${f1(2 * bareMs)} ms)`, `${(engineMs / bareMs).toFixed(1)}×`, yes(engineMs <= 2 * bareMs));
    add('3', `… bare UPDATE of the same ${BATCH} rows (median of 3, rolled back)`, `${f1(bareMs)} ms`, '');
    add('3', '… registered with distinct 地区学号 (check)', `${chk.n} / ${chk.d}`, `= ${BATCH}`, '', yes(Number(chk.n) === BATCH && Number(chk.d) === BATCH));
    add('3', `(info) submit ${BATCH} drafts (POST /xueji/registrations/submit)`, `${f1(submitMs)} ms`, '');
  }

  // ================================================================ 4. graduation of a grade
  {
    const inGrade = async () => Number((await raw(`SELECT count(*) AS n FROM ${ST} s WHERE s.${S('schoolCode')} = ? AND s.${S('grade')} = 6 AND s.${S('enrollmentStatus')} = '01' AND s.${S('registrationStatus')} = 'registered'`, [S4.code]))[0].n);
    const existing = await inGrade();
    const need = GRADE_STUDENTS - existing;
    if (need < 0) throw new Error(`${S4.name} grade 6 already holds ${existing} > --grade-students`);
    const scope = scopeColumnsOfSchool(S4);
    let t = process.hrtime.bigint();
    await knex.transaction(async (trx: any) => {
      await raw(`CREATE TEMP TABLE bench_grade ON COMMIT DROP AS SELECT s.id FROM ${ST} s WHERE ${FREE} AND s.${S('schoolCode')} NOT IN (?, ?) ORDER BY s.id LIMIT ?`, [S3.code, S4.code, need], trx);
      const [{ n }] = await raw('SELECT count(*) AS n FROM bench_grade', [], trx);
      if (Number(n) < need) throw new Error(`only ${n} free students to move for a grade of ${GRADE_STUDENTS}: raise --students`);
      await raw(`UPDATE ${ST} SET ${S('grade')} = 6, ${S('provinceCode')} = ?, ${S('cityCode')} = ?, ${S('countyCode')} = ?, ${S('schoolCode')} = ? WHERE id IN (SELECT id FROM bench_grade)`,
        [scope.provinceCode, scope.cityCode, scope.countyCode, scope.schoolCode], trx);
      await raw(`UPDATE ${classLink.table} SET ${classLink.to} = ? WHERE ${classLink.from} IN (SELECT id FROM bench_grade)`, [grade6.id], trx);
      await raw(`UPDATE ${schoolLink.table} SET ${schoolLink.to} = ? WHERE ${schoolLink.from} IN (SELECT id FROM bench_grade)`, [S4.id], trx);
    });
    const vacuum = async () => {
      await knex.raw(`VACUUM ANALYZE ${ST}`);
      await knex.raw(`VACUUM ANALYZE ${classLink.table}`);
      await knex.raw(`VACUUM ANALYZE ${schoolLink.table}`);
    };
    await vacuum();
    const total = await inGrade();
    console.log(`\n4. grade 6 of ${S4.name}: ${existing} + ${need} moved into ${grade6.name} = ${total} in-school students (prepared in ${f1(ms(t) / 1000)} s)`);
    // Bare: the same rows, rolled back; then the heap is vacuumed again for the engine's run.
    const trx = await knex.transaction();
    let bareMs: number;
    try {
      t = process.hrtime.bigint();
      const res = await trx.raw(`UPDATE ${ST} SET ${S('enrollmentStatus')} = '06' WHERE ${S('schoolCode')} = ? AND ${S('grade')} = ? AND ${S('enrollmentStatus')} = '01'`, [S4.code, 6]);
      bareMs = ms(t);
      if (res.rowCount !== total) throw new Error(`bare graduation update touched ${res.rowCount} rows, expected ${total}`);
    } finally { await trx.rollback(); }
    await vacuum();
    const schoolS4 = await schoolToken(S4.code);
    t = process.hrtime.bigint();
    const req = expectStatus(await post(schoolS4, '/xueji/changes', { type: '21', reason: '2027 届毕业', payload: { grade: 6 } }), 201, 'file 21').data;
    const fileMs = ms(t);
    const step = req.steps.map((s: Row) => `${s.level} ${s.code}`).join(' → ');
    t = process.hrtime.bigint();
    const done = (await profiled(`the graduation approval of ${total}`, async () => expectStatus(await post(county, `/xueji/changes/${req.documentId}/decide`, { decision: 'approve', comment: '同意毕业' }), 200, 'approve 21'))).data;
    const engineMs = ms(t);
    const graduated = Number((await raw(`SELECT count(*) AS n FROM ${ST} WHERE ${S('schoolCode')} = ? AND ${S('grade')} = 6 AND ${S('enrollmentStatus')} = '06'`, [S4.code]))[0].n);
    const row = await q(CR).findOne({ where: { documentId: req.documentId }, select: ['effect'] });
    console.log(`   bare UPDATE of the same ${total} rows (rolled back): ${f1(bareMs)} ms`);
    console.log(`   filed 毕业 (${step}) in ${f1(fileMs)} ms; county approves in ${f1(engineMs)} ms, state ${done.state}: ${graduated} graduated, ${row?.effect?.students?.length} ids in the stored effect — ${(engineMs / bareMs).toFixed(1)}× bare`);
    add('4', `graduate a grade of ${total.toLocaleString('en')} (county's approve call)`, `${f1(engineMs)} ms`, `≤ 2× bare (${f1(2 * bareMs)} ms)`, `${(engineMs / bareMs).toFixed(1)}×`, yes(engineMs <= 2 * bareMs));
    add('4', `… bare UPDATE of the same ${total.toLocaleString('en')} rows (rolled back)`, `${f1(bareMs)} ms`, '');
    add('4', '… graduated in the database (check)', String(graduated), `= ${total}`, '', yes(graduated === total));
    add('4', '(info) file the graduation (POST /xueji/changes, type 21)', `${f1(fileMs)} ms`, '');
  }

  // ================================================================ diagnostics: ids taken per transaction
  {
    const seq = async (uid: string) => {
      const [{ name }] = await raw(`SELECT pg_get_serial_sequence(?, 'id') AS name`, [meta(uid).tableName]);
      const [{ last }] = await raw(`SELECT last_value AS last FROM ${name}`);
      const [{ n }] = await raw(`SELECT count(*) AS n FROM ${T(uid)}`);
      return { last: Number(last), n: Number(n) };
    };
    console.log('\nid sequences after the run (rows stored vs last id taken):');
    for (const uid of [CR, APPROVAL, 'api::notification.notification', 'api::audit-log.audit-log']) {
      const s = await seq(uid);
      console.log(`  ${meta(uid).tableName.padEnd(22)} ${String(s.n).padStart(9)} rows   last id ${s.last.toLocaleString('en').padStart(15)}   ${(s.last / Math.max(1, s.n)).toFixed(0)} ids per row (int4 limit 2,147,483,647)`);
    }
    // The statement BulkWriter.takeIds sends (src/seed/bulk.ts), on a scratch table, and the same block from a named sequence.
    const trx = await knex.transaction();
    try {
      await trx.raw('CREATE TEMP TABLE bench_ids (id serial) ON COMMIT DROP');
      let t = process.hrtime.bigint();
      await trx.raw(`SELECT array_agg(nextval(pg_get_serial_sequence(?, 'id'))::int) AS ids FROM generate_series(1, ?)`, ['bench_ids', 200000]);
      const takeMs = ms(t);
      const [{ name }] = await raw(`SELECT pg_get_serial_sequence('bench_ids', 'id') AS name`, [], trx);
      t = process.hrtime.bigint();
      await trx.raw(`SELECT array_agg(nextval(?::regclass)::int) AS ids FROM generate_series(1, ?)`, [name, 200000]);
      console.log(`  one id block as BulkWriter.takeIds takes it (200,000 × nextval(pg_get_serial_sequence(…))): ${f1(takeMs)} ms; with the sequence named once: ${f1(ms(t))} ms`);
    } finally { await trx.rollback(); }
  }

  // ================================================================ summary
  const cmd = `npx tsx scripts/bench/changes.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`\nChange engine on PostgreSQL (${STUDENTS.toLocaleString('en')} students seeded)\n`);
  console.log('| # | figure | measured | goal / floor | ratio | met |');
  console.log('|---|---|---|---|---|---|');
  for (const x of figures) console.log(`| ${x.n} | ${x.figure} | ${x.measured} | ${x.goal} | ${x.ratio} | ${x.met} |`);
  console.log(`\ncommand: \`${cmd}\``);
}

if (process.argv.includes('--load-child')) loadChild();
else main().catch((e) => { console.error(e); process.exit(1); });
