import { describe, it, expect } from 'vitest';
import { buildRoster, publicClasses, assertPublishable, diffRosters, rosterCsv, rosterEtag, rosterKey } from '../../src/domain/rosters';
import { parseLookup, RateLimiter } from '../../src/domain/status-lookup';
import { errorOf } from './helpers';

const rows = [
  { key: 'k1', name: '王小明', gender: '1', grade: 7, classNumber: 2, className: '初一(2)班' },
  { key: 'k2', name: '张三', gender: '2', grade: 7, classNumber: 1, className: '初一(1)班' },
  { key: 'k3', name: '欧阳娜娜', gender: null, grade: 8, classNumber: 1, className: '初二(1)班' },
];

describe('buildRoster', () => {
  it('classes by grade and number, masked names, gender labels, nothing else', () => {
    const r = buildRoster(rows);
    expect(publicClasses(r)).toEqual([
      { grade: 7, name: '初一(1)班', students: [{ name: '张*', gender: '女' }] },
      { grade: 7, name: '初一(2)班', students: [{ name: '王*明', gender: '男' }] },
      { grade: 8, name: '初二(1)班', students: [{ name: '欧**娜', gender: '未说明' }] },
    ]);
    expect(() => assertPublishable(r)).not.toThrow();
  });

  it('refuses an unmasked name, an ID-like value or an extra field', () => {
    const r = buildRoster(rows);
    r[0].students[0].name = '张三';
    expect(errorOf(() => assertPublishable(r)).code).toBe('ROSTER_NAME_UNMASKED');
    const r2 = buildRoster(rows) as any;
    r2[0].students[0].idNumber = '340104201001010011';
    expect(errorOf(() => assertPublishable(r2)).code).toBe('ROSTER_FIELDS');
    const r3 = buildRoster(rows);
    r3[1].students[0].name = '2010-01-01';
    expect(errorOf(() => assertPublishable(r3)).code).toBe('ROSTER_NAME_UNMASKED');
  });

  it('keys are opaque and stable; the ETag follows the content', () => {
    expect(rosterKey('abc')).toBe(rosterKey('abc'));
    expect(rosterKey('abc')).toMatch(/^[0-9a-f]{16}$/);
    const a = buildRoster(rows);
    expect(rosterEtag('S', '2026-2027', a)).toBe(rosterEtag('S', '2026-2027', buildRoster(rows)));
    expect(rosterEtag('S', '2026-2027', a)).not.toBe(rosterEtag('S', '2027-2028', a));
  });
});

describe('diffRosters', () => {
  it('added, changed and removed per class; a class move is removed + added', () => {
    const before = buildRoster(rows);
    const after = buildRoster([
      { ...rows[0], classNumber: 1, className: '初一(1)班' }, // moved class
      { ...rows[1], name: '张叁丰' },                          // renamed
      { key: 'k4', name: '李四', gender: '1', grade: 8, classNumber: 1, className: '初二(1)班' }, // new; k3 left
    ]);
    expect(diffRosters(before, after)).toEqual([
      { grade: 7, name: '初一(1)班', added: [{ id: 'k1', name: '王*明', gender: '男' }], changed: [{ id: 'k2', name: '张*丰', gender: '女' }], removed: [] },
      { grade: 7, name: '初一(2)班', added: [], changed: [], removed: [{ id: 'k1' }] },
      { grade: 8, name: '初二(1)班', added: [{ id: 'k4', name: '李*', gender: '男' }], changed: [], removed: [{ id: 'k3' }] },
    ]);
    expect(diffRosters(before, before)).toEqual([]);
  });
});

describe('rosterCsv', () => {
  it('BOM, header, one line per student', () => {
    const csv = rosterCsv(buildRoster(rows));
    expect(csv.startsWith('\ufeff年级,班级,姓名,性别\r\n')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(4);
  });
});

describe('status look-up', () => {
  it('checks and normalises the input', () => {
    expect(parseLookup({ name: ' 张三 ', idNumber: '３４０１０４２０１００１０１００１x' })).toEqual({ name: '张三', idNumber: '34010420100101001X' });
    expect(errorOf(() => parseLookup({ name: '', idNumber: '340104201001010011' })).code).toBe('LOOKUP_INVALID');
    expect(errorOf(() => parseLookup({ name: '张三', idNumber: '12' })).code).toBe('LOOKUP_INVALID');
    expect(errorOf(() => parseLookup(null)).code).toBe('LOOKUP_INVALID');
  });

  it('rate limit: a sliding window per client', () => {
    const rl = new RateLimiter(3, 60_000);
    const t = 1_000_000;
    expect([rl.hit('a', t), rl.hit('a', t + 1), rl.hit('a', t + 2)]).toEqual([0, 0, 0]);
    expect(rl.hit('a', t + 3)).toBe(60);
    expect(rl.hit('b', t + 3)).toBe(0);
    expect(rl.hit('a', t + 60_001)).toBe(0);
  });
});
