/**
 * Public rosters (公示, SPEC §6): registered in-school students class by class with only what a
 * notice needs — masked name (张*明, 张*), gender, grade, class. Never ID numbers, birth dates,
 * addresses, family or photos: the roster is built from exactly these four fields, and
 * `assertPublishable` refuses anything else that slips in.
 *
 * Each student carries an opaque key (a hash of the record's document id, not personal data)
 * in the stored publication only, so `?since=` can say who was added, changed or removed per
 * class (OneRoster style) without the public list revealing it.
 */
import { createHash } from 'crypto';
import { DomainError } from './errors';
import { maskName } from './masking';
import { CODE_TABLES } from './code-tables';

export interface RosterSourceRow { key: string; name: string; gender: string | null; grade: number; classNumber: number | null; className: string | null }

export interface RosterStudent { id: string; name: string; gender: string }
export interface RosterClass { grade: number; name: string; students: RosterStudent[] }

/** Opaque, stable student key for diffs (never the ID number). */
export const rosterKey = (documentId: string): string => createHash('sha256').update(`xueji-roster:${documentId}`).digest('hex').slice(0, 16);

const GENDER: Record<string, string> = Object.fromEntries(CODE_TABLES.gender.map((g) => [g.code, g.label]));
export const genderLabel = (code: string | null): string => (code && GENDER[code]) || '未说明';

/** Classes of one school, ordered by grade and class number; students by their masked name, then key. */
export function buildRoster(rows: RosterSourceRow[]): RosterClass[] {
  const classes = new Map<string, RosterClass & { order: number }>();
  for (const r of rows) {
    const name = r.className ?? `${r.grade}年级（未分班）`;
    const k = `${r.grade}|${name}`;
    let c = classes.get(k);
    if (!c) classes.set(k, (c = { grade: r.grade, name, students: [], order: r.classNumber ?? 999 }));
    c.students.push({ id: r.key, name: maskName(r.name) ?? '', gender: genderLabel(r.gender) });
  }
  const out = [...classes.values()].sort((a, b) => a.grade - b.grade || a.order - b.order || a.name.localeCompare(b.name));
  for (const c of out) c.students.sort((a, b) => a.name.localeCompare(b.name, 'zh') || a.id.localeCompare(b.id));
  return out.map(({ grade, name, students }) => ({ grade, name, students }));
}

/** The public form: no keys. */
export const publicClasses = (classes: RosterClass[]) =>
  classes.map((c) => ({ grade: c.grade, name: c.name, students: c.students.map((s) => ({ name: s.name, gender: s.gender })) }));

/** Content hash of a roster (ETag; an unchanged roster is not published again). */
export function rosterEtag(schoolCode: string, schoolYear: string, classes: RosterClass[]): string {
  return createHash('sha256').update(JSON.stringify([schoolCode, schoolYear, classes])).digest('hex').slice(0, 32);
}

const ID_LIKE = /\d{6,}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月/;

/** Refuses a roster that carries anything but masked names, genders, grades and class names. */
export function assertPublishable(classes: RosterClass[]): void {
  for (const c of classes) {
    if (Object.keys(c).sort().join() !== 'grade,name,students') throw new DomainError('ROSTER_FIELDS', `公示名单只能包含年级、班级和学生：班级“${c.name}”含有其他字段`);
    for (const s of c.students) {
      if (Object.keys(s).sort().join() !== 'gender,id,name') throw new DomainError('ROSTER_FIELDS', '公示名单的学生只能包含姓名和性别');
      if (ID_LIKE.test(s.name) || (s.name.length > 1 && !s.name.includes('*'))) throw new DomainError('ROSTER_NAME_UNMASKED', '公示名单中的姓名必须脱敏');
    }
  }
}

export interface ClassChanges { grade: number; name: string; added: RosterStudent[]; changed: RosterStudent[]; removed: Array<{ id: string }> }

/**
 * What changed between two publications of a school, per class: a student who moved class is
 * removed from the old class and added to the new one; `changed` is a new masked name or gender.
 */
export function diffRosters(before: RosterClass[], after: RosterClass[]): ClassChanges[] {
  const where = (classes: RosterClass[]) => {
    const m = new Map<string, { cls: RosterClass; s: RosterStudent }>();
    for (const cls of classes) for (const s of cls.students) m.set(s.id, { cls, s });
    return m;
  };
  const old = where(before), now = where(after);
  const out = new Map<string, ClassChanges>();
  const of = (cls: RosterClass) => {
    const k = `${cls.grade}|${cls.name}`;
    let c = out.get(k);
    if (!c) out.set(k, (c = { grade: cls.grade, name: cls.name, added: [], changed: [], removed: [] }));
    return c;
  };
  for (const [id, n] of now) {
    const o = old.get(id);
    if (!o || o.cls.grade !== n.cls.grade || o.cls.name !== n.cls.name) {
      of(n.cls).added.push(n.s);
      if (o) of(o.cls).removed.push({ id });
    } else if (o.s.name !== n.s.name || o.s.gender !== n.s.gender) of(n.cls).changed.push(n.s);
  }
  for (const [id, o] of old) if (!now.has(id)) of(o.cls).removed.push({ id });
  return [...out.values()].sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name));
}

/** CSV of a roster (UTF-8 with BOM for Excel): 年级,班级,姓名,性别. */
export function rosterCsv(classes: RosterClass[]): string {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = ['年级,班级,姓名,性别'];
  for (const c of classes) for (const s of c.students) lines.push([c.grade, c.name, s.name, s.gender].map(cell).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
