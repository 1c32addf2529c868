/**
 * The demo province's change requests in flight, filed and decided THROUGH THE CHANGE ENGINE
 * (service `api::change-request.engine`), so every request carries its resolved approval chain,
 * filer, deadlines, notifications and audit rows exactly as if staff had filed it — and every
 * demo login can act on them (issue: "The demo province starts with requests of several types
 * waiting at each level").
 *
 * Runs after the students, classes and — on first start — the demo logins exist
 * (src/server/demo-start.ts, scripts/seed-demo.ts). Filers and deciders are the demo logins
 * where one holds the scope (school@ files the demo school's requests, county@ decides for
 * 蜀山区); other schools and bureaus act through callers without an account, with ids below 1
 * so no later account is mistaken for them (self-approval is checked by id).
 *
 * What the demo starts with (deterministic for a seed; a plan item is skipped when the province
 * is too small to have its student or grade):
 * - 琥珀小学 (school@): a registration batch of three grade-1 drafts and a suspension waiting at
 *   蜀山区; a suspension returned by 蜀山区 with a comment (its to-do); a name correction
 *   approved; another waiting; a transfer INTO it from 肥西县 waiting at 蜀山区 (to-county).
 * - 蜀山区 (county@): also a graduation (primary), a dropout, and a transfer OUT of 蜀山区
 *   waiting at 肥西县 first.
 * - 合肥市 (city@): senior-high graduations of 合肥市第七中学 and 肥西县第一中学.
 * - 肥西县, 镜湖区, 南陵县 and 芜湖市: suspensions, corrections, dropouts (one rejected),
 *   a graduation, and a transfer approved by the receiving county, now at the sending one.
 *
 * Proofs and the drafts' photos are small PNG files written to the upload folder, with upload
 * rows carrying the school's scope columns (as an upload by that school's registrar would).
 */
import fs from 'fs';
import path from 'path';
import zlib from 'zlib';
import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import type { Caller } from '../api/change-request/services/engine';
import { chinaDateOf } from '../domain/dates';
import { isGraduatingGrade, schoolYearOf } from '../domain/grades';
import { scopeColumnsOfSchool, type ScopeLevel } from '../domain/scope';
import { DEMO_ACCOUNTS } from '../server/demo-accounts';
import { adultName } from './names';
import { DEMO_CITIES, DEMO_COUNTIES } from './places';
import { Rng } from './prng';

type Row = Record<string, any>;

const UID = {
  school: 'api::school.school',
  cls: 'api::school-class.school-class',
  student: 'api::student.student',
  file: 'plugin::upload.file',
} as const;

/** Upload rows (and files) of the demo carry this hash prefix; `seed-demo --reset` removes them. */
export const DEMO_FILE_PREFIX = 'xueji_demo_';

/** The demo school account's school (same rule as src/server/demo-accounts.ts). */
const DEMO = '<demo school>';

type Decision = { decision: 'approve' | 'return' | 'reject'; comment?: string };
type Item =
  | { type: '11'; school: string; grade: number; count: number; then?: Decision[] }
  | { type: '13'; from: string; to: string; grades: number[]; then?: Decision[] }
  | { type: '21'; school: string; grade: number; then?: Decision[] }
  | { type: '23' | '28' | '51'; school: string; grades: number[]; then?: Decision[] };

const RETURNED: Decision = { decision: 'return', comment: '请补充县级以上医院出具的诊断证明（加盖医院公章）后重新提交。' };
const CORRECTION_OK: Decision = { decision: 'approve', comment: '已核对户口簿，同意更正。' };
const REJECTED: Decision = { decision: 'reject', comment: '请会同村（居）委会再次家访劝返，核实后再报。' };
const RECEIVING_OK: Decision = { decision: 'approve', comment: '同意转入，请转出地审核。' };

/**
 * Grade-subject requests first (a graduation is refused while a request of the grade is open);
 * then the demo school's, then the rest of the province. Student requests avoid graduating grades
 * (frozen from 1 July under the national calendar).
 */
const PLAN: Item[] = [
  { type: '21', school: '合肥市第七中学', grade: 12 },
  { type: '21', school: '肥西县第一中学', grade: 12 },
  { type: '21', school: '芜湖市第一中学', grade: 12 },
  { type: '21', school: '合肥市蜀山区稻香村小学', grade: 6 },

  { type: '11', school: DEMO, grade: 1, count: 3 },
  { type: '23', school: DEMO, grades: [2, 3] },
  { type: '23', school: DEMO, grades: [3, 2], then: [RETURNED] },
  { type: '51', school: DEMO, grades: [4, 5], then: [CORRECTION_OK] },
  { type: '51', school: DEMO, grades: [5, 4] },
  { type: '13', from: '肥西县三河镇中心小学', to: DEMO, grades: [3, 4, 2, 5] },

  { type: '13', from: '合肥市蜀山区西园新村小学', to: '肥西县桃花镇中心小学', grades: [4, 3, 5, 2] },
  { type: '28', school: '合肥市第四十五中学', grades: [8, 7] },
  { type: '23', school: '肥西县桃花镇中心小学', grades: [3, 2, 4] },
  { type: '51', school: '肥西县上派初级中学', grades: [7, 8] },
  { type: '28', school: '芜湖市第二十九中学', grades: [8, 7] },
  { type: '23', school: '芜湖市第十一中学', grades: [7, 8] },
  { type: '28', school: '芜湖市镜湖区育红小学', grades: [4, 5, 3], then: [REJECTED] },
  { type: '51', school: '南陵县籍山镇中心小学', grades: [2, 3] },
  { type: '13', from: '南陵县弋江镇中心小学', to: '芜湖市镜湖区范罗山小学', grades: [3, 4, 2, 5], then: [RECEIVING_OK] },
  { type: '23', school: '南陵县籍山中学', grades: [8, 7] },
];

const SUSPENSION = [
  { reason: '因病需住院治疗并居家休养，申请休学一年（附二级以上医院诊断证明）。', months: 12, proof: '诊断证明' },
  { reason: '骨折术后需长期康复，申请休学一学期（附医院诊断证明）。', months: 6, proof: '诊断证明' },
];
const DROPOUT = '该生自本学期开学以来长期未到校，经班主任和学校多次家访劝返无效，申请按辍学处理。';

export interface DemoChangesOptions { seed: number }

/** Files and decides the demo's requests; returns how many requests were filed. */
export async function seedDemoChanges(strapi: Core.Strapi, opts: DemoChangesOptions): Promise<number> {
  const engine: any = strapi.service('api::change-request.engine' as any);
  if (!engine?.file) {
    strapi.log.warn('[xueji] 变动引擎不可用，示范数据未包含学籍变动申请 (change engine missing: no demo requests)');
    return 0;
  }
  const rng = new Rng((opts.seed ^ 0x2545f491) >>> 0 || 3);
  const schoolYear = schoolYearOf(chinaDateOf(new Date()));
  const callers = new Map<string, Caller>();
  const used = new Set<string>();
  const schools = new Map<string, Row | null>();
  let synthetic = 0;
  let fileNo = 0;
  let filed = 0;
  const failed: string[] = [];

  const demoEmails = DEMO_ACCOUNTS.filter((a) => a.roleCode !== 'strapi-super-admin').map((a) => a.email);
  const bureauName = (level: ScopeLevel, code: string) =>
    level === 'county' ? DEMO_COUNTIES.find((c) => c.code === code)?.bureau : level === 'city' ? DEMO_CITIES.find((c) => c.code === code)?.bureau : undefined;

  /** The demo login holding a scope, else a caller without an account (id < 1). */
  async function callerFor(level: ScopeLevel, code: string): Promise<Caller> {
    const key = `${level}:${code}`;
    const known = callers.get(key);
    if (known) return known;
    let caller: Caller | null = null;
    const scopes = await strapi.db.query('api::staff-scope.staff-scope').findMany({ where: { level, code }, orderBy: { id: 'asc' } });
    for (const s of scopes) {
      const user = await strapi.db.query('admin::user').findOne({ where: { id: s.adminUserId, email: { $in: demoEmails } } });
      if (user) {
        caller = { id: user.id, name: [user.firstname, user.lastname].filter(Boolean).join('') || user.email, scope: { level, code }, superAdmin: false };
        break;
      }
    }
    if (!caller) {
      synthetic -= 1;
      caller = { id: synthetic, name: level === 'school' ? '学籍管理员' : bureauName(level, code) ?? '教育行政部门', scope: { level, code }, superAdmin: false };
    }
    callers.set(key, caller);
    return caller;
  }

  async function school(name: string): Promise<Row | null> {
    if (schools.has(name)) return schools.get(name)!;
    const row = name === DEMO
      ? await strapi.db.query(UID.school).findOne({ where: { countyCode: '340104', category: '21' }, orderBy: { code: 'asc' } })
      : await strapi.db.query(UID.school).findOne({ where: { name } });
    schools.set(name, row ?? null);
    return row ?? null;
  }

  /**
   * `n` registered in-school students of a grade with their own ID numbers, not yet used; a
   * seeded choice from the middle of the grade: the first student of a grade (what a plain
   * `findOne` returns) and the newest third (what the API tests take first) stay untouched.
   */
  async function students(s: Row, grade: number, n: number): Promise<Row[]> {
    if (isGraduatingGrade(grade, s.schoolingSystem, s.category)) return [];
    const rows: Row[] = await strapi.db.query(UID.student).findMany({
      where: { schoolCode: s.code, grade, registrationStatus: 'registered', enrollmentStatus: '01', idType: '1', idIsGuardians: false },
      orderBy: { id: 'asc' }, limit: 300, select: ['id', 'documentId', 'name', 'idNumber', 'grade', 'gender'],
    });
    const pool = rows.slice(1, Math.max(1 + n, Math.ceil((rows.length * 2) / 3))).filter((r) => !used.has(r.documentId));
    if (pool.length < n) return [];
    const out: Row[] = [];
    while (out.length < n) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
    for (const r of out) used.add(r.documentId);
    return out;
  }

  async function firstStudent(s: Row, grades: number[]): Promise<Row | null> {
    for (const g of grades) {
      const [one] = await students(s, g, 1);
      if (one) return one;
    }
    return null;
  }

  /** A small PNG stored as an upload of `s` (its scope columns), e.g. a scanned proof. */
  async function upload(s: Row, label: string, rgb: [number, number, number], size: [number, number] = [48, 64]): Promise<number> {
    fileNo += 1;
    const hash = `${DEMO_FILE_PREFIX}${opts.seed}_${fileNo}`;
    const png = makePng(size[0], size[1], rgb);
    const dir = path.join((strapi as any).dirs.static.public, 'uploads');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${hash}.png`), png);
    const scope = scopeColumnsOfSchool(s as any);
    // The upload lifecycle stamps the uploader's scope (none here): the school's is set after.
    const row = await strapi.db.query(UID.file).create({
      data: {
        documentId: createId(), name: `${label}.png`, hash, ext: '.png', mime: 'image/png', size: Math.round((png.length / 1024) * 100) / 100,
        width: size[0], height: size[1], url: `/uploads/${hash}.png`, provider: 'local', folderPath: '/', publishedAt: new Date(),
      },
    });
    await strapi.db.query(UID.file).update({ where: { id: row.id }, data: scope });
    return row.id;
  }

  async function decide(req: Row, steps: Decision[] = []): Promise<void> {
    let cur = req;
    for (const d of steps) {
      if (!cur.waiting) return;
      const by = await callerFor(cur.waiting.level, cur.waiting.code);
      [cur] = await engine.decideMany(by, [cur.documentId], d.decision, d.comment ?? null);
    }
  }

  async function fileOne(item: Item): Promise<number> {
    switch (item.type) {
      case '11': {
        const s = await school(item.school);
        if (!s) return 0;
        const list = await students(s, item.grade, item.count);
        if (!list.length) return 0;
        // Drafts awaiting registration: what the school entered, with the entry photo.
        for (const st of list) {
          const photo = await upload(s, `入学照片-${st.name}`, st.gender === '1' ? [120, 160, 210] : [220, 150, 170], [33, 48]);
          await strapi.db.query(UID.student).update({ where: { id: st.id }, data: { registrationStatus: 'draft', regionalNumber: null, photo } });
        }
        const principal = adultName(rng, rng.chance(0.6) ? '1' : '2').name;
        const out = await engine.submitRegistrations(await callerFor('school', s.code), { students: list.map((st) => st.documentId), pledge: { principal } });
        for (const r of out.data) await decide(r, item.then);
        return out.data.length;
      }
      case '13': {
        const from = await school(item.from);
        const to = await school(item.to);
        if (!from || !to) return 0;
        for (const g of item.grades) {
          const toClass = await strapi.db.query(UID.cls).findOne({ where: { schoolCode: to.code, grade: g }, orderBy: { number: 'desc' } });
          if (!toClass) continue;
          const [st] = await students(from, g, 1);
          if (!st) continue;
          const place = DEMO_COUNTIES.find((c) => c.code === to.countyCode);
          const req = await engine.file(await callerFor('school', to.code), {
            type: '13', student: { idNumber: st.idNumber, name: st.name }, toClass: toClass.documentId,
            reason: `随父母工作调动迁居${place ? `${place.cityName}${place.name}` : '本地'}，申请由${from.name}转入${to.name}就读。`,
            proofs: [await upload(to, '户口簿及劳动合同', [200, 190, 160])],
          });
          await decide(req, item.then);
          return 1;
        }
        return 0;
      }
      case '21': {
        const s = await school(item.school);
        if (!s || !isGraduatingGrade(item.grade, s.schoolingSystem, s.category)) return 0;
        const n = await strapi.db.query(UID.student).count({ where: { schoolCode: s.code, grade: item.grade, enrollmentStatus: '01', registrationStatus: 'registered' } });
        if (!n) return 0;
        const req = await engine.file(await callerFor('school', s.code), {
          type: '21', reason: `${schoolYear + 1}届${item.grade}年级学生修业期满、考核合格，申请办理毕业。`, payload: { grade: item.grade },
        });
        await decide(req, item.then);
        return 1;
      }
      default: {
        const s = await school(item.school);
        if (!s) return 0;
        const st = await firstStudent(s, item.grades);
        if (!st) return 0;
        const filer = await callerFor('school', s.code);
        let body: Row;
        if (item.type === '23') {
          const why = rng.pick(SUSPENSION);
          body = { type: '23', student: st.documentId, reason: why.reason, payload: { months: why.months }, proofs: [await upload(s, why.proof, [235, 235, 225])] };
        } else if (item.type === '28') {
          body = { type: '28', student: st.documentId, reason: DROPOUT };
        } else {
          const name = String(st.name);
          let corrected = name;
          while (corrected === name) corrected = name.length > 2 ? name.slice(0, -1) + rng.pick(['琳', '瑾', '昕', '睿']) : name + rng.pick(['宇', '然', '涵']);
          body = {
            type: '51', student: st.documentId, payload: { fields: { name: corrected } },
            reason: `学生姓名登记有误（原登记为“${name}”），依据户口簿更正为“${corrected}”。`,
            proofs: [await upload(s, '户口簿', [225, 215, 200])],
          };
        }
        const req = await engine.file(filer, body);
        await decide(req, item.then);
        return 1;
      }
    }
  }

  for (const item of PLAN) {
    try {
      filed += await fileOne(item);
    } catch (e: any) {
      // A refusal (a rule of the day, a province too small) leaves that request out, not the demo.
      failed.push(`${item.type} ${'school' in item ? item.school : `${item.from}→${item.to}`}: ${e?.code ?? ''} ${e?.message ?? e}`);
    }
  }
  if (failed.length) strapi.log.warn(`[xueji] 示范学籍变动有 ${failed.length} 项未能提交 (demo requests not filed):\n  ${failed.join('\n  ')}`);
  return filed;
}

// ------------------------------------------------------------------------- PNG
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A w×h one-colour RGB PNG (a stand-in for a photo or a scanned proof). */
function makePng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
