import { describe, it, expect } from 'vitest';
import { confirmationAccepted, decideSeed, decideStart, describeDatabase, REFUSAL, type SeedSituation, type StartSituation } from '../../src/seed/demo-guard';

describe('decideStart: demo data and logins at start', () => {
  const base: StartSituation = { production: false, seedEnabled: true, marked: false, dataRows: 0, adminUsers: 0 };
  it('first start of an empty database: seed (then mark and create the logins)', () => {
    expect(decideStart(base)).toBe('seed');
  });
  it('a restarted demo database re-ensures the logins only', () => {
    expect(decideStart({ ...base, marked: true, dataRows: 1234, adminUsers: 5 })).toBe('accounts');
  });
  it('a marked demo database whose rows were emptied is seeded again', () => {
    expect(decideStart({ ...base, marked: true, dataRows: 0, adminUsers: 5 })).toBe('seed');
  });
  it('data without the demo mark: nothing, no demo logins', () => {
    expect(decideStart({ ...base, dataRows: 1 })).toBe('none');
    expect(decideStart({ ...base, dataRows: 20000, adminUsers: 3 })).toBe('none');
  });
  it('no data but admin accounts and no mark (someone set it up): nothing', () => {
    expect(decideStart({ ...base, adminUsers: 1 })).toBe('none');
  });
  it('demo seeding off: nothing, even on an empty or a marked database', () => {
    expect(decideStart({ ...base, seedEnabled: false })).toBe('none');
    expect(decideStart({ ...base, seedEnabled: false, marked: true, dataRows: 10 })).toBe('none');
  });
  it('production: nothing, whatever the database', () => {
    expect(decideStart({ ...base, production: true })).toBe('none');
    expect(decideStart({ ...base, production: true, marked: true, dataRows: 10 })).toBe('none');
  });
});

describe('decideSeed: scripts/seed-demo.ts', () => {
  const base: SeedSituation = { production: false, marked: false, dataRows: 0, adminUsers: 0, reset: false, yes: false, interactive: false };

  it('production: always refused, even a marked database with --reset --yes', () => {
    for (const s of [base, { ...base, marked: true, dataRows: 9, reset: true, yes: true, interactive: true }]) {
      expect(decideSeed({ ...s, production: true })).toEqual({ action: 'refuse', code: 'PRODUCTION', message: REFUSAL.PRODUCTION });
    }
  });
  it('a fresh empty database is seeded without asking', () => {
    expect(decideSeed(base)).toEqual({ action: 'seed', confirm: false });
    expect(decideSeed({ ...base, reset: true })).toEqual({ action: 'seed', confirm: false });
  });
  it('rows without the demo mark: refused, with or without --reset, even with --yes', () => {
    for (const extra of [{}, { reset: true }, { reset: true, yes: true }, { reset: true, yes: true, interactive: true }]) {
      const d = decideSeed({ ...base, dataRows: 1, ...extra });
      expect(d).toEqual({ action: 'refuse', code: 'NOT_DEMO', message: REFUSAL.NOT_DEMO });
    }
  });
  it('a marked database with rows needs --reset', () => {
    expect(decideSeed({ ...base, marked: true, dataRows: 5 })).toMatchObject({ action: 'refuse', code: 'NOT_EMPTY' });
  });
  it('--reset on a marked database: asked at a terminal, --yes skips the question', () => {
    const s = { ...base, marked: true, dataRows: 5, reset: true };
    expect(decideSeed({ ...s, interactive: true })).toEqual({ action: 'reset', confirm: true });
    expect(decideSeed({ ...s, yes: true })).toEqual({ action: 'reset', confirm: false });
    expect(decideSeed({ ...s, yes: true, interactive: true })).toEqual({ action: 'reset', confirm: false });
  });
  it('--reset without a terminal and without --yes: refused', () => {
    expect(decideSeed({ ...base, marked: true, dataRows: 5, reset: true })).toMatchObject({ action: 'refuse', code: 'NEED_CONFIRM' });
  });
  it('no rows but admin accounts and no mark: seeding (which marks it) is confirmed first', () => {
    const s = { ...base, adminUsers: 2 };
    expect(decideSeed({ ...s, interactive: true })).toEqual({ action: 'seed', confirm: true });
    expect(decideSeed({ ...s, yes: true })).toEqual({ action: 'seed', confirm: false });
    expect(decideSeed(s)).toMatchObject({ action: 'refuse', code: 'NEED_CONFIRM' });
    expect(decideSeed({ ...s, marked: true })).toEqual({ action: 'seed', confirm: false });
  });
  it('every refusal says it in Chinese and in English', () => {
    for (const m of Object.values(REFUSAL)) {
      expect(m).toMatch(/[\u4e00-\u9fff]/);
      expect(m).toMatch(/Refused/);
    }
  });
});

describe('confirmationAccepted', () => {
  it('accepts the database name or yes', () => {
    expect(confirmationAccepted('xueji', 'xueji')).toBe(true);
    expect(confirmationAccepted('  xueji \n', 'xueji')).toBe(true);
    expect(confirmationAccepted('yes', 'xueji')).toBe(true);
    expect(confirmationAccepted('YES', 'data.db')).toBe(true);
    expect(confirmationAccepted('data.db', 'data.db')).toBe(true);
  });
  it('refuses anything else', () => {
    for (const a of ['', '  ', 'y', 'no', 'xueji2', 'Xueji', null, undefined]) expect(confirmationAccepted(a as any, 'xueji')).toBe(false);
    expect(confirmationAccepted('', '')).toBe(false);
  });
});

describe('describeDatabase', () => {
  it('SQLite: the file path, named by its file name', () => {
    expect(describeDatabase({ client: 'sqlite', connection: { filename: '/srv/xueji/.tmp/data.db' } }))
      .toEqual({ client: 'sqlite', name: 'data.db', label: '/srv/xueji/.tmp/data.db' });
  });
  it('PostgreSQL from DATABASE_URL: host, port and database, never the password', () => {
    const d = describeDatabase({ client: 'postgres', connection: { connectionString: 'postgres://xueji:s3cret@db-host:5433/xueji_prod', host: 'localhost', database: 'strapi' } });
    expect(d).toEqual({ client: 'postgres', name: 'xueji_prod', label: 'postgres://xueji@db-host:5433/xueji_prod' });
    expect(JSON.stringify(d)).not.toContain('s3cret');
  });
  it('PostgreSQL from separate fields', () => {
    expect(describeDatabase({ client: 'postgres', connection: { host: 'h', port: 5432, database: 'd', user: 'u', password: 'p' } }))
      .toEqual({ client: 'postgres', name: 'd', label: 'postgres://u@h:5432/d' });
  });
});
