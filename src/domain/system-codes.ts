/**
 * Code sets that are the system's own (not national standards): workflow states, school and
 * class attributes whose national codes are unverified. National sets live in code-tables.ts.
 */
import { CHANGE_TYPE_CODES, STATE_LABELS, DECISION_LABELS } from './changes/table';

export interface CodeItem { code: string; label: string }

export const SYSTEM_CODE_TABLES = {
  registrationStatus: [
    { code: 'draft', label: '未提交' },
    { code: 'submitted', label: '待审核' },
    { code: 'registered', label: '已注册' },
    { code: 'returned', label: '退回' },
  ],
  scopeLevel: [
    { code: 'province', label: '省级' },
    { code: 'city', label: '市级' },
    { code: 'county', label: '县级' },
    { code: 'school', label: '学校' },
  ],
  schoolOwnership: [
    { code: '1', label: '公办' },
    { code: '2', label: '民办' },
    { code: '9', label: '其他' },
  ],
  urbanRural: [
    { code: '111', label: '主城区' },
    { code: '112', label: '城乡结合区' },
    { code: '121', label: '镇中心区' },
    { code: '122', label: '镇乡结合区' },
    { code: '210', label: '乡中心区' },
    { code: '220', label: '村庄' },
  ],
  classType: [
    { code: '1', label: '普通班' },
    { code: '2', label: '少数民族班' },
    { code: '3', label: '复式班' },
    { code: '4', label: '特教班' },
    { code: '9', label: '其他' },
  ],
  term: [
    { code: '1', label: '第一学期' },
    { code: '2', label: '第二学期' },
  ],
  awardLevel: [
    { code: '1', label: '国家级' },
    { code: '2', label: '省级' },
    { code: '3', label: '市级' },
    { code: '4', label: '县级' },
    { code: '5', label: '校级' },
  ],
  punishmentKind: [
    { code: '1', label: '警告' },
    { code: '2', label: '严重警告' },
    { code: '3', label: '记过' },
    { code: '4', label: '留校察看' },
  ],
  // Numbering after one vendor's change codes (FIELDS.md), not a national standard; declared with
  // each type's rules in changes/table.ts.
  changeType: CHANGE_TYPE_CODES,
  changeState: Object.entries(STATE_LABELS).map(([code, label]) => ({ code, label })),
  approvalDecision: Object.entries(DECISION_LABELS).map(([code, label]) => ({ code, label })),
} satisfies Record<string, CodeItem[]>;
