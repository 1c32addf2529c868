/**
 * Public rosters (公示) and the parents' 学籍状态查询, as a website and a parent see them: the
 * demo's first-start publication, the exact REST shapes, the static files mirroring them, a plain
 * `fetch` client getting 304 on its second pull, `?since=` after a change published on demand,
 * no ID number / birth date / unmasked name anywhere; the status look-up revealing nothing for a
 * wrong pair, audited without the ID number, and stopping at the rate limit.
 */
import fs from 'fs';
import path from 'path';
import type { AddressInfo } from 'net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import ExcelJS from 'exceljs';
import { getStrapi, http } from './harness';
import { demo, refused, STUDENT } from './change-kit';
import { maskName } from '../../src/domain/masking';
import { publicClasses } from '../../src/domain/rosters';
import { resetLookupLimiter } from '../../src/server/status-lookup';
import { cronTasks } from '../../src/server/cron';

let strapi: any;
let base: string;
let school: any;
const q = (uid: string) => strapi.db.query(uid);
const PUB = 'api::roster-publication.roster-publication';

beforeAll(async () => {
  strapi = await getStrapi();
  const server = strapi.server.httpServer;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = await q('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  const scope = await q('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
  school = await q('api::school.school').findOne({ where: { code: scope.code } });
  // Earlier test files changed the demo school's students: bring its roster up to date first.
  const sync = await (await demo('school')).post('/xueji/rosters/publish', {});
  expect(sync.status, JSON.stringify(sync.body)).toBe(201);
});

afterAll(async () => {
  await new Promise((resolve) => strapi.server.httpServer.close(resolve));
});

const inSchool = (code: string) => q(STUDENT).findMany({ where: { schoolCode: code, registrationStatus: 'registered', enrollmentStatus: '01' } });

describe('public rosters (公示)', () => {
  it('the demo published on first start: the list, paged, with exactly the contract fields', async () => {
    const res = await fetch(`${base}/api/public/rosters?pageSize=5`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['data', 'meta']);
    expect(body.data.length).toBe(5);
    for (const item of body.data) {
      expect(Object.keys(item).sort()).toEqual(['publishedAt', 'school', 'schoolYear']);
      expect(Object.keys(item.school).sort()).toEqual(['code', 'name']);
      expect(item.schoolYear).toMatch(/^\d{4}-\d{4}$/);
    }
    // One entry per school ever published (the demo published every school with students on first start).
    const schoolsWithStudents = new Set((await q(PUB).findMany({ select: ['schoolCode'] })).map((s: any) => s.schoolCode));
    expect(schoolsWithStudents.size).toBeGreaterThan(5);
    expect(body.meta.pagination).toEqual({ page: 1, pageSize: 5, pageCount: Math.ceil(schoolsWithStudents.size / 5), total: schoolsWithStudents.size });
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get('last-modified')).toBeTruthy();
    expect(res.headers.get('cache-control')).toMatch(/max-age=60/);
  });

  it("a school's roster: classes by grade with masked names and gender only — no ID number, date or unmasked name", async () => {
    const res = await fetch(`${base}/api/public/rosters/${school.code}`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(Object.keys(doc).sort()).toEqual(['classes', 'publishedAt', 'school', 'schoolYear']);
    expect(doc.school).toEqual({ code: school.code, name: school.name });
    const students = await inSchool(school.code);
    const listed = doc.classes.flatMap((c: any) => c.students);
    expect(listed.length).toBe(students.length);
    for (const c of doc.classes) {
      expect(Object.keys(c).sort()).toEqual(['grade', 'name', 'students']);
      expect(c.name).toMatch(/\(\d+\)班$/);
      for (const s of c.students) {
        expect(Object.keys(s).sort()).toEqual(['gender', 'name']);
        expect(['男', '女', '未说明', '未知的性别', '未说明的性别']).toContain(s.gender);
      }
    }
    expect(listed.map((s: any) => s.name).sort()).toEqual(students.map((s: any) => maskName(s.name)).sort());
    const text = JSON.stringify(doc);
    for (const s of students) {
      expect(text).not.toContain(s.idNumber);
      if (s.birthDate) expect(text).not.toContain(String(s.birthDate));
      if (s.name.length >= 2) expect(text).not.toContain(`"${s.name}"`);
    }
    refused(await (await http()).get('/api/public/rosters/99999'), 404, 'ROSTER_NOT_FOUND');
    refused(await (await http()).get('/api/public/rosters/9999999999'), 404, 'ROSTER_NOT_FOUND');
    refused(await (await http()).get('/api/public/rosters?since=yesterday'), 400, 'SINCE_INVALID');
  });

  it('no school\'s roster — stored, JSON, CSV or XLSX — holds an ID number, a birth date or an unmasked name', async () => {
    const dir = path.join(strapi.dirs.static.public, 'rosters');
    const latest = (await (await fetch(`${base}/api/public/rosters?pageSize=100`)).json()).data.map((x: any) => x.school.code);
    expect(latest.length).toBeGreaterThan(5);
    const all = await q(STUDENT).findMany({ select: ['name', 'idNumber', 'birthDate', 'schoolCode'] });
    let cells = 0;
    for (const code of latest) {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, `${code}.json`), 'utf8'));
      const csv = fs.readFileSync(path.join(dir, `${code}.csv`), 'utf8').replace(/^\ufeff/, '').trim().split(/\r\n/).slice(1);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(dir, `${code}.xlsx`));
      const xlsx: string[][] = [];
      wb.worksheets[0].eachRow((row, i) => { if (i > 2) xlsx.push((row.values as any[]).slice(1).map(String)); });
      const stored = await q(PUB).findOne({ where: { schoolCode: code }, orderBy: { id: 'desc' } });
      const names = [
        ...doc.classes.flatMap((c: any) => c.students.map((s: any) => s.name)),
        ...csv.map((l) => l.split(',')[2]),
        ...xlsx.map((r) => r[2]),
        ...stored.classes.flatMap((c: any) => c.students.map((s: any) => s.name)),
      ];
      expect(xlsx.length).toBe(csv.length);
      for (const n of names) expect(n.length === 1 || /^.\*+.?$/.test(n), `${code}: ${n}`).toBe(true);
      // The stored rows also carry each student's opaque hex key (for ?since=), never published.
      for (const c of stored.classes) for (const st of c.students) expect(Object.keys(st).sort()).toEqual(['gender', 'id', 'name']);
      const text = [JSON.stringify(doc.classes), csv.join('\n'), xlsx.flat().join('\n'), JSON.stringify(publicClasses(stored.classes))].join('\n');
      expect(text).not.toMatch(/\d{6,}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月/);
      for (const s of all.filter((x: any) => x.schoolCode === code)) {
        if (s.idNumber) expect(text).not.toContain(s.idNumber);
        if (s.birthDate) expect(text).not.toContain(String(s.birthDate).replace(/-/g, ''));
        if (s.name.length >= 2) expect(names).not.toContain(s.name);
      }
      cells += names.length;
    }
    expect(cells).toBeGreaterThan(100);
  });

  it.runIf(process.env.DATABASE_CLIENT === 'postgres')('while another instance publishes (its advisory lock held), a publication is refused: 409 ROSTERS_RUNNING, nothing written', async () => {
    const { Client } = require('pg');
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7310003)');
      const before = await q(PUB).count();
      refused(await (await demo('school')).post('/xueji/rosters/publish', {}), 409, 'ROSTERS_RUNNING');
      expect(await q(PUB).count()).toBe(before);
      await other.query('SELECT pg_advisory_unlock(7310003)');
      const res = await (await demo('school')).post('/xueji/rosters/publish', {});
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    } finally {
      await other.end();
    }
  });

  it('the files under public/rosters/ mirror the API: JSON, CSV, XLSX per school, indexes per county and province', async () => {
    const api = await (await fetch(`${base}/api/public/rosters/${school.code}`)).json();
    const file = await fetch(`${base}/rosters/${school.code}.json`);
    expect(file.status).toBe(200);
    expect(await file.json()).toEqual(api);
    const dir = path.join(strapi.dirs.static.public, 'rosters');
    const n = api.classes.reduce((a: number, c: any) => a + c.students.length, 0);
    const csv = fs.readFileSync(path.join(dir, `${school.code}.csv`), 'utf8');
    const lines = csv.replace(/^\ufeff/, '').trim().split(/\r\n/);
    expect(lines[0]).toBe('年级,班级,姓名,性别');
    expect(lines.length).toBe(n + 1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, `${school.code}.xlsx`));
    expect(wb.worksheets[0].actualRowCount).toBe(n + 2);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
    expect(index.data.find((x: any) => x.school.code === school.code)).toMatchObject({ school: api.school, files: { json: `/rosters/${school.code}.json` } });
    const county = JSON.parse(fs.readFileSync(path.join(dir, `county-${school.countyCode}.json`), 'utf8'));
    expect(county.data.every((x: any) => index.data.some((y: any) => y.school.code === x.school.code))).toBe(true);
    expect(county.data.some((x: any) => x.school.code === school.code)).toBe(true);
  });

  it('a website polling with plain fetch gets 304 while nothing changed (ETag and Last-Modified)', async () => {
    for (const url of [`${base}/api/public/rosters`, `${base}/api/public/rosters/${school.code}`]) {
      const first = await fetch(url);
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const etag = first.headers.get('etag')!;
      const second = await fetch(url, { headers: { 'If-None-Match': etag } });
      expect(second.status).toBe(304);
      const third = await fetch(url, { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } });
      expect(third.status).toBe(304);
    }
  });

  it('on demand: a school republishes its own roster; unchanged schools are not republished; ?since= lists the change per class', async () => {
    const before = await fetch(`${base}/api/public/rosters/${school.code}`);
    const etag = before.headers.get('etag')!;
    const doc = await before.json();
    const t0 = new Date(Date.now() - 1).toISOString();
    const pubsBefore = await q(PUB).count();

    // Nothing changed: nothing published, the website still gets 304.
    const again = await (await demo('school')).post('/xueji/rosters/publish', {});
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.data).toMatchObject({ published: 0, unchanged: 1 });
    expect((await fetch(`${base}/api/public/rosters/${school.code}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);

    // A student leaves (休学): the next publication drops them from their class.
    const [s] = await inSchool(school.code);
    const cls = await q(STUDENT).findOne({ where: { id: s.id }, populate: { schoolClass: true } });
    await q(STUDENT).update({ where: { id: s.id }, data: { enrollmentStatus: '02' } });
    try {
      await new Promise((r) => setTimeout(r, 5));
      const pub = await (await demo('school')).post('/xueji/rosters/publish', {});
      expect(pub.body.data).toMatchObject({ published: 1, unchanged: 0, schools: [school.code] });
      expect(await q(PUB).count()).toBe(pubsBefore + 1); // earlier publications are kept
      const now = await fetch(`${base}/api/public/rosters/${school.code}`, { headers: { 'If-None-Match': etag } });
      expect(now.status).toBe(200);
      const after = await now.json();
      expect(after.classes.flatMap((c: any) => c.students).length).toBe(doc.classes.flatMap((c: any) => c.students).length - 1);

      const since = await fetch(`${base}/api/public/rosters/${school.code}?since=${encodeURIComponent(t0)}`);
      expect(since.status).toBe(200);
      const diff = await since.json();
      expect(Object.keys(diff).sort()).toEqual(['changes', 'publishedAt', 'school', 'schoolYear', 'since']);
      expect(diff.changes).toHaveLength(1);
      expect(diff.changes[0]).toMatchObject({ grade: cls.schoolClass.grade, name: cls.schoolClass.name, added: [], changed: [] });
      expect(diff.changes[0].removed).toHaveLength(1);
      expect(Object.keys(diff.changes[0].removed[0])).toEqual(['id']);
      // The list since then names only this school.
      const list = await (await fetch(`${base}/api/public/rosters?since=${encodeURIComponent(t0)}`)).json();
      expect(list.data.map((x: any) => x.school.code)).toEqual([school.code]);
    } finally {
      await q(STUDENT).update({ where: { id: s.id }, data: { enrollmentStatus: '01' } });
      const back = await (await demo('county')).post('/xueji/rosters/publish', {});
      expect(back.body.data.schools).toContain(school.code);
      expect((await (await demo('county')).post('/xueji/rosters/publish', {})).body.data.published).toBe(0); // nothing changed since
    }
  });

  it('the nightly publication is a cron task', async () => {
    expect(cronTasks(strapi).map((t) => t.name)).toEqual(expect.arrayContaining(['promotion', 'rosters']));
  });
});

describe('学籍状态查询 for parents', () => {
  const post = async (body: unknown) => (await http()).post('/api/public/student-status').send(body as any);

  it('the right name and ID number show school, grade, class and status — nothing else', async () => {
    resetLookupLimiter();
    const [s] = await q(STUDENT).findMany({ where: { schoolCode: school.code, registrationStatus: 'registered', enrollmentStatus: '01', idIsGuardians: false, idType: '1' }, populate: { schoolClass: true }, limit: 1 });
    const res = await post({ name: s.name, idNumber: s.idNumber });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ data: { school: school.name, grade: expect.any(String), class: s.schoolClass.name, status: '在校' } });
    expect(res.headers['cache-control']).toBe('no-store');

    const wrong = await post({ name: `${s.name}甲`, idNumber: s.idNumber });
    refused(wrong, 404, 'STATUS_NOT_FOUND');
    const unknown = await post({ name: s.name, idNumber: '110101200001010011' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(wrong.body); // a wrong pair answers exactly as an unknown one
    refused(await post({ name: '', idNumber: 'x' }), 400, 'LOOKUP_INVALID');

    const audit = await q('api::audit-log.audit-log').findMany({ where: { action: 'status.lookup' } });
    expect(audit.length).toBeGreaterThanOrEqual(3);
    const text = JSON.stringify(audit);
    expect(text).not.toContain(s.idNumber);
    expect(text).not.toContain('110101200001010011');
    expect(audit.some((a: any) => a.changes.found === true && a.schoolCode === school.code)).toBe(true);
  });

  it('stops at the rate limit with a clear message and Retry-After', async () => {
    resetLookupLimiter();
    const per = strapi.config.get('xueji.statusLookup.perMinute');
    for (let i = 0; i < per; i++) expect((await post({ name: '张三', idNumber: '110101200001010011' })).status).toBe(404);
    const res = await post({ name: '张三', idNumber: '110101200001010011' });
    refused(res, 429, 'RATE_LIMITED');
    expect(res.body.error.message).toMatch(/查询过于频繁/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    resetLookupLimiter();
  });
});
