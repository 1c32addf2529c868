/**
 * 我的申请 (schools): the school's requests in every state — withdraw while possible, revise and
 * resubmit a returned one — and 新生注册: the school's drafts with what each still lacks, selected
 * and submitted with the principal's integrity pledge (诚信承诺).
 */
import * as React from 'react';
import { Badge, Box, Button, Checkbox, Field, Flex, Main, Table, Tabs, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorText, subjectOf, titleOf } from '../api';
import { Timeline } from './Workbench';

const Requests = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [rows, setRows] = React.useState<any[]>([]);
  const [open, setOpen] = React.useState<string | null>(null);
  const load = React.useCallback(async () => {
    try { setRows((await get<any>('/xueji/changes?box=mine&pageSize=200')).data.data); } catch (e) { toggleNotification({ type: 'danger', message: errorText(e) }); }
  }, [get]);
  React.useEffect(() => { load(); }, [load]);

  const act = async (r: any, action: 'withdraw' | 'resubmit') => {
    let body: any = {};
    if (action === 'withdraw' && !window.confirm(`撤回申请“${titleOf(r)}”？`)) return;
    if (action === 'resubmit') {
      const reason = window.prompt('修改变动原因后重新提交（可直接确定）', r.reason);
      if (reason === null) return;
      body = { reason };
    }
    try {
      await post<any>(`/xueji/changes/${r.documentId}/${action}`, body);
      toggleNotification({ type: 'success', message: action === 'withdraw' ? '已撤回' : '已重新提交' });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
    }
    load();
  };

  const canWithdraw = (r: any) => r.state === 'returned' || (r.state === 'pending' && !r.steps.some((s: any) => s.decision));
  return (
    <Table colCount={6} rowCount={rows.length + 1}>
      <Thead><Tr>{['变动类型', '学生', '提交时间', '当前环节', '状态', '操作'].map((h) => <Th key={h}><Typography variant="sigma">{h}</Typography></Th>)}</Tr></Thead>
      <Tbody>
        {rows.map((r) => (
          <React.Fragment key={r.documentId}>
            <Tr data-testid="my-request-row">
              <Td><Typography>{r.typeLabel}</Typography></Td>
              <Td><Typography>{subjectOf(r)}</Typography></Td>
              <Td><Typography>{String(r.submittedAt ?? '').slice(0, 10)}</Typography></Td>
              <Td><Typography>{['pending'].includes(r.state) ? r.steps[r.currentStep]?.label : r.state === 'returned' ? '本校修改' : '—'}</Typography></Td>
              <Td><Badge>{r.stateLabel}</Badge>{r.overdue ? <Typography textColor="danger600">（逾期）</Typography> : null}</Td>
              <Td>
                <Flex gap={2}>
                  <Button size="S" variant="tertiary" onClick={() => setOpen(open === r.documentId ? null : r.documentId)}>流程</Button>
                  {canWithdraw(r) ? <Button size="S" variant="danger-light" onClick={() => act(r, 'withdraw')}>撤回</Button> : null}
                  {r.state === 'returned' ? <Button size="S" onClick={() => act(r, 'resubmit')}>修改后重新提交</Button> : null}
                  <Button size="S" variant="tertiary" onClick={() => window.open(`/admin/plugins/approvals/print/${r.documentId}`, '_blank')}>打印</Button>
                </Flex>
              </Td>
            </Tr>
            {open === r.documentId ? <Tr><Td colSpan={6}><Box padding={2}><Typography>原因：{r.reason}</Typography><Timeline req={r} /></Box></Td></Tr> : null}
          </React.Fragment>
        ))}
      </Tbody>
    </Table>
  );
};

const Registration = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [drafts, setDrafts] = React.useState<any[]>([]);
  const [selected, setSelected] = React.useState<string[]>([]);
  const [principal, setPrincipal] = React.useState('');
  const [pledged, setPledged] = React.useState(false);
  const load = React.useCallback(async () => {
    try { setDrafts((await get<any>('/xueji/registrations/drafts')).data.data); setSelected([]); } catch (e) { toggleNotification({ type: 'danger', message: errorText(e) }); }
  }, [get]);
  React.useEffect(() => { load(); }, [load]);
  const ready = drafts.filter((d) => d.ready);

  const submit = async () => {
    try {
      const res = await post<any>('/xueji/registrations/submit', { students: selected, pledge: { principal } });
      toggleNotification({ type: 'success', message: `已提交 ${res.data.meta.count} 名学生的注册申请，等待县级教育行政部门审核` });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorText(e) });
    }
    load();
  };

  return (
    <Box>
      <Table colCount={5} rowCount={drafts.length + 1}>
        <Thead><Tr>
          <Th><Checkbox aria-label="全选可提交的学生" checked={ready.length > 0 && selected.length === ready.length} onCheckedChange={(v: boolean) => setSelected(v ? ready.map((d) => d.documentId) : [])} /></Th>
          {['姓名', '班级', '状态', '还缺什么（含查重）'].map((h) => <Th key={h}><Typography variant="sigma">{h}</Typography></Th>)}
        </Tr></Thead>
        <Tbody>
          {drafts.map((d) => (
            <Tr key={d.documentId} data-testid="draft-row">
              <Td><Checkbox aria-label={`选择 ${d.name}`} disabled={!d.ready} checked={selected.includes(d.documentId)} onCheckedChange={(v: boolean) => setSelected(v ? [...selected, d.documentId] : selected.filter((x) => x !== d.documentId))} /></Td>
              <Td><Typography>{d.name}</Typography></Td>
              <Td><Typography>{d.className ?? `${d.grade} 年级`}</Typography></Td>
              <Td><Badge>{d.registrationStatus === 'returned' ? '退回修改' : '未提交'}</Badge></Td>
              <Td><Typography textColor={d.ready ? 'success600' : 'danger600'}>{d.ready ? '信息完整，查重通过' : d.problems.map((p: any) => p.message).join('；')}</Typography></Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {!drafts.length ? <Box paddingTop={4}><Typography textColor="neutral600">没有待提交的新生。新生在“内容管理 → 学生”中录入或通过 Excel 导入。</Typography></Box> : null}
      <Flex gap={4} alignItems="flex-end" paddingTop={6} wrap="wrap">
        <Field.Root name="principal" required><Field.Label>校长姓名（诚信承诺）</Field.Label>
          <Field.Input value={principal} onChange={(e: any) => setPrincipal(e.target.value)} />
        </Field.Root>
        <Checkbox checked={pledged} onCheckedChange={(v: boolean) => setPledged(!!v)}>本人承诺所报学生信息真实、准确，无虚假学籍、无重复学籍</Checkbox>
        <Button disabled={!selected.length || !principal.trim() || !pledged} onClick={submit}>提交注册（{selected.length} 人）</Button>
      </Flex>
    </Box>
  );
};

const MyRequests = () => (
  <Main>
    <Box padding={8}>
      <Typography variant="alpha" tag="h1">我的申请</Typography>
      <Box paddingTop={2} paddingBottom={4}><Typography variant="epsilon" textColor="neutral600">本校提交的学籍变动申请与新生注册。学生的其他变动请在学生详情页右侧“办理学籍变动”中提交。</Typography></Box>
      <Tabs.Root defaultValue="requests">
        <Tabs.List aria-label="我的申请">
          <Tabs.Trigger value="requests">学籍变动申请</Tabs.Trigger>
          <Tabs.Trigger value="registration">新生注册</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="requests"><Box paddingTop={4}><Requests /></Box></Tabs.Content>
        <Tabs.Content value="registration"><Box paddingTop={4}><Registration /></Box></Tabs.Content>
      </Tabs.Root>
    </Box>
  </Main>
);

export default MyRequests;
