/**
 * The demo province, generated deterministically from a seed and written set-based
 * (DESIGN "Bulk paths are set-based"): 安徽省教育厅 → 合肥市, 芜湖市 → 蜀山区, 肥西县, 镜湖区,
 * 南陵县; schools of every kind (小学, 初中, 高中, 九年一贯制, 完全中学, a 学区中心校 with
 * 教学点); classes as cohorts; students with the whole national field set and two family
 * members. The change requests in flight are filed afterwards through the change engine, once the
 * demo logins exist (src/seed/demo-changes.ts).
 *
 * Rows satisfy the same rules as the Document Service write path (server/write-rules.ts):
 * valid and unique ID numbers, identity keys, G/J student numbers, 地区学号 unique per county and
 * entry year (the counters continue after the seed), scope columns, class caps and entry age.
 * A sample of the generated students is run through `checkStudentFields` and `checkCodes`.
 * Table and column names come from `strapi.db.metadata`.
 */
import type { Core } from '@strapi/strapi';
import { makeIdNumber } from '../domain/id-card';
import { className, gradesOfSchool, graduatingGrades, schoolYearOf, stageOfGrade, type Stage } from '../domain/grades';
import { classCapFor } from '../domain/class-caps';
import { chinaDateOf } from '../domain/dates';
import { scopeColumnsFor, type ScopeColumns } from '../domain/scope';
import { formalStudentNumber, formatRegionalNumber, jStudentNumber } from '../domain/student-number';
import { toRegion12 } from '../domain/regions';
import { identityKeyOf, checkStudentFields, checkCodes } from '../server/write-rules';
import { COUNTER_TABLE } from '../server/db-constraints';
import { BulkWriter, dialectOf, schemaOf, timestampValue, metaOf, rowBuilder, linkOf, type Row } from './bulk';
import { DocumentIds, Rng, Weighted } from './prng';
import { adultName, childName, chineseNumber, mobile, pickSurname, EMPLOYERS_COMMON, INDUSTRIES, SPECIALTIES, TITLES, type PersonName } from './names';
import { anhuiCounties, neighbourCounties, DEMO_CITIES, DEMO_COUNTIES, DEMO_PROVINCE, type DemoCounty } from './places';

export interface Summary {
  authorities: number;
  schools: number;
  classes: number;
  students: number;
  familyMembers: number;
  /** Filed by `seedDemoChanges` (src/seed/demo-changes.ts) after the seed; 0 here. */
  changeRequests: number;
  seconds: number;
}

export interface SeedOptions {
  students: number;
  seed: number;
  /** Called after each written batch of students. */
  onProgress?: (done: number, total: number) => void;
  /** Called at the end of each phase with the seconds since the start (benchmarks). */
  onPhase?: (phase: 'loaded' | 'indexed' | 'committed' | 'analyzed', seconds: number) => void;
}

const UID = {
  authority: 'api::authority.authority',
  school: 'api::school.school',
  cls: 'api::school-class.school-class',
  student: 'api::student.student',
  member: 'family.member',
} as const;

const TARGET_CLASS_SIZE = 42;
/** Places left free in every seeded class, so registrations can still be tried in the demo. */
const CAP_HEADROOM = 6;
const BATCH = 5000;
/** From this many students (into empty tables) indexes are built after the load, not row by row. */
const DEFER_INDEXES_FROM = 200_000;
const DAY = 86400000;

// ------------------------------------------------------------------------- school kinds
type KindKey = 'primary' | 'point' | 'junior' | 'senior' | 'nine' | 'complete';
const KINDS: Record<KindKey, { category: string; schoolType: string; system: string }> = {
  primary: { category: '21', schoolType: '211', system: '6-3-3' },
  point: { category: '21', schoolType: '218', system: '6-3-3' },
  junior: { category: '31', schoolType: '311', system: '6-3-3' },
  senior: { category: '34', schoolType: '342', system: '6-3-3' },
  nine: { category: '31', schoolType: '312', system: '9' },
  complete: { category: '34', schoolType: '341', system: '3+3' },
};

interface SchoolPlan {
  idx: number;
  id: number;
  documentId: string;
  name: string;
  code: string;
  kind: KindKey;
  county: DemoCounty;
  area: string;
  centralIdx?: number;
  grades: number[];
  classesPerGrade: number;
  scope: ScopeColumns;
}

interface ClassPlan {
  id: number;
  documentId: string;
  school: SchoolPlan;
  grade: number;
  number: number;
  founded: number;
  stage: Stage;
  size: number;
}

/** The first 40 schools: real-sounding names; 琥珀小学 is the demo school account's school. */
const BASE_SCHOOLS: Array<[string, KindKey, string, string, string?]> = [
  // county, kind, name, area (for addresses)
  ['340104', 'primary', '合肥市蜀山区琥珀小学', '琥珀'],
  ['340104', 'primary', '合肥市蜀山区西园新村小学', '西园新村'],
  ['340104', 'primary', '合肥市蜀山区南七小学', '南七'],
  ['340104', 'primary', '合肥市蜀山区稻香村小学', '稻香村'],
  ['340104', 'primary', '合肥市蜀山区五里墩小学', '五里墩'],
  ['340104', 'primary', '合肥市蜀山区笔架山小学', '笔架山'],
  ['340104', 'junior', '合肥市第四十五中学', '三里庵'],
  ['340104', 'junior', '合肥市第五十中学', '荷叶地'],
  ['340104', 'senior', '合肥市第七中学', '井岗'],
  ['340104', 'nine', '合肥市蜀山区南岗镇中心学校', '南岗'],
  ['340104', 'complete', '合肥市第十中学', '琥珀'],
  ['340123', 'primary', '肥西县上派镇中心学校', '上派'],
  ['340123', 'point', '肥西县上派镇三岗村教学点', '上派', '三岗'],
  ['340123', 'point', '肥西县上派镇双河村教学点', '上派', '双河'],
  ['340123', 'point', '肥西县上派镇方岗村教学点', '上派', '方岗'],
  ['340123', 'primary', '肥西县三河镇中心小学', '三河'],
  ['340123', 'primary', '肥西县桃花镇中心小学', '桃花'],
  ['340123', 'junior', '肥西县上派初级中学', '上派'],
  ['340123', 'junior', '肥西县三河初级中学', '三河'],
  ['340123', 'senior', '肥西县第一中学', '上派'],
  ['340123', 'nine', '肥西县紫蓬镇九年一贯制学校', '紫蓬'],
  ['340202', 'primary', '芜湖市镜湖区赭山小学', '赭山'],
  ['340202', 'primary', '芜湖市镜湖区范罗山小学', '范罗山'],
  ['340202', 'primary', '芜湖市镜湖区育红小学', '育红'],
  ['340202', 'primary', '芜湖市镜湖区汀棠小学', '汀棠'],
  ['340202', 'primary', '芜湖市镜湖区荆山小学', '荆山'],
  ['340202', 'junior', '芜湖市第二十九中学', '张家山'],
  ['340202', 'junior', '芜湖市第十一中学', '弋矶山'],
  ['340202', 'senior', '芜湖市第一中学', '赭山'],
  ['340202', 'complete', '芜湖市第十二中学', '大砻坊'],
  ['340202', 'nine', '芜湖市镜湖区方村学校', '方村'],
  ['340223', 'primary', '南陵县籍山镇中心小学', '籍山'],
  ['340223', 'primary', '南陵县弋江镇中心小学', '弋江'],
  ['340223', 'primary', '南陵县许镇镇中心小学', '许镇'],
  ['340223', 'primary', '南陵县工山镇中心小学', '工山'],
  ['340223', 'junior', '南陵县籍山中学', '籍山'],
  ['340223', 'junior', '南陵县弋江中学', '弋江'],
  ['340223', 'senior', '南陵县中学', '籍山'],
  ['340223', 'nine', '南陵县家发镇九年一贯制学校', '家发'],
  ['340223', 'primary', '南陵县三里镇中心小学', '三里'],
];

const EXTRA_KINDS = new Weighted<KindKey>([['primary', 55], ['junior', 25], ['senior', 10], ['nine', 10]]);
const EXTRA_SUFFIX: Record<string, string> = { primary: '小学', junior: '初级中学', senior: '高级中学', nine: '九年一贯制学校' };

const ETHNICITIES = new Weighted<string>([['01', 984], ['03', 10], ['11', 2], ['06', 1], ['08', 1], ['15', 1], ['02', 0.5], ['10', 0.5]]);
const HEALTH = new Weighted<string>([['1', 970], ['2', 23], ['3', 5], ['4', 2]]);

// ------------------------------------------------------------------------- metadata helpers
/** The `_cmps` table of a component attribute. */
function componentLinkOf(strapi: Core.Strapi, uid: string, attr: string) {
  const def = metaOf(strapi, uid).attributes[attr];
  const jt = def?.joinTable;
  if (!jt) throw new Error(`seed: ${uid}.${attr} has no component join table`);
  const typeColumn: string = (jt.pivotColumns as string[] | undefined)?.find((c) => c.endsWith('type')) ?? 'component_type';
  const fieldColumn: string = Object.keys(jt.on ?? { field: 1 })[0] ?? 'field';
  return {
    table: jt.name as string,
    row(entityId: number, cmpId: number, order: number): Row {
      return {
        [jt.joinColumn.name]: entityId, [jt.inverseJoinColumn.name]: cmpId, [typeColumn]: def.target ?? def.component,
        [fieldColumn]: jt.on?.field ?? attr, [jt.orderColumnName ?? 'order']: order,
      };
    },
  };
}

// ------------------------------------------------------------------------- dates
const pad2 = (n: number) => String(n).padStart(2, '0');
const isoDay = (ms: number) => { const d = new Date(ms); return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`; };
const EPOCH = Date.UTC(1940, 0, 1);
const DAYS_SPAN = Math.ceil((Date.UTC(2060, 0, 1) - EPOCH) / DAY);

/**
 * Unique ID-number sequences per (region, birth day, sex): odd for men (001…999), even for
 * women (002…998), so no two generated people share a number.
 */
class IdSequences {
  private readonly index = new Map<string, number>();
  private readonly used: Uint16Array;
  constructor(private readonly regions: string[]) {
    regions.forEach((r, i) => this.index.set(r, i));
    this.used = new Uint16Array(regions.length * DAYS_SPAN * 2);
  }
  next(region: string, birthMs: number, gender: '1' | '2'): string {
    const r = this.index.get(region);
    if (r === undefined) throw new Error(`seed: region ${region} is not in the ID-number pool`);
    const day = Math.round((birthMs - EPOCH) / DAY);
    const k = (r * DAYS_SPAN + day) * 2 + (gender === '1' ? 0 : 1);
    const c = this.used[k]++;
    const seq = gender === '1' ? 2 * c + 1 : 2 * c + 2;
    if (seq > 999) throw new Error(`seed: ID sequences exhausted for ${region} ${isoDay(birthMs)}`);
    return makeIdNumber(region, isoDay(birthMs), seq);
  }
  /** For adults, whose birth day is not stored elsewhere: the next day with a free sequence. */
  nextNear(region: string, birthMs: number, gender: '1' | '2'): string {
    const r = this.index.get(region)!;
    let day = Math.round((birthMs - EPOCH) / DAY);
    while (this.used[(r * DAYS_SPAN + day) * 2 + (gender === '1' ? 0 : 1)] >= (gender === '1' ? 500 : 499)) day += 1;
    return this.next(region, EPOCH + day * DAY, gender);
  }
}

// ------------------------------------------------------------------------- the seeder
export async function seedDemo(strapi: Core.Strapi, opts: SeedOptions): Promise<Summary> {
  const t0 = Date.now();
  const total = Math.max(0, Math.floor(opts.students));
  const rng = new Rng(opts.seed >>> 0 || 1);
  const docIds = new DocumentIds(new Rng((opts.seed ^ 0x5bd1e995) >>> 0 || 2));
  const cfg: any = strapi.config.get('xueji') ?? {};
  const caps = cfg.classCaps ?? {};
  const entryAge = { minAge: 6, cutoffMonth: 8, cutoffDay: 31, ...(cfg.entryAge ?? {}) };
  const now = new Date();
  const today = chinaDateOf(now);
  const year = schoolYearOf(today);
  const dialect = dialectOf(strapi);
  const ts = timestampValue(dialect, now);
  const stamp = { createdAt: ts, updatedAt: ts, publishedAt: ts, locale: null };

  const authorityRows = rowBuilder(strapi, UID.authority);
  const schoolRows = rowBuilder(strapi, UID.school);
  const classRows = rowBuilder(strapi, UID.cls);
  const studentRows = rowBuilder(strapi, UID.student);
  const memberRows = rowBuilder(strapi, UID.member);
  const authorityParent = linkOf(strapi, UID.authority, 'parent');
  const schoolAuthority = linkOf(strapi, UID.school, 'authority');
  const schoolCentral = linkOf(strapi, UID.school, 'centralSchool');
  const classSchool = linkOf(strapi, UID.cls, 'school');
  const studentClass = linkOf(strapi, UID.student, 'schoolClass');
  const studentSchool = linkOf(strapi, UID.student, 'school');
  const studentFamily = componentLinkOf(strapi, UID.student, 'family');

  const phase = (name: Parameters<NonNullable<SeedOptions['onPhase']>>[0]) => opts.onPhase?.(name, (Date.now() - t0) / 1000);
  const summary: Summary = { authorities: 0, schools: 0, classes: 0, students: 0, familyMembers: 0, changeRequests: 0, seconds: 0 };

  await strapi.db.transaction(async ({ trx }: any) => {
    const w = new BulkWriter(trx, dialect, schemaOf(strapi));

    // ---------------------------------------------------------------- authorities
    const authorityId = new Map<string, number>();
    const authorities: Row[] = [];
    const parents: Row[] = [];
    const addAuthority = async (name: string, code: string, level: 'province' | 'city' | 'county', parent: string | null, address: string, phone: string) => {
      const id = await w.takeId(authorityRows.table);
      authorityId.set(code, id);
      authorities.push(authorityRows.row({
        id, documentId: docIds.next(), name, unitCode: `11${code}${rng.digits(9)}${rng.int(0, 9)}`, level, regionCode: code,
        address, phone, areaType: level === 'county' ? null : '城市',
        provinceCode: `${code.slice(0, 2)}0000`, cityCode: level === 'province' ? null : `${code.slice(0, 4)}00`,
        countyCode: level === 'county' ? code : null, schoolCode: null, ...stamp,
      }));
      if (parent) parents.push(authorityParent.row(id, authorityId.get(parent)!));
    };
    await addAuthority(DEMO_PROVINCE.bureau, DEMO_PROVINCE.code, 'province', null, DEMO_PROVINCE.address, DEMO_PROVINCE.phone);
    for (const c of DEMO_CITIES) await addAuthority(c.bureau, c.code, 'city', DEMO_PROVINCE.code, c.address, c.phone);
    for (const c of DEMO_COUNTIES) {
      await addAuthority(c.bureau, c.code, 'county', c.city, `${c.prefix}${rng.pick(c.streets)}${rng.int(1, 300)}号`, `${c.areaPhone}-${rng.int(5, 6)}${rng.digits(7)}`);
    }
    await w.insert(authorityRows.table, authorities);
    await w.insert(authorityParent.table, parents);
    summary.authorities = authorities.length;

    // ---------------------------------------------------------------- schools
    const countyOf = new Map(DEMO_COUNTIES.map((c) => [c.code, c]));
    const targetSchools = Math.max(BASE_SCHOOLS.length, Math.round(total / 500));
    const specs: Array<{ county: DemoCounty; kind: KindKey; name: string; area: string; village?: string }> = BASE_SCHOOLS.map(([county, kind, name, area, village]) => ({
      county: countyOf.get(county)!, kind, name, area: area!, village,
    }));
    const extraNumber = new Map<string, number>();
    for (let i = specs.length; i < targetSchools; i++) {
      const county = DEMO_COUNTIES[i % DEMO_COUNTIES.length];
      const kind = EXTRA_KINDS.pick(rng);
      const key = `${county.code}:${kind}`;
      const n = (extraNumber.get(key) ?? 1) + 1;
      extraNumber.set(key, n);
      specs.push({ county, kind, name: `${county.prefix}第${chineseNumber(n)}${EXTRA_SUFFIX[kind]}`, area: rng.pick(county.areas) });
    }
    // Codes rise in generation order, so 琥珀小学 has the lowest 小学 code of 蜀山区.
    let codeSeq = 100000;
    const schoolIds = await w.takeIds(schoolRows.table, specs.length);
    const schools: SchoolPlan[] = specs.map((s, idx) => {
      codeSeq += rng.int(1, 9);
      const kind = KINDS[s.kind];
      const code = `${kind.category}34${String(codeSeq).padStart(6, '0')}`;
      return {
        idx, id: schoolIds[idx], documentId: docIds.next(), name: s.name, code, kind: s.kind, county: s.county, area: s.area,
        grades: gradesOfSchool(kind.system, kind.category), classesPerGrade: 1, scope: scopeColumnsFor(s.county.code, code),
      };
    });
    // 教学点 belong to the central school listed just before them.
    let central: SchoolPlan | undefined;
    for (const s of schools) {
      if (s.kind === 'point' && central) s.centralIdx = central.idx;
      else if (s.name.endsWith('中心学校') && s.kind === 'primary') central = s;
    }

    // Classes per grade: about TARGET_CLASS_SIZE pupils per class over all schools (2–6 when the
    // province is big enough; 教学点 one class per grade).
    const gradeSlots = schools.reduce((n, s) => n + s.grades.length * (s.kind === 'point' ? 0.4 : 1), 0);
    const avg = total / (TARGET_CLASS_SIZE * Math.max(1, gradeSlots));
    const minPerGrade = avg >= 2 ? 2 : 1;
    for (const s of schools) {
      s.classesPerGrade = s.kind === 'point' ? 1 : Math.min(6, Math.max(minPerGrade, Math.round(avg * rng.range(0.6, 1.5))));
    }
    const effCap = (s: SchoolPlan, grade: number) => classCapFor(stageOfGrade(grade, KINDS[s.kind].system), caps) - CAP_HEADROOM;
    const capacity = () => schools.reduce((n, s) => n + s.grades.reduce((m, g) => m + effCap(s, g) * s.classesPerGrade, 0), 0);
    while (capacity() < total) {
      const open = schools.filter((s) => s.kind !== 'point' && s.classesPerGrade < 6);
      if (!open.length) throw new Error(`seed: ${total} students do not fit into ${schools.length} schools`);
      rng.pick(open).classesPerGrade += 1;
    }

    const schoolData: Row[] = [];
    const schoolLinks: Row[] = [];
    const centralLinks: Row[] = [];
    for (const s of schools) {
      const kind = KINDS[s.kind];
      const c = s.county;
      schoolData.push(schoolRows.row({
        id: s.id, documentId: s.documentId, name: s.name, code: s.code, localNumber: `${c.code}${String(s.idx + 1).padStart(4, '0')}`,
        category: kind.category, schoolType: kind.schoolType, schoolingSystem: kind.system, ownership: '1',
        urbanRural: s.kind === 'point' ? '220' : c.urban ? '111' : '121', regionCode: c.code,
        address: s.kind === 'point' ? `${c.prefix}${s.area}镇${specs[s.idx].village ?? rng.pick(c.villages)}村` : `${c.prefix}${rng.pick(c.streets)}${rng.int(1, 500)}号`,
        phone: `${c.areaPhone}-${rng.int(5, 6)}${rng.digits(7)}`, ...s.scope, ...stamp,
      }));
      schoolLinks.push(schoolAuthority.row(s.id, authorityId.get(c.code)!));
      if (s.centralIdx !== undefined) centralLinks.push(schoolCentral.row(s.id, schools[s.centralIdx].id));
    }
    await w.insert(schoolRows.table, schoolData);
    await w.insert(schoolAuthority.table, schoolLinks);
    await w.insert(schoolCentral.table, centralLinks);
    summary.schools = schools.length;

    // ---------------------------------------------------------------- classes (cohorts)
    const classes: ClassPlan[] = [];
    for (const s of schools) {
      const system = KINDS[s.kind].system;
      const graduating = graduatingGrades(system, KINDS[s.kind].category);
      // A cohort is founded at the first grade of the school's stage run: in 一贯制 schools
      // primary pupils move on internally; in a 完全中学 senior classes are new cohorts.
      const cohortStart = (g: number) => {
        let f = g;
        while (s.grades.includes(f - 1) && !graduating.includes(f - 1)) f -= 1;
        return f;
      };
      const usedNumbers = new Map<number, number>(); // founded year → numbers used (cohort key)
      for (const g of s.grades) {
        const founded = year - (g - cohortStart(g));
        for (let k = 0; k < s.classesPerGrade; k++) {
          const number = (usedNumbers.get(founded) ?? 0) + 1;
          usedNumbers.set(founded, number);
          classes.push({ id: 0, documentId: docIds.next(), school: s, grade: g, number, founded, stage: stageOfGrade(g, system), size: 0 });
        }
      }
    }
    // Sizes: weighted shares of the total, under the cap less the headroom.
    const weights = classes.map((c) => rng.range(0.85, 1.15) * (c.school.kind === 'point' ? 0.4 : 1));
    const weightSum = weights.reduce((a, b) => a + b, 0);
    let assigned = 0;
    classes.forEach((c, i) => {
      c.size = Math.min(effCap(c.school, c.grade), Math.floor((total * weights[i]) / weightSum));
      assigned += c.size;
    });
    for (let i = 0; assigned < total; i = (i + 1) % classes.length) {
      const c = classes[i];
      if (c.size < effCap(c.school, c.grade)) {
        c.size += 1;
        assigned += 1;
      }
    }
    const classIds = await w.takeIds(classRows.table, classes.length);
    const classData: Row[] = [];
    const classLinks: Row[] = [];
    classes.forEach((c, i) => {
      c.id = classIds[i];
      const system = KINDS[c.school.kind].system;
      classData.push(classRows.row({
        id: c.id, documentId: c.documentId, name: className(c.grade, c.number, system), grade: c.grade, number: c.number,
        foundedYearMonth: `${c.founded}09`, headTeacher: adultName(rng, rng.chance(0.7) ? '2' : '1').name, schoolingSystem: system,
        classType: '1', honours: rng.chance(0.05) ? `${c.school.county.cityName}优秀班集体` : null, ...c.school.scope, ...stamp,
      }));
      classLinks.push(classSchool.row(c.id, c.school.id));
    });
    await w.insert(classRows.table, classData);
    await w.insert(classSchool.table, classLinks);
    summary.classes = classes.length;

    // ---------------------------------------------------------------- students
    const counties = anhuiCounties();
    const idSeq = new IdSequences(counties);
    const counters = await loadCounters(trx, w);
    const nextCounter = (key: string) => {
      const n = (counters.get(key) ?? 0) + 1;
      counters.set(key, n);
      return n;
    };
    let students: Row[] = [];
    let members: Row[] = [];
    let cmps: Row[] = [];
    let links1: Row[] = [];
    let links2: Row[] = [];
    let validated = 0;
    let twinsMade = 0;
    // A large province into empty tables: indexes and constraints are rebuilt once after the load.
    const studentsEmpty = dialect === 'postgres' && total >= DEFER_INDEXES_FROM
      && !(await trx.raw(`SELECT EXISTS (SELECT 1 FROM ${w.table(studentRows.table)}) AS e`)).rows[0].e;
    const restoreIndexes = studentsEmpty
      ? await w.deferIndexes([studentRows.table, memberRows.table, studentFamily.table, studentClass.table, studentSchool.table])
      : null;

    // PostgreSQL: one statement per batch, sent before the next batch is generated (at most one
    // in flight, so memory stays bounded); SQLite writes synchronously anyway.
    const flush = async () => {
      const parts: Array<[string, Row[]]> = [
        [studentRows.table, students], [memberRows.table, members], [studentFamily.table, cmps],
        [studentClass.table, links1], [studentSchool.table, links2],
      ];
      summary.students += students.length;
      summary.familyMembers += members.length;
      students = []; members = []; cmps = []; links1 = []; links2 = [];
      await w.insertAllInBackground(parts);
      opts.onProgress?.(summary.students, total);
    };

    const cutoff = (y: number) => Date.UTC(y, entryAge.cutoffMonth - 1, entryAge.cutoffDay);
    const otherCounty = (c: DemoCounty) => {
      const near = neighbourCounties(c.city, c.code);
      return rng.chance(0.67) && near.length ? rng.pick(near) : rng.pick(counties);
    };

    for (const cls of classes) {
      const s = cls.school;
      const c = s.county;
      const system = KINDS[s.kind].system;
      const senior = cls.stage === 'senior';
      const grade1Entry = year - (cls.grade - 1);
      const bornFrom = cutoff(grade1Entry - entryAge.minAge - 1) + DAY;
      const bornTo = cutoff(grade1Entry - entryAge.minAge);
      const ids = await w.takeIds(studentRows.table, cls.size);
      const memberIds = await w.takeIds(memberRows.table, cls.size * 2);
      let twinsLeft = 0;
      let family: any = null;

      for (let seat = 0; seat < cls.size; seat++) {
        const id = ids[seat];
        const documentId = docIds.next();
        const gender: '1' | '2' = rng.chance(0.52) ? '1' : '2';
        const forceTwins = twinsMade === 0 && seat === 0 && cls.size >= 2;
        let guardianFiled = false;
        let birthMs: number;
        let hukou: string;
        let surname;
        if (twinsLeft > 0) {
          // The second twin: same birth day, family and guardian.
          twinsLeft -= 1;
          guardianFiled = true;
          birthMs = family.birthMs;
          hukou = family.hukou;
          surname = family.surname;
        } else {
          const older = rng.chance(0.02) ? 365 * DAY : 0;
          birthMs = bornFrom - older + rng.int(0, Math.round((bornTo - bornFrom) / DAY)) * DAY;
          const roll = rng.next();
          hukou = roll < 0.85 ? c.code : otherCounty(c);
          surname = pickSurname(rng);
          family = null;
          if ((forceTwins || rng.chance(0.0025)) && seat + 1 < cls.size) {
            twinsLeft = 1;
            guardianFiled = true;
            twinsMade += 1;
          } else if (rng.chance(0.001)) {
            guardianFiled = true;
          }
        }
        const birthDate = isoDay(birthMs);
        const child: PersonName = childName(rng, gender, surname);
        if (family && child.name === family.firstChildName) child.name += rng.pick(['晗', '玥', '琛', '瑜']);

        if (!family) {
          const fatherBorn = Date.UTC(new Date(birthMs).getUTCFullYear() - rng.int(25, 40), 0, 1) + rng.int(0, 364) * DAY;
          let motherBorn = fatherBorn + rng.int(-3 * 365, 5 * 365) * DAY;
          const latest = Date.UTC(new Date(birthMs).getUTCFullYear() - 22, 0, 1);
          if (motherBorn > latest) motherBorn = latest - rng.int(0, 5 * 365) * DAY;
          const fatherHukou = rng.chance(0.8) ? hukou : rng.pick(counties);
          const motherHukou = rng.chance(0.7) ? fatherHukou : rng.pick(counties);
          const father = adultName(rng, '1', surname);
          const mother = adultName(rng, '2');
          const address = homeAddress(rng, c);
          const employer = () => (rng.chance(0.4) ? rng.pick(EMPLOYERS_COMMON) : `${c.cityName}${rng.pick(c.areas)}${rng.pick(INDUSTRIES)}有限公司`);
          const ethnicity = ETHNICITIES.pick(rng);
          family = {
            birthMs, hukou, surname, address, ethnicity, firstChildName: child.name, hukouType: rng.chance(c.urban ? 0.85 : 0.3) ? '2' : '1',
            father: {
              name: father.name, relation: '1', address, hukouRegion: toRegion12(fatherHukou), phone: mobile(rng), isGuardian: '1', idType: '1',
              idNumber: idSeq.nextNear(fatherHukou, fatherBorn, '1'), ethnicity, employer: employer(), title: rng.pick(TITLES),
            },
            mother: {
              name: mother.name, relation: '2', address, hukouRegion: toRegion12(motherHukou), phone: mobile(rng), isGuardian: '1', idType: '1',
              idNumber: idSeq.nextNear(motherHukou, motherBorn, '2'), ethnicity: rng.chance(0.97) ? ethnicity : ETHNICITIES.pick(rng),
              employer: employer(), title: rng.pick(TITLES),
            },
          };
        }

        const entryYear = cls.founded;
        const rural = !c.urban;
        const idNumber = guardianFiled ? family.father.idNumber : idSeq.next(hukou, birthMs, gender);
        const studentNumber = guardianFiled
          ? jStudentNumber(c.code, birthDate, nextCounter(`J:${c.code}:${birthDate.replace(/-/g, '')}`))
          : formalStudentNumber(idNumber, now);
        const distance = Math.round(rng.range(0.3, rural ? 12 : 5) * 10) / 10;
        const schoolBus = rural && distance > 3 && rng.chance(0.3) ? '1' : '0';
        const needsAid = rng.chance(rural ? 0.1 : 0.04) ? '1' : '0';
        const data: Record<string, any> = {
          id, documentId, name: child.name, gender, birthDate, birthPlace: toRegion12(rng.chance(0.9) ? hukou : rng.pick(counties)),
          nativePlace: toRegion12(rng.chance(0.7) ? hukou : rng.pick(counties)), ethnicity: family.ethnicity, nationality: '156',
          idType: guardianFiled ? 'Z' : '1', idNumber, hmtStatus: '00',
          politicalStatus: cls.stage === 'primary' ? null : rng.chance(senior ? 0.7 : 0.25) ? '03' : '13',
          health: HEALTH.pick(rng), namePinyin: child.pinyin, formerName: null, idValidity: null,
          hukouRegion: toRegion12(hukou), hukouType: family.hukouType,
          specialty: rng.chance(0.15) ? rng.pick(SPECIALTIES) : null, auxNumber: null, seatNumber: pad2(seat + 1),
          grade: cls.grade, entryYearMonth: `${entryYear}09`,
          entryMethod: senior ? (rng.chance(0.95) ? '21' : rng.pick(['22', '23'])) : rng.chance(0.97) ? '11' : '12',
          studyMode: rng.chance(senior ? 0.45 : rural && cls.stage === 'junior' ? 0.2 : 0) ? '2' : '1',
          studentSource: rng.chance(0.97) ? '1' : rng.pick(['2', '3']),
          currentAddress: family.address, mailingAddress: family.address, homeAddress: family.address,
          phone: rng.chance(0.5) ? family.father.phone : family.mother.phone, postcode: c.postcode,
          email: rng.chance(0.05) ? `${child.pinyin.replace(/\s+/g, '').toLowerCase()}${rng.digits(4)}@163.com` : null, homepage: null,
          onlyChild: family.firstChildName !== child.name || twinsLeft > 0 ? '0' : rng.chance(c.urban ? 0.55 : 0.3) ? '1' : '0',
          preschooled: rng.chance(0.95) ? '1' : '0',
          leftBehind: rural && rng.chance(0.11) ? rng.pick(['1', '1', '2']) : '0',
          migrantChild: hukou.slice(0, 4) !== c.code.slice(0, 4) ? '1' : '0',
          orphan: '0', martyrChild: rng.chance(0.001) ? '1' : '0', inclusiveEducation: '0', disability: '0',
          govFundedPlace: '0', needsAid, oneSubsidy: needsAid === '1' && rural && cls.stage !== 'senior' ? '1' : '0',
          commuteDistance: distance,
          commuteMode: schoolBus === '1' ? '5' : distance < 1.5 ? '1' : c.urban ? rng.pick(['3', '4', '4', '2']) : rng.pick(['2', '4', '9']),
          schoolBus, idIsGuardians: guardianFiled, studentNumber,
          regionalNumber: formatRegionalNumber(c.code, entryYear, nextCounter(`R:${c.code}:${entryYear}`)),
          registrationStatus: 'registered', enrollmentStatus: '01', ...s.scope, ...stamp,
        };
        data.identityKey = identityKeyOf(data);

        if (validated < 50 || summary.students + students.length === Math.floor(total / 2)) {
          // Same rules as the Document Service path, on a sample (cheap; fails the seed loudly).
          checkStudentFields({ ...data, family: [family.father, family.mother] }, { entryAge, today: now });
          checkCodes(strapi, UID.student, data);
          checkCodes(strapi, UID.member, family.father);
          validated += 1;
        }

        students.push(studentRows.row(data));
        const m1 = memberIds[seat * 2];
        const m2 = memberIds[seat * 2 + 1];
        members.push(memberRows.row({ id: m1, ...family.father }), memberRows.row({ id: m2, ...family.mother }));
        cmps.push(studentFamily.row(id, m1, 1), studentFamily.row(id, m2, 2));
        links1.push(studentClass.row(id, cls.id));
        links2.push(studentSchool.row(id, s.id));
      }
      if (students.length >= BATCH) await flush();
    }
    await flush();
    await w.drain();
    phase('loaded');
    if (restoreIndexes) await restoreIndexes();
    phase('indexed');

    // Counters continue after the seed (地区学号 per county and year, J numbers per region and day).
    await saveCounters(w, counters);
  });

  phase('committed');
  // Fresh statistics after a bulk load (PostgreSQL also VACUUM: visibility map for index-only scans).
  await strapi.db.connection.raw(dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
  phase('analyzed');
  summary.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return summary;
}

function homeAddress(rng: Rng, c: DemoCounty): string {
  if (c.urban || rng.chance(0.35)) {
    const base = `${c.urban ? c.cityName : ''}${c.urban ? c.name : c.prefix}${rng.pick(c.streets)}${rng.int(1, 600)}号`;
    return rng.chance(0.8) ? `${base}${rng.int(1, 30)}栋${rng.int(1, 4)}单元${rng.int(1, 28)}0${rng.int(1, 4)}室` : base;
  }
  return `${c.prefix}${rng.pick(c.areas)}镇${rng.pick(c.villages)}村${rng.pick(['一', '二', '三', '四', '五', '六', '七', '八'])}组${rng.int(1, 80)}号`;
}

async function loadCounters(trx: any, w: BulkWriter): Promise<Map<string, number>> {
  const rows = await trx.raw(`SELECT "key", "value" FROM ${w.table(COUNTER_TABLE)} WHERE "key" LIKE 'R:%' OR "key" LIKE 'J:%'`);
  const list: any[] = Array.isArray(rows) ? rows : rows.rows;
  return new Map(list.map((r) => [String(r.key), Number(r.value)]));
}

async function saveCounters(w: BulkWriter, counters: Map<string, number>): Promise<void> {
  const entries = [...counters.entries()];
  const table = w.table(COUNTER_TABLE);
  for (let i = 0; i < entries.length; i += 5000) {
    const chunk = entries.slice(i, i + 5000);
    await w.trx.raw(
      `INSERT INTO ${table} ("key", "value") VALUES ${chunk.map(() => '(?, ?)').join(', ')} ` +
      `ON CONFLICT ("key") DO UPDATE SET "value" = CASE WHEN excluded."value" > ${table}."value" THEN excluded."value" ELSE ${table}."value" END`,
      chunk.flat());
  }
}
