/**
 * Code sets that are the system's own (not national standards): workflow states, school and
 * class attributes whose national codes are unverified. National sets live in code-tables.ts.
 */
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
  // Numbering after one vendor's change codes (FIELDS.md), not a national standard.
  changeType: [
    { code: '11', label: '新生注册' },
    { code: '12', label: '复学' },
    { code: '13', label: '转入(省内)' },
    { code: '14', label: '转入(跨省)' },
    { code: '21', label: '毕业' },
    { code: '22', label: '结业' },
    { code: '23', label: '休学' },
    { code: '24', label: '退学' },
    { code: '26', label: '死亡' },
    { code: '27', label: '转出(跨省)' },
    { code: '28', label: '辍学' },
    { code: '29', label: '其他离校' },
    { code: '33', label: '留级(重读)' },
    { code: '34', label: '跳级' },
    { code: '35', label: '批量转学' },
    { code: '51', label: '关键信息变更' },
    { code: '52', label: '恢复入学资格' },
  ],
  changeState: [
    { code: 'pending', label: '审核中' },
    { code: 'approved', label: '已通过' },
    { code: 'rejected', label: '已驳回' },
    { code: 'cancelled', label: '已撤回' },
    { code: 'reversed', label: '已纠错撤销' },
  ],
  approvalDecision: [
    { code: 'approve', label: '同意' },
    { code: 'reject', label: '不同意' },
    { code: 'return', label: '退回修改' },
  ],
} satisfies Record<string, CodeItem[]>;
