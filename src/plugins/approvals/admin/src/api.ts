/** Shared by the approvals views: labels and error text (all rules live on the server). */
export const PLUGIN_ID = 'approvals';

export const TYPE_LABELS: Record<string, string> = {
  '11': '新生注册', '15': '在校生注册', '13': '转入(省内)', '14': '转入(跨省)', '27': '转出(跨省)', '23': '休学', '25': '休学延期',
  '12': '复学', '28': '辍学', '24': '退学', '26': '死亡', '29': '其他离校', '52': '恢复入学资格', '33': '留级(重读)', '34': '跳级',
  '51': '关键信息变更', '21': '毕业', '22': '结业', '36': '毕业回退', '35': '批量转学',
};

export const STATE_LABELS: Record<string, string> = {
  pending: '审核中', returned: '退回修改', approved: '已通过', rejected: '已驳回', cancelled: '已撤回', reversed: '已纠错撤销',
};

export const DECISION_LABELS: Record<string, string> = { approve: '同意', reject: '不同意', return: '退回修改' };

/** The server's Chinese message (and code) of a failed call. */
export const errorText = (e: any): string => {
  const err = e?.response?.data?.error;
  return err?.message ?? e?.message ?? '操作失败';
};
export const errorCode = (e: any): string | undefined => e?.response?.data?.error?.details?.code;

export const subjectOf = (r: any) => (r.student ? `${r.student.name}（${r.student.grade ?? r.grade} 年级）` : `${r.grade} 年级全体`);

/** "转入(省内) · 张三 · 2026-09-01": a request's human title. */
export const titleOf = (r: any) => [r.typeLabel ?? TYPE_LABELS[r.type] ?? r.type, r.student?.name ?? `${r.grade} 年级`, String(r.submittedAt ?? '').slice(0, 10)].join(' · ');
