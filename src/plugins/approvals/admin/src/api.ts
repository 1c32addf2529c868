/** Shared by the approvals views: labels and error text (all rules live on the server). */
import { CHANGE_TYPE_CODES, STATE_LABELS as CHANGE_STATE_LABELS, DECISION_LABELS as CHANGE_DECISION_LABELS, PAYLOAD_LABELS } from '../../../../domain/changes/table';
import { STUDENT_FIELDS, KEY_FIELDS } from '../../../../domain/student-fields';
export const PLUGIN_ID = 'approvals';

// Labels come from the change-type table itself (one place for every code and its label).
export const TYPE_LABELS: Record<string, string> = Object.fromEntries(CHANGE_TYPE_CODES.map((t) => [t.code, t.label]));
export { PAYLOAD_LABELS };
export const STATE_LABELS: Record<string, string> = CHANGE_STATE_LABELS;
export const DECISION_LABELS: Record<string, string> = CHANGE_DECISION_LABELS;

/** Labels of the student's key fields (a correction's fields). */
export const FIELD_LABELS: Record<string, string> = Object.fromEntries(STUDENT_FIELDS.filter((f) => (KEY_FIELDS as readonly string[]).includes(f.key)).map((f) => [f.key, f.label]));
/** Key fields a correction can be typed in (photo and 学籍号 are not typed; 学籍号 follows the ID number). */
export const TYPABLE_KEY_FIELDS = KEY_FIELDS.filter((k) => k !== 'photo' && k !== 'studentNumber');

/** The server's Chinese message (and code) of a failed call. */
export const errorText = (e: any): string => {
  const err = e?.response?.data?.error;
  return err?.message ?? e?.message ?? '操作失败';
};
export const errorCode = (e: any): string | undefined => e?.response?.data?.error?.details?.code;

export const subjectOf = (r: any) => (r.student ? `${r.student.name}（${r.student.grade ?? r.grade} 年级）` : `${r.grade} 年级全体`);

/** "转入(省内) · 张三 · 2026-09-01": a request's human title. */
export const titleOf = (r: any) => [r.typeLabel ?? TYPE_LABELS[r.type] ?? r.type, r.student?.name ?? `${r.grade} 年级`, String(r.submittedAt ?? '').slice(0, 10)].join(' · ');
