/**
 * The new-student Excel import under load, on PostgreSQL, in one run on the same files:
 *   1. a bare ExcelJS streaming parse (WorkbookReader, every cell touched) of each file, in a
 *      fresh process after a warm-up parse;
 *   2. the import of the same file through POST /xueji/imports (upload, the parse worker, every
 *      row checked with the panel's rules, one set-based transaction), from the upload to the
 *      job's finishedAt, with the peak RSS of the server, of its parse worker and of both at once
 *      sampled every 20 ms;
 *   3. per-row Document Service creates (`strapi.documents(...).create`, the admin panel's path)
 *      of a 1,000-row sample, extrapolated to 10,000.
 * Goals (issue 11): 10,000 rows within 2× the bare parse, at least 50× faster than per-row
 * creates; 100,000 rows under 500 MB RSS.
 *
 *   npx tsx scripts/bench/import.ts [--small 10000] [--repeat 1] [--large 100000] [--sample 1000] [--students 1500] [--heap MB] [--profile 1]
 *
 * `--repeat k`: k files of `--small` rows, each parsed then imported in turn (the two side by side
 * under the same load), medians reported — the machine is shared and timings swing. `--heap 300`
 * runs each import in a server with a 300 MB V8 heap.
 *
 * Each phase runs in a fresh process (files; each bare parse; each import in its own Strapi; the
 * per-row sample), on one throwaway PostgreSQL. Class caps are lifted for the run
 * (XUEJI_CAP_PRIMARY) so one grade-1 class can take every row.
 */
import fs from 'fs';
import path from 'path';
import ExcelJS from 'exceljs';
import { spawn, spawnSync } from 'child_process';
import request from 'supertest';
import { arg, root } from './lib';
import { makeIdNumber } from '../../src/domain/id-card';
import { NATIONAL_COLUMNS } from '../../src/domain/excel-columns';
import '../../src/server/excel/read-rows'; // its UTF-8 fix of ExcelJS's reader applies to the bare parse too
import { Session } from 'inspector';

/** `--profile 1`: a CPU profile of the first import (.tmp/bench-import/import-<n>.cpuprofile, Chrome DevTools). */
const PROFILE = arg('profile', 0) > 0;
async function profiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<any>((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try { return await fn(); } finally {
    const { profile } = await post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

const SMALL = arg('small', 10_000);
const LARGE = arg('large', 100_000);
const SAMPLE = arg('sample', 1000);
const STUDENTS = arg('students', 1500);
const STUDENT = 'api::student.student';
const CLASS = 'api::school-class.school-class';

const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
const DAY = 86400000;
let serial = 0;
/** Unique, valid ID numbers of children the right age for grade 1 (region 340111: no demo student). */
function nextChild(): { id: string; birth: string; gender: string } {
  const n = serial++;
  const day = n % 360;
  const seq = 1 + Math.floor(n / 360);
  const d = new Date(Date.UTC(year - 7, 8, 2) + day * DAY);
  const birth = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  return { id: makeIdNumber('340111', birth, seq), birth, gender: seq % 2 ? '1' : '2' };
}

function rowValues(cls: { name: string }): string[] {
  const c = nextChild();
  const v: Record<string, string> = {
    姓名: '测试学生', 性别: c.gender, 出生日期: c.birth, 出生地: '340104000000', 籍贯: '340104000000', 民族: '01', '国籍/地区': '156',
    身份证件类型: '1', 身份证件号: c.id, 港澳台侨外: '00', 健康状况: '1', 户口所在地: '340104000000', 户口性质: '2',
    年级: '1', 班级: cls.name, 入学年月: `${year}09`, 入学方式: '11', 就读方式: '1', 现住址: '合肥市蜀山区长江西路1号',
    通信地址: '合肥市蜀山区长江西路1号', 家庭地址: '合肥市蜀山区长江西路1号', 联系电话: '13800000000', 邮政编码: '230031',
    是否独生子女: '1', 是否受过学前教育: '1', '上下学距离(公里)': '2.5',
    家庭成员1姓名: '测试父亲', 家庭成员1关系: '1', 家庭成员1是否监护人: '1', 家庭成员1身份证件类型: '1', 家庭成员1身份证件号: makeIdNumber('340104', '19880101', 131),
    家庭成员2姓名: '测试母亲', 家庭成员2关系: '2', 家庭成员2是否监护人: '1',
  };
  return NATIONAL_COLUMNS.map((col) => v[col.header] ?? '');
}

async function writeFile(file: string, n: number, cls: { name: string }) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('学生');
  ws.addRow(NATIONAL_COLUMNS.map((c) => c.header)).commit();
  for (let i = 0; i < n; i++) ws.addRow(rowValues(cls)).commit();
  ws.commit();
  await wb.commit();
}

async function bareParse(file: string): Promise<number> {
  const t0 = Date.now();
  let cells = 0;
  // ExcelJS's documented streaming reader, as it comes: the zip in file order.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  for await (const sheet of reader as any) {
    for await (const row of sheet as any) for (const v of row.values) if (v !== undefined) cells++;
    break;
  }
  void cells;
  return (Date.now() - t0) / 1000;
}

const PHASE = process.argv.includes('--phase') ? process.argv[process.argv.indexOf('--phase') + 1] : 'main';
const dir = path.join(root, '.tmp', 'bench-import');
/** `--repeat k`: k files of SMALL rows, each parsed and imported in turn (medians reported). */
const REPEAT = Math.max(1, arg('repeat', 1));
/** The runs: [name, rows, first serial] — the files never share an ID number. */
const RUNS: Array<[string, number, number]> = [];
for (let i = 0; i < REPEAT && SMALL > 0; i++) RUNS.push([`${SMALL}-${i + 1}`, SMALL, i * SMALL]);
if (LARGE > 0) RUNS.push([`${LARGE}`, LARGE, REPEAT * SMALL]);
const fileOf = (name: string) => path.join(dir, `students-${name}.xlsx`);
const resultOf = (name: string) => path.join(dir, `result-${name}.json`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** Boots Strapi on the database the parent started (env), with real HTTP. */
async function boot() {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  await strapi.server.mount();
  return { strapi, http: request(strapi.server.httpServer) };
}

async function schoolClass(s: any) {
  const user = await s.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await s.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  return (await s.db.query(CLASS).findMany({ where: { schoolCode: scope.code, grade: 1 }, populate: { school: true } }))[0];
}

/**
 * The upload, sent by another process (a browser is not in the server's process): the file
 * streamed from disk (fs.openAsBlob) as multipart, as the 导入导出 page sends it. Its process is
 * not counted among the server's children.
 */
async function uploadFromAnotherProcess(port: number, token: string, file: string): Promise<any> {
  const script = `
    const fs = require('fs');
    (async () => {
      const form = new FormData();
      form.append('kind', 'students');
      form.append('file', await fs.openAsBlob(process.argv[1]), 'students.xlsx');
      const sentAt = Date.now();
      const r = await fetch('http://127.0.0.1:${port}/xueji/imports', { method: 'POST', headers: { authorization: 'Bearer ' + process.argv[2] }, body: form });
      process.stdout.write(JSON.stringify({ sentAt, status: r.status, body: await r.json() }));
    })().catch((e) => { process.stderr.write(String(e)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script, file, token], { stdio: ['ignore', 'pipe', 'inherit'] });
  notWorkers.add(String(child.pid));
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  await new Promise((resolve) => child.on('close', resolve));
  const { sentAt, status, body } = JSON.parse(out);
  if (status !== 202) throw new Error(`upload: ${status} ${JSON.stringify(body)}`);
  return { ...body, sentAt: sentAt as number };
}
const notWorkers = new Set<string>();

/** CPU seconds of each child seen (the import's parse worker), its last reading from /proc. */
const childCpu = new Map<string, number>();
/** RSS of this process's children (the import's parse worker), from /proc; 0 without one. */
function childrenRss(): number {
  let total = 0;
  try {
    for (const pid of fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      if (notWorkers.has(pid)) continue;
      try {
        total += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // utime, stime: fields 14, 15 (clock ticks)
        childCpu.set(pid, (Number(f[11]) + Number(f[12])) / 100);
      } catch { /* ended meanwhile */ }
    }
  } catch { /* no /proc */ }
  return total;
}

/** Phase files: the workbooks, in a process of their own. */
async function phaseFiles() {
  const { strapi } = await boot();
  const cls = await schoolClass(strapi);
  await strapi.destroy();
  for (const [name, n, first] of RUNS) {
    serial = first;
    const tw = Date.now();
    await writeFile(fileOf(name), n, cls);
    console.log(`file of ${n} rows: ${(fs.statSync(fileOf(name)).size / 1e6).toFixed(1)} MB, written in ${((Date.now() - tw) / 1000).toFixed(1)} s`);
  }
}

/** Phase parse: the bare parse of one file in a fresh process, after a warm-up parse (JIT) of the first file. */
async function phaseParse(name: string) {
  await bareParse(fileOf(RUNS[0][0]));
  const cpu0 = process.cpuUsage();
  const seconds = await bareParse(fileOf(name));
  const cpu = process.cpuUsage(cpu0);
  fs.writeFileSync(resultOf(`parse-${name}`), JSON.stringify({ seconds, cpu: (cpu.user + cpu.system) / 1e6 }));
}

/**
 * Phase import: a fresh Strapi process imports one file through POST /xueji/imports, polling the
 * job every 500 ms (the admin page polls every second); the time runs from the upload to the job's
 * finishedAt. Peak RSS of the server and of its parse worker (/proc), sampled every 20 ms, apart
 * and summed.
 */
async function phaseImport(name: string) {
  const { strapi, http } = await boot();
  await new Promise<void>((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  const port = strapi.server.httpServer.address().port;
  try {
    const login = await http.post('/admin/login').send({ email: 'school@xueji.demo', password: 'Xueji@2026' });
    const token = login.body.data.token;
    const base = process.memoryUsage().rss;
    let peak = base;
    let workerPeak = 0;
    let sumPeak = base;
    const sampler = setInterval(() => {
      const rss = process.memoryUsage.rss();
      const workers = childrenRss();
      peak = Math.max(peak, rss);
      workerPeak = Math.max(workerPeak, workers);
      sumPeak = Math.max(sumPeak, rss + workers);
    }, 20);
    let sentAt = Date.now();
    const cpu0 = process.cpuUsage();
    const job: any = await profiled(path.join(dir, `import-${name}.cpuprofile`), async () => {
      const res = await uploadFromAnotherProcess(port, token, fileOf(name));
      sentAt = res.sentAt;
      for (;;) {
        const j = (await http.get(`/xueji/imports/${res.data.id}`).set('Authorization', `Bearer ${token}`)).body.data;
        if (['done', 'failed', 'cancelled'].includes(j.state)) return j;
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    // The upload sent (the uploading process's clock: the same machine's) → the job's finishedAt:
    // neither that process's start nor the polling adds to the figure.
    const seconds = (new Date(job.finishedAt).getTime() - sentAt) / 1000;
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = (cpu.user + cpu.system) / 1e6;
    const workerCpu = [...childCpu.values()].reduce((a, b) => a + b, 0);
    if (job.state !== 'done') throw new Error(`import of ${name}: ${job.state} ${JSON.stringify(job.errors.slice(0, 3))}`);
    fs.writeFileSync(resultOf(`import-${name}`), JSON.stringify({ seconds, peak, base, workerPeak, sumPeak, serverCpu, workerCpu, rowsWritten: job.rowsWritten }));
  } finally {
    await strapi.destroy();
  }
}

/** Phase perrow: per-row Document Service creates (the panel's path) of a sample, into a fresh class. */
async function phasePerRow() {
  const { strapi } = await boot();
  const s: any = strapi;
  try {
    const cls = await schoolClass(s);
    serial = REPEAT * SMALL + LARGE;
    const fresh = await s.documents(CLASS).create({ data: { school: cls.school.documentId, grade: 1, number: 88, foundedYearMonth: `${year}09` } });
    const t1 = Date.now();
    for (let i = 0; i < SAMPLE; i++) {
      const c = nextChild();
      await s.documents(STUDENT).create({
        data: {
          name: '单条创建', gender: c.gender, birthDate: `${c.birth.slice(0, 4)}-${c.birth.slice(4, 6)}-${c.birth.slice(6)}`, birthPlace: '340104000000',
          nativePlace: '340104000000', ethnicity: '01', nationality: '156', idType: '1', idNumber: c.id, hmtStatus: '00', health: '1',
          hukouRegion: '340104000000', hukouType: '2', grade: 1, entryYearMonth: `${year}09`, entryMethod: '11', studyMode: '1',
          currentAddress: '合肥市蜀山区长江西路1号', mailingAddress: '合肥市蜀山区长江西路1号', homeAddress: '合肥市蜀山区长江西路1号',
          phone: '13800000000', postcode: '230031', onlyChild: '1', preschooled: '1', schoolClass: fresh.documentId,
          family: [
            { name: '测试父亲', relation: '1', isGuardian: '1', idType: '1', idNumber: makeIdNumber('340104', '19880101', 131) },
            { name: '测试母亲', relation: '2', isGuardian: '1' },
          ],
        },
      });
    }
    fs.writeFileSync(resultOf('perrow'), JSON.stringify({ seconds: (Date.now() - t1) / 1000 }));
  } finally {
    await strapi.destroy();
  }
}

/** The parent: one throwaway PostgreSQL, each phase in a fresh process, one summary. */
async function main() {
  if (PHASE === 'files') return phaseFiles();
  if (PHASE === 'parse') return phaseParse(process.argv[process.argv.indexOf('--name') + 1]);
  if (PHASE === 'import') return phaseImport(process.argv[process.argv.indexOf('--name') + 1]);
  if (PHASE === 'perrow') return phasePerRow();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const { startPostgres } = require('../lib/postgres');
  const pg = await startPostgres('xueji_bench_import');
  // Class caps are lifted so one grade-1 class can take every row.
  const env = {
    ...process.env, DATABASE_CLIENT: 'postgres', DATABASE_URL: pg.url, NODE_ENV: 'test', XUEJI_CRON: 'false', XUEJI_ROSTERS_ON_START: 'false',
    XUEJI_CAP_PRIMARY: '1000000', XUEJI_DEMO_SEED: 'true', XUEJI_DEMO_STUDENTS: String(STUDENTS), STRAPI_LOG_LEVEL: 'warn', STRAPI_TELEMETRY_DISABLED: 'true',
  };
  // `--heap MB` caps the importing server's V8 heap: the import must still finish (bounded memory).
  const heap = arg('heap', 0);
  const phase = (...args: string[]) => {
    const flags = heap && args[0] === 'import' ? [`--max-old-space-size=${heap}`] : [];
    const r = spawnSync(process.execPath, [...flags, ...process.execArgv, __filename, ...process.argv.slice(2), '--phase', ...args], { stdio: 'inherit', env, cwd: root });
    if (r.status !== 0) throw new Error(`phase ${args.join(' ')} failed`);
  };
  try {
    require('../setup.js');
    Object.assign(process.env, env);
    await require('@strapi/strapi').compileStrapi();
    phase('files'); // also seeds the demo province on the first boot
    // Alternated, parse then import of each file, so both see the same moment's load.
    for (const [name] of RUNS) { phase('parse', '--name', name); phase('import', '--name', name); }
    if (SAMPLE > 0) phase('perrow');
  } finally {
    await pg.stop();
  }
  const results: string[] = [];
  const read = (name: string) => {
    const p = JSON.parse(fs.readFileSync(resultOf(`parse-${name}`), 'utf8'));
    return { ...JSON.parse(fs.readFileSync(resultOf(`import-${name}`), 'utf8')), parse: p.seconds, parseCpu: p.cpu };
  };
  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  const ratios: number[] = [];
  const times: number[] = [];
  const cpuRatios: number[] = [];
  for (const [name, n] of RUNS) {
    const r = read(name);
    const cpu = r.serverCpu + r.workerCpu;
    if (n === SMALL) { ratios.push(r.seconds / r.parse); times.push(r.seconds); cpuRatios.push(cpu / r.parseCpu); }
    results.push(`import ${name} (${n} rows): ${r.seconds.toFixed(1)} s (${Math.round(n / r.seconds)} rows/s), bare parse ${r.parse.toFixed(1)} s → ${(r.seconds / r.parse).toFixed(2)}× parse; CPU: server ${r.serverCpu.toFixed(1)} s + parse worker ${r.workerCpu.toFixed(1)} s = ${cpu.toFixed(1)} s, bare parse ${r.parseCpu.toFixed(1)} s → ${(cpu / r.parseCpu).toFixed(2)}×; peak RSS: server ${mb(r.peak)} (before the import ${mb(r.base)}), parse worker ${mb(r.workerPeak)}, both at once ${mb(r.sumPeak)}; rows written ${r.rowsWritten}`);
  }
  if (ratios.length) results.push(`${SMALL} rows, median of ${ratios.length}: ${median(times).toFixed(1)} s, ${median(ratios).toFixed(2)}× the bare parse (goal ≤ 2×: ${median(ratios) <= 2 ? 'MET' : 'NOT MET'}); CPU seconds of the import's two processes (PostgreSQL's not counted) ${median(cpuRatios).toFixed(2)}× the parse's`);
  if (SAMPLE > 0 && times.length) {
    const perRow = JSON.parse(fs.readFileSync(resultOf('perrow'), 'utf8')).seconds;
    const per10k = (perRow / SAMPLE) * SMALL;
    results.push(`per-row Document Service creates: ${SAMPLE} in ${perRow.toFixed(1)} s (${Math.round(SAMPLE / perRow)}/s) → ${SMALL} extrapolated ${per10k.toFixed(0)} s → the import is ${(per10k / median(times)).toFixed(0)}× faster (goal ≥ 50×: ${per10k / median(times) >= 50 ? 'MET' : 'NOT MET'})`);
  }
  if (LARGE > 0) {
    const large = read(`${LARGE}`);
    results.push(`goal: ${LARGE} rows under 500 MB RSS: server ${mb(large.peak)} ${large.peak < 500e6 ? 'MET' : 'NOT MET'}, parse worker ${mb(large.workerPeak)} ${large.workerPeak < 500e6 ? 'MET' : 'NOT MET'}, both at once ${mb(large.sumPeak)} ${large.sumPeak < 500e6 ? 'MET' : 'NOT MET'}`);
  }
  results.push(`load average at the end: ${require('os').loadavg().map((x: number) => x.toFixed(1)).join(' ')}`);
  console.log(`\n=== summary ===\n${results.join('\n')}`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
