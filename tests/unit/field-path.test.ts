import { describe, it, expect } from 'vitest';
import { fieldPathOf } from '../../src/domain/content-model';

const S = 'api::student.student';

describe('fieldPathOf: a domain error label → the attribute path the Content Manager marks', () => {
  it('a field of the type', () => {
    expect(fieldPathOf(S, '出生地')).toEqual(['birthPlace']);
    expect(fieldPathOf(S, '身份证件号')).toEqual(['idNumber']);
    expect(fieldPathOf(S, '家庭成员')).toEqual(['family']);
  });
  it('a field of the n-th family member, with or without the colon', () => {
    expect(fieldPathOf(S, '家庭成员2：关系')).toEqual(['family', '1', 'relation']);
    expect(fieldPathOf(S, '家庭成员1身份证件号')).toEqual(['family', '0', 'idNumber']);
    expect(fieldPathOf(S, '家庭成员3户口所在地行政区划')).toEqual(['family', '2', 'hukouRegion']);
    expect(fieldPathOf(S, '家庭成员2')).toEqual(['family', '1']);
  });
  it('nothing for a label the type does not have', () => {
    expect(fieldPathOf(S, '关联')).toBeUndefined();
    expect(fieldPathOf(S, undefined)).toBeUndefined();
    expect(fieldPathOf('api::nope.nope', '出生地')).toBeUndefined();
  });
});
