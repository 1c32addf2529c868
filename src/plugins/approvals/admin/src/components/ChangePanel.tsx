/**
 * 办理学籍变动 on a student's edit view: only the change types allowed for this student now
 * (and why the others are not), a form per type with its fields and proofs, and the student's
 * change history (学籍变动记录). The server decides; this only asks it.
 */
import * as React from 'react';
import { Badge, Box, Button, Field, Flex, SingleSelect, SingleSelectOption, Textarea, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorText, titleOf, FIELD_LABELS, TYPABLE_KEY_FIELDS } from '../api';

/** Codes typed as codes (the server checks them against the code tables). */
const HINTS: Record<string, string> = { gender: '代码（1 男，2 女）', idType: '代码（1 居民身份证）' };

const ChangePanel = ({ documentId }: { documentId: string }) => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [options, setOptions] = React.useState<any>(null);
  const [history, setHistory] = React.useState<any[]>([]);
  const [classes, setClasses] = React.useState<any[]>([]);
  const [type, setType] = React.useState('');
  const [form, setForm] = React.useState<any>({ reason: '', payload: {}, toClass: '', proofs: [] as number[] });
  const [busy, setBusy] = React.useState(false);
  const fileInput = React.useRef<HTMLInputElement>(null);

  const load = React.useCallback(async () => {
    try { setOptions((await get<any>(`/xueji/changes/options?student=${documentId}`)).data.data); } catch { setOptions(null); }
    try { setHistory((await get<any>(`/xueji/changes?student=${documentId}&pageSize=50`)).data.data); } catch { setHistory([]); }
  }, [get, documentId]);
  React.useEffect(() => { load(); }, [load]);

  const spec = options?.types?.find((t: any) => t.type === type);
  React.useEffect(() => {
    if (!spec?.target || classes.length) return;
    get('/content-manager/collection-types/api::school-class.school-class?page=1&pageSize=100&sort=grade:ASC')
      .then((r: any) => setClasses(r.data.results ?? []), () => setClasses([]));
  }, [spec, get, classes.length]);

  const upload = async (files: FileList | null) => {
    if (!files?.length) return;
    const data = new FormData();
    Array.from(files).forEach((f) => data.append('files', f));
    try {
      const res = await post<any>('/upload', data);
      setForm({ ...form, proofs: [...form.proofs, ...res.data.map((f: any) => f.id)] });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
    }
  };

  const submit = async () => {
    setBusy(true);
    try {
      const payload: any = {};
      if (type === '51') {
        // 关键信息变更: only the key fields filled in are corrected.
        const fields = Object.fromEntries(Object.entries(form.fields ?? {}).filter(([, v]) => v !== ''));
        if (Object.keys(fields).length) payload.fields = fields;
      }
      for (const f of spec.payload) {
        const v = form.payload[f.key];
        if (v === undefined || v === '') continue;
        payload[f.key] = f.kind === 'months' ? Number(v) : f.kind === 'boolean' ? v === true || v === 'true' : v;
      }
      const res = await post<any>('/xueji/changes', {
        type, student: documentId, reason: form.reason, payload: Object.keys(payload).length ? payload : undefined,
        toClass: form.toClass || undefined, proofs: form.proofs.length ? form.proofs : undefined,
      });
      toggleNotification({ type: 'success', message: `已提交：${titleOf(res.data.data)}，等待${res.data.data.steps[0]?.label ?? '审批'}` });
      setType('');
      setForm({ reason: '', payload: {}, fields: {}, toClass: '', proofs: [] });
      load();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const allowed = options?.types?.filter((t: any) => t.allowed) ?? [];
  const blocked = options?.types?.filter((t: any) => !t.allowed) ?? [];
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="change-panel">
      {options ? (
        <>
          <Field.Root name="changeType"><Field.Label>变动类型</Field.Label>
            <SingleSelect placeholder={allowed.length ? '选择要办理的变动' : '当前不能办理学籍变动'} value={type} onChange={(v: any) => setType(String(v))} disabled={!allowed.length}>
              {allowed.map((t: any) => <SingleSelectOption key={t.type} value={t.type}>{t.label}</SingleSelectOption>)}
            </SingleSelect>
          </Field.Root>
          {spec ? (
            <>
              <Field.Root name="reason" required><Field.Label>变动原因</Field.Label>
                <Textarea value={form.reason} onChange={(e: any) => setForm({ ...form, reason: e.target.value })} />
              </Field.Root>
              {spec.payload.map((f: any) => (
                <Field.Root key={f.key} name={f.key} required={f.required}><Field.Label>{f.label}</Field.Label>
                  {f.kind === 'code' ? (
                    <SingleSelect value={form.payload[f.key] ?? ''} onChange={(v: any) => setForm({ ...form, payload: { ...form.payload, [f.key]: String(v) } })}>
                      {(f.values ?? []).map((v: string) => <SingleSelectOption key={v} value={v}>{v === 'incapacity' ? '丧失学习能力' : v === 'other' ? '其他' : v}</SingleSelectOption>)}
                    </SingleSelect>
                  ) : (
                    <Field.Input type={f.kind === 'date' ? 'date' : f.kind === 'months' ? 'number' : 'text'} value={form.payload[f.key] ?? ''}
                      onChange={(e: any) => setForm({ ...form, payload: { ...form.payload, [f.key]: e.target.value } })} />
                  )}
                </Field.Root>
              ))}
              {type === '51' ? TYPABLE_KEY_FIELDS.map((key) => (
                <Field.Root key={key} name={`fields.${key}`}><Field.Label>更正后的{FIELD_LABELS[key]}{HINTS[key] ?? ''}（不改则留空）</Field.Label>
                  <Field.Input type={key === 'birthDate' ? 'date' : 'text'} value={form.fields?.[key] ?? ''}
                    onChange={(e: any) => setForm({ ...form, fields: { ...(form.fields ?? {}), [key]: e.target.value } })} />
                </Field.Root>
              )) : null}
              {spec.target ? (
                <Field.Root name="toClass" required><Field.Label>编入班级</Field.Label>
                  <SingleSelect value={form.toClass} onChange={(v: any) => setForm({ ...form, toClass: String(v) })}>
                    {classes.map((c: any) => <SingleSelectOption key={c.documentId} value={c.documentId}>{c.name ?? `${c.grade} 年级 ${c.number} 班`}</SingleSelectOption>)}
                  </SingleSelect>
                </Field.Root>
              ) : null}
              {spec.proofs ? (
                <Field.Root name="proofs" required><Field.Label>证明材料：{spec.proofs}</Field.Label>
                  <input ref={fileInput} type="file" multiple aria-label="上传证明材料" style={{ display: 'none' }} onChange={(e) => upload(e.target.files)} />
                  <Flex gap={2} alignItems="center">
                    <Button variant="secondary" size="S" onClick={() => fileInput.current?.click()}>选择文件上传</Button>
                    <Typography textColor="neutral600">已上传 {form.proofs.length} 个文件</Typography>
                  </Flex>
                </Field.Root>
              ) : null}
              <Button loading={busy} onClick={submit}>提交申请</Button>
            </>
          ) : null}
          {blocked.length ? (
            <details>
              <summary><Typography textColor="neutral600">不能办理的类型（{blocked.length}）及原因</Typography></summary>
              {blocked.map((t: any) => <Box key={t.type} paddingTop={1}><Typography variant="pi">{t.label}：{t.reasons.join('；')}</Typography></Box>)}
            </details>
          ) : null}
        </>
      ) : null}
      <Typography variant="sigma">学籍变动记录</Typography>
      {history.length ? history.map((r) => (
        <Box key={r.documentId}>
          <a href={`/admin/plugins/approvals/print/${r.documentId}`} target="_blank" rel="noreferrer"><Typography>{titleOf(r)}</Typography></a> <Badge>{r.stateLabel}</Badge>
        </Box>
      )) : <Typography textColor="neutral600">暂无</Typography>}
    </Flex>
  );
};

export default ChangePanel;
