/**
 * 审批工作台: the requests waiting for this official's level and region (overdue first), counts
 * per type, filters, a detail view with the student, proofs and timeline, and decisions one by
 * one or many at once. Every rule is the change engine's (GET/POST /xueji/changes…).
 */
import * as React from 'react';
import {
  Badge, Box, Button, Checkbox, Field, Flex, Main, Modal, SingleSelect, SingleSelectOption, Table, Tbody, Td, Textarea, Th, Thead, Tr, Typography,
} from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { TYPE_LABELS, STATE_LABELS, DECISION_LABELS, FIELD_LABELS, PAYLOAD_LABELS, errorText, errorCode, subjectOf, titleOf } from '../api';

type Req = any;


export const Timeline = ({ req }: { req: Req }) => (
  <Box>
    {req.steps.map((s: any, i: number) => (
      <Flex key={i} gap={3} paddingBottom={2} alignItems="flex-start" data-testid="timeline-step">
        <Badge active={i === req.currentStep && ['pending', 'returned'].includes(req.state)}>{i + 1}</Badge>
        <Box>
          <Typography fontWeight="bold">{s.label}（{s.code}）</Typography>
          <Typography textColor="neutral600"> 期限 {s.due ?? '—'}{s.dueEstimated ? '（按工作日估算）' : ''}</Typography>
          {s.decidedAt ? (
            <Box><Typography>{DECISION_LABELS[s.decision] ?? s.decision} · {s.decider} · {String(s.decidedAt).slice(0, 16).replace('T', ' ')}{s.comment ? ` · ${s.comment}` : ''}</Typography></Box>
          ) : null}
        </Box>
      </Flex>
    ))}
  </Box>
);

const Detail = ({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [req, setReq] = React.useState<Req | null>(null);
  const [comment, setComment] = React.useState('');
  const load = React.useCallback(async () => {
    try { setReq((await get<any>(`/xueji/changes/${id}`)).data.data); } catch (e) { toggleNotification({ type: 'danger', message: errorText(e) }); }
  }, [get, id]);
  React.useEffect(() => { load(); }, [load]);

  const decide = async (decision: string) => {
    try {
      await post<any>(`/xueji/changes/${id}/decide`, { decision, comment });
      toggleNotification({ type: 'success', message: `已${DECISION_LABELS[decision]}：${titleOf(req)}` });
      onDone();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
      if (errorCode(e) === 'CHANGE_CONFLICT') onDone(); // someone decided first: show the new state
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => { if (!open) onClose(); }}>
      <Modal.Content>
        <Modal.Header><Modal.Title>{req ? titleOf(req) : '加载中…'}</Modal.Title></Modal.Header>
        <Modal.Body>
          {req ? (
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Box>
                <Typography variant="delta" tag="h3">学生与变动</Typography>
                <Typography tag="p">{subjectOf(req)} · {req.fromSchool?.name ?? ''}{req.fromClass ? ` ${req.fromClass.name}` : ''}{req.toSchool ? ` → ${req.toSchool.name}` : ''}{req.toClass ? ` ${req.toClass.name}` : ''}</Typography>
                <Typography tag="p">状态：{req.stateLabel}{req.overdue ? '（已逾期）' : ''} · 申请人：{req.filer?.name}</Typography>
                <Typography tag="p">原因：{req.reason}</Typography>
                {req.payload?.fields ? Object.entries(req.payload.fields).map(([k, v]: [string, any]) => (
                  <Typography key={k} tag="p" data-testid="correction-field">{FIELD_LABELS[k] ?? k}：{req.payload.before ? `${req.payload.before[k] ?? '—'} → ` : ''}{String(v)}</Typography>
                )) : req.payload ? (
                  <Typography tag="p">{Object.entries(req.payload).map(([k, v]) => `${PAYLOAD_LABELS[k] ?? k}：${String(v)}`).join('；')}</Typography>
                ) : null}
              </Box>
              <Box>
                <Typography variant="delta" tag="h3">证明材料</Typography>
                {req.proofs?.length ? req.proofs.map((f: any) => (
                  <Box key={f.id}><a href={f.url} target="_blank" rel="noreferrer">{f.name}</a></Box>
                )) : <Typography textColor="neutral600">无</Typography>}
              </Box>
              <Box>
                <Typography variant="delta" tag="h3">审批流程</Typography>
                <Timeline req={req} />
              </Box>
              {req.state === 'pending' ? (
                <Field.Root name="comment">
                  <Field.Label>审批意见（不同意或退回时必填）</Field.Label>
                  <Textarea value={comment} onChange={(e: any) => setComment(e.target.value)} />
                </Field.Root>
              ) : null}
            </Flex>
          ) : null}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={() => window.open(`/admin/plugins/approvals/print/${id}`, '_blank')}>打印变动报告</Button>
          {req?.state === 'pending' ? (
            <Flex gap={2}>
              <Button variant="danger-light" onClick={() => decide('reject')}>不同意</Button>
              <Button variant="secondary" onClick={() => decide('return')}>退回修改</Button>
              <Button onClick={() => decide('approve')}>同意</Button>
            </Flex>
          ) : null}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

const Workbench = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [filters, setFilters] = React.useState({ box: 'todo', type: '', state: '', school: '', overdue: false });
  const [rows, setRows] = React.useState<Req[]>([]);
  const [meta, setMeta] = React.useState<any>(null);
  const [selected, setSelected] = React.useState<string[]>([]);
  const [open, setOpen] = React.useState<string | null>(null);
  const [denied, setDenied] = React.useState<string | null>(null);

  const load = React.useCallback(async () => {
    const q = new URLSearchParams({ box: filters.box, pageSize: '100' });
    if (filters.type) q.set('type', filters.type);
    if (filters.state) q.set('state', filters.state);
    if (/^\d{10}$/.test(filters.school)) q.set('school', filters.school);
    if (filters.overdue) q.set('overdue', 'true');
    try {
      const res = await get<any>(`/xueji/changes?${q}`);
      setRows(res.data.data);
      setMeta(res.data.meta);
      setSelected([]);
      setDenied(null);
    } catch (e) {
      setDenied(errorText(e));
    }
  }, [get, filters]);
  React.useEffect(() => { load(); }, [load]);

  const decideSelected = async () => {
    if (!selected.length) return;
    if (!window.confirm(`同意所选 ${selected.length} 项申请？`)) return;
    try {
      await post<any>('/xueji/changes/decide', { ids: selected, decision: 'approve', comment: '同意' });
      toggleNotification({ type: 'success', message: `已同意 ${selected.length} 项` });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
    }
    load();
  };

  const decidable = rows.filter((r) => r.state === 'pending');
  const counts = meta?.counts?.byType ?? {};
  return (
    <Main>
      <Box padding={8}>
        <Typography variant="alpha" tag="h1">审批工作台</Typography>
        <Box paddingTop={2} paddingBottom={4}>
          <Typography variant="epsilon" textColor="neutral600">本单位待审批的学籍变动，逾期的排在最前。可勾选多项一次同意（如整班新生注册、整年级毕业）。</Typography>
        </Box>
        {denied ? <Typography textColor="danger600">{denied}</Typography> : (
          <>
            <Flex gap={2} wrap="wrap" paddingBottom={4} data-testid="type-counts">
              {Object.entries(counts).map(([t, n]) => (
                <Button key={t} size="S" variant={filters.type === t ? 'default' : 'tertiary'} onClick={() => setFilters({ ...filters, type: filters.type === t ? '' : t })}>
                  {TYPE_LABELS[t] ?? t} {String(n)}
                </Button>
              ))}
              <Badge>逾期 {meta?.counts?.overdue ?? 0}</Badge>
            </Flex>
            <Flex gap={4} alignItems="flex-end" wrap="wrap" paddingBottom={4}>
              <Field.Root name="box"><Field.Label>范围</Field.Label>
                <SingleSelect value={filters.box} onChange={(v: any) => setFilters({ ...filters, box: String(v) })}>
                  <SingleSelectOption value="todo">待我审批</SingleSelectOption>
                  <SingleSelectOption value="all">本辖区全部</SingleSelectOption>
                </SingleSelect>
              </Field.Root>
              <Field.Root name="type"><Field.Label>变动类型</Field.Label>
                <SingleSelect value={filters.type} onChange={(v: any) => setFilters({ ...filters, type: String(v) })}>
                  <SingleSelectOption value="">全部类型</SingleSelectOption>
                  {Object.entries(TYPE_LABELS).map(([k, v]) => <SingleSelectOption key={k} value={k}>{v}</SingleSelectOption>)}
                </SingleSelect>
              </Field.Root>
              <Field.Root name="state"><Field.Label>办理状态</Field.Label>
                <SingleSelect value={filters.state} onChange={(v: any) => setFilters({ ...filters, state: String(v) })}>
                  <SingleSelectOption value="">全部状态</SingleSelectOption>
                  {Object.entries(STATE_LABELS).map(([k, v]) => <SingleSelectOption key={k} value={k}>{v}</SingleSelectOption>)}
                </SingleSelect>
              </Field.Root>
              <Field.Root name="school"><Field.Label>学校标识码</Field.Label>
                <Field.Input value={filters.school} onChange={(e: any) => setFilters({ ...filters, school: e.target.value.trim() })} placeholder="10 位" />
              </Field.Root>
              <Checkbox checked={filters.overdue} onCheckedChange={(v: boolean) => setFilters({ ...filters, overdue: !!v })}>只看逾期</Checkbox>
              <Button disabled={!selected.length} onClick={decideSelected}>同意所选（{selected.length}）</Button>
            </Flex>
            <Table colCount={7} rowCount={rows.length + 1}>
              <Thead>
                <Tr>
                  <Th><Checkbox aria-label="全选" checked={decidable.length > 0 && selected.length === decidable.length} onCheckedChange={(v: boolean) => setSelected(v ? decidable.map((r) => r.documentId) : [])} /></Th>
                  {['变动类型', '学生', '学校', '当前环节', '办理期限', '状态'].map((h) => <Th key={h}><Typography variant="sigma">{h}</Typography></Th>)}
                </Tr>
              </Thead>
              <Tbody>
                {rows.map((r) => (
                  <Tr key={r.documentId} data-testid="request-row" onClick={() => setOpen(r.documentId)} style={{ cursor: 'pointer' }}>
                    <Td onClick={(e: any) => e.stopPropagation()}>
                      <Checkbox aria-label={`选择 ${titleOf(r)}`} disabled={r.state !== 'pending'} checked={selected.includes(r.documentId)}
                        onCheckedChange={(v: boolean) => setSelected(v ? [...selected, r.documentId] : selected.filter((x) => x !== r.documentId))} />
                    </Td>
                    <Td><Typography>{r.typeLabel}</Typography></Td>
                    <Td><Typography>{subjectOf(r)}</Typography></Td>
                    <Td><Typography>{r.fromSchool?.name}{r.toSchool ? ` → ${r.toSchool.name}` : ''}</Typography></Td>
                    <Td><Typography>{r.steps[r.currentStep]?.label ?? '—'}</Typography></Td>
                    <Td><Typography textColor={r.overdue ? 'danger600' : undefined}>{r.dueDate ?? '—'}{r.overdue ? '（逾期）' : ''}</Typography></Td>
                    <Td><Badge>{r.stateLabel}</Badge></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            {!rows.length ? <Box paddingTop={4}><Typography textColor="neutral600">没有待办的学籍变动。</Typography></Box> : null}
          </>
        )}
      </Box>
      {open ? <Detail id={open} onClose={() => setOpen(null)} onDone={() => { setOpen(null); load(); }} /> : null}
    </Main>
  );
};

export default Workbench;
