/**
 * Lists at a province's scale (issue 13; src/server/list-speed.ts): the Content Manager list
 * carries only its layout's columns, deep pages (deferred join) are the rows of a plain OFFSET
 * query in the caller's scope, counts are exact up to the cap and flagged approximate above it
 * (PostgreSQL), and the REST API and the edit view keep their full responses.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { getStrapi, CM } from './harness';
import { demo, STUDENT } from './change-kit';

let strapi: any;
let knex: any;
const isPg = () => strapi.db.dialect.client === 'postgres';
let lists: any;
beforeAll(async () => { strapi = await getStrapi(); knex = strapi.db.connection; lists = strapi.config.get('xueji.lists'); });
const setCap = (n: number) => strapi.config.set('xueji.lists', { ...lists, exactCountLimit: n });
afterEach(() => strapi.config.set('xueji.lists', lists));

/** The staff-scope code of a demo account. */
async function scopeOf(who: string): Promise<{ level: string; code: string }> {
  const user = await strapi.db.query('admin::user').findOne({ where: { email: `${who}@xueji.demo` } });
  return strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
}

/** The ids of a page by plain SQL: scope, ORDER BY name, id, OFFSET. */
async function plainPage(column: string, code: string, page: number, pageSize: number): Promise<number[]> {
  const rows = await knex('students').select('id').where(column, code).orderBy([{ column: 'name' }, { column: 'id' }]).offset((page - 1) * pageSize).limit(pageSize);
  return rows.map((r: any) => r.id);
}

const SCOPE = ['provinceCode', 'cityCode', 'countyCode', 'schoolCode'];
const LIST = ['name', 'gender', 'studentNumber', 'school', 'schoolClass', 'registrationStatus', 'enrollmentStatus'];

describe('lean Content Manager list', () => {
  it('answers the layout columns only: no family members, no unlisted fields; relations by name', async () => {
    const api = await demo('county');
    const res = await api.get(`${CM}/${STUDENT}?page=1&pageSize=20&sort=name:ASC`);
    expect(res.status).toBe(200);
    expect(res.body.results.length).toBe(20);
    for (const row of res.body.results) {
      expect(row.family).toBeUndefined();
      expect(row.idNumber).toBeUndefined();
      // The scope columns come along: the permission check evaluates the scope condition on them.
      for (const key of Object.keys(row)) expect(['id', 'documentId', 'status', ...SCOPE, ...LIST]).toContain(key);
      expect(typeof row.name).toBe('string');
      expect(Object.keys(row.school).sort()).toEqual(['documentId', 'id', 'name']);
    }
  });

  it('leaves the edit view and the REST-shaped reads whole', async () => {
    const api = await demo('county');
    const list = await api.get(`${CM}/${STUDENT}?page=1&pageSize=1`);
    const one = await api.get(`${CM}/${STUDENT}/${list.body.results[0].documentId}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveProperty('family');
    expect(one.body.data).toHaveProperty('countyCode');
    expect(typeof one.body.data.idNumber).toBe('string');
  });
});

describe('deep pages', () => {
  it.each(['county', 'school'])('a %s page deep in the list is the plain OFFSET page of the scope', async (who) => {
    const scope = await scopeOf(who);
    const column = `${scope.level}_code`;
    const [{ n }] = await knex('students').where(column, scope.code).count({ n: '*' });
    const pageSize = 10;
    const page = Math.max(2, Math.floor(Number(n) / pageSize) - 1);
    const api = await demo(who as any);
    const res = await api.get(`${CM}/${STUDENT}?page=${page}&pageSize=${pageSize}&sort=name:ASC`);
    expect(res.status).toBe(200);
    const expected = await plainPage(column, scope.code, page, pageSize);
    expect(expected.length).toBe(pageSize);
    expect(res.body.results.map((r: any) => r.id)).toEqual(expected);
    expect(res.body.pagination).toMatchObject({ page, pageSize, total: Number(n) });
  });

  it('a search (the user types a name) pages through matching rows of the scope only', async () => {
    const scope = await scopeOf('county');
    const [{ name }] = await knex('students').select('name').where('county_code', scope.code).orderBy('id').limit(1);
    const q = name.slice(0, 1);
    const api = await demo('county');
    const res = await api.get(`${CM}/${STUDENT}?page=2&pageSize=5&sort=name:ASC&_q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    // Strapi's own search (every text column), outside a request: the plain Document Service.
    const rows = await strapi.documents(STUDENT).findMany({ filters: { countyCode: scope.code }, _q: q, fields: ['id'], limit: -1 });
    expect(rows.length).toBeGreaterThan(5);
    expect(res.body.pagination.total).toBe(rows.length);
    const ids = new Set(rows.map((r: any) => r.id));
    for (const r of res.body.results) expect(ids.has(r.id)).toBe(true);
  });
});

describe('the lean list tried as an attacker', () => {
  it('a county official filtering through a relation on another county, on a deep page and with a tiny cap, gets nothing of it', async () => {
    const own = await scopeOf('county');
    const [other] = await knex('schools').select('code').whereNot('county_code', own.code).limit(1);
    const api = await demo('county');
    setCap(1); // the capped count and the estimate path, with the filter through the relation
    const paths = [
      `${CM}/${STUDENT}?page=1&pageSize=20&filters[school][code][$eq]=${other.code}`,
      `${CM}/${STUDENT}?page=3&pageSize=5&filters[school][code][$eq]=${other.code}`,
      `${CM}/${STUDENT}?page=2&pageSize=5&filters[$or][0][schoolCode][$eq]=${other.code}&filters[$or][1][countyCode][$ne]=${own.code}`,
    ];
    for (const path of paths) {
      const res = await api.get(path);
      expect(res.status, path).toBe(200);
      expect(res.body.results, path).toEqual([]);
      if (!res.body.pagination.approximate) expect(res.body.pagination.total, path).toBe(0);
    }
    // A deep page of its own county, populate asked for: rows of the county only, relations by main field.
    const deep = await api.get(`${CM}/${STUDENT}?page=4&pageSize=5&sort=name:ASC&populate[family]=true&populate[school][populate]=*`);
    expect(deep.status).toBe(200);
    expect(deep.body.results.length).toBe(5);
    for (const r of deep.body.results) {
      expect(r.countyCode).toBe(own.code);
      expect(r.family).toBeUndefined();
    }
  });
});

describe('counts', () => {
  it('a school list counts exactly, with no approximate flag', async () => {
    const scope = await scopeOf('school');
    const [{ n }] = await knex('students').where('school_code', scope.code).count({ n: '*' });
    const res = await (await demo('school')).get(`${CM}/${STUDENT}?page=1&pageSize=20`);
    expect(res.body.pagination.total).toBe(Number(n));
    expect(res.body.pagination.approximate).toBeUndefined();
  });

  it('above the exact-count cap (XUEJI_EXACT_COUNT_LIMIT) the total is an estimate, flagged (PostgreSQL); exact on SQLite', async () => {
    const scope = await scopeOf('province');
    const [{ n }] = await knex('students').where('province_code', scope.code).count({ n: '*' });
    setCap(100);
    await knex.raw('ANALYZE students'); // the estimate comes from the statistics
    const res = await (await demo('province')).get(`${CM}/${STUDENT}?page=1&pageSize=20`);
    expect(res.status).toBe(200);
    if (isPg()) {
      expect(res.body.pagination.approximate).toBe(true);
      expect(res.body.pagination.total).toBeGreaterThan(100);
      expect(Math.abs(res.body.pagination.total - Number(n)) / Number(n)).toBeLessThan(0.2);
    } else {
      expect(res.body.pagination).toMatchObject({ total: Number(n) });
      expect(res.body.pagination.approximate).toBeUndefined();
    }
    // Under the cap: exact again.
    setCap(Number(n));
    const exact = await (await demo('province')).get(`${CM}/${STUDENT}?page=1&pageSize=20`);
    expect(exact.body.pagination.total).toBe(Number(n));
    expect(exact.body.pagination.approximate).toBeUndefined();
  });
});
