import { describe, it, expect } from 'vitest';
import { typeaheadMatch } from '../../src/domain/typeahead';

const ethnic = [
  { value: '01', label: '汉族' }, { value: '02', label: '蒙古族' }, { value: '11', label: '满族' }, { value: '97', label: '其他' },
];
const gender = [{ value: '1', label: '男' }, { value: '2', label: '女' }, { value: '9', label: '未说明的性别' }];
const blood = [{ value: '1', label: 'A血型' }, { value: '2', label: 'B血型' }, { value: '3', label: 'O血型' }, { value: '4', label: 'AB血型' }];

describe('typeaheadMatch (type-to-choose on a closed select)', () => {
  it('chooses by the code typed: 0 1 is 汉族, 1 1 is 满族, 2 is 女', () => {
    expect(typeaheadMatch(ethnic, '01')?.label).toBe('汉族');
    expect(typeaheadMatch(ethnic, '11')?.label).toBe('满族');
    expect(typeaheadMatch(gender, '2')?.label).toBe('女');
  });
  it('chooses by the label when no code starts with the run (case does not matter)', () => {
    expect(typeaheadMatch(blood, 'ab')?.label).toBe('AB血型');
    expect(typeaheadMatch(blood, 'o')?.label).toBe('O血型');
  });
  it('steps through the options one character starts, after the current one, wrapping round', () => {
    expect(typeaheadMatch(blood, 'a')?.label).toBe('A血型');
    expect(typeaheadMatch(blood, 'a', '1')?.label).toBe('AB血型');
    expect(typeaheadMatch(blood, 'aa', '1')?.label).toBe('AB血型');
    expect(typeaheadMatch(blood, 'a', '4')?.label).toBe('A血型');
    expect(typeaheadMatch(ethnic, '0', '01')?.label).toBe('蒙古族');
  });
  it('chooses nothing when nothing starts with the run', () => {
    expect(typeaheadMatch(gender, '5')).toBeUndefined();
    expect(typeaheadMatch(ethnic, '03')).toBeUndefined();
    expect(typeaheadMatch(ethnic, '')).toBeUndefined();
  });
});
