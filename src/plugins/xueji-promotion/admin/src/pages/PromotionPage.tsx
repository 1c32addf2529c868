/**
 * 学年升级: preview (counts per school and grade, blockers), start by hand, the runs and their
 * reports, undo of the latest run. Server: /xueji/promotion (src/server/promotion-http.ts),
 * which enforces every rule (province officials only, exactly once, undo only the latest).
 */
import * as React from 'react';
import { Box, Button, Checkbox, Flex, Main, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';

const message = (e: any) => e?.response?.data?.error?.message ?? e?.message ?? '操作失败';
const STATE: Record<string, string> = { done: '已升级', undone: '已撤销' };
const ACTION: Record<string, string> = { promote: '升级', graduate: '毕业年级，不升级', stay: '不升级' };
const when = (s?: string | null) => (s ? new Date(s).toLocaleString('zh-CN', { hour12: false }) : '—');

const PromotionPage = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [preview, setPreview] = React.useState<any>(null);
  const [runs, setRuns] = React.useState<any[]>([]);
  const [current, setCurrent] = React.useState<any>(null);
  const [denied, setDenied] = React.useState<string | null>(null);
  const [ignore, setIgnore] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const [open, setOpen] = React.useState<string | null>(null);
  const [report, setReport] = React.useState<any>(null);

  const load = React.useCallback(async () => {
    try {
      const [p, r] = await Promise.all([get<any>('/xueji/promotion/preview'), get<any>('/xueji/promotion/runs')]);
      setPreview(p.data.data);
      setRuns(r.data.data);
      setCurrent(r.data.meta.current);
      setDenied(null);
    } catch (e) {
      setDenied(message(e));
    }
  }, [get]);
  React.useEffect(() => { load(); }, [load]);

  const start = async () => {
    if (!preview || !window.confirm(`确认将全省升级到 ${preview.schoolYearLabel} 学年？将有 ${preview.totals.promoted} 名在校学生随班级升一个年级。`)) return;
    setBusy(true);
    try {
      const res = await post<any>('/xueji/promotion/runs', { schoolYear: preview.schoolYear, ignoreBlockers: ignore });
      toggleNotification({ type: res.data.meta?.noop ? 'info' : 'success', message: res.data.meta?.message ?? `已升级到 ${preview.schoolYearLabel} 学年` });
      await load();
    } catch (e) {
      toggleNotification({ type: 'danger', message: message(e) });
    } finally {
      setBusy(false);
    }
  };

  const undo = async (run: any) => {
    if (!window.confirm(`确认撤销 ${run.schoolYear}-${run.schoolYear + 1} 学年的升级？所有年级和班级名称将恢复，学年退回 ${run.fromYear}-${run.fromYear + 1}。`)) return;
    setBusy(true);
    try {
      const res = await post<any>(`/xueji/promotion/runs/${run.schoolYear}/undo`, {});
      const back = res.data.data?.report?.undone;
      toggleNotification({ type: 'success', message: `已撤销本次升级${back ? `：恢复学生 ${back.students} 名、班级 ${back.classes} 个` : ''}` });
      setReport(null);
      await load();
    } catch (e) {
      toggleNotification({ type: 'danger', message: message(e) });
    } finally {
      setBusy(false);
    }
  };

  const showReport = async (run: any) => {
    if (report?.schoolYear === run.schoolYear) return setReport(null);
    try {
      setReport((await get<any>(`/xueji/promotion/runs/${run.schoolYear}`)).data.data);
    } catch (e) {
      toggleNotification({ type: 'danger', message: message(e) });
    }
  };

  const th = (s: string) => <Th><Typography variant="sigma">{s}</Typography></Th>;
  const latestDone = runs.find((r) => r.state === 'done');

  return (
    <Main>
      <Box padding={8}>
        <Typography variant="alpha" tag="h1">学年升级</Typography>
        <Box paddingTop={2} paddingBottom={6}>
          <Typography variant="epsilon" textColor="neutral600">
            每年 8 月 1 日自动执行：在校学生随班级升一个年级，毕业年级和休学学生不升级。可先预览，必要时手动执行或撤销最近一次升级。
          </Typography>
        </Box>
        {denied ? <Typography textColor="danger600">{denied}</Typography> : null}
        {!denied && preview ? (
          <>
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Typography variant="delta" tag="h2">
                当前 {current ? `${current.schoolYear}-${current.schoolYear + 1}` : ''} 学年 → 升级到 {preview.schoolYearLabel} 学年{preview.alreadyRun ? '（已升级）' : ''}
              </Typography>
              <Box paddingTop={3}>
                <Typography>
                  学校 {preview.totals.schools} 所，升级班级 {preview.totals.classes} 个，升级学生 {preview.totals.promoted} 名；
                  毕业年级学生 {preview.totals.graduating} 名，休学学生 {preview.totals.suspendedKept} 名保留原年级。
                </Typography>
              </Box>
              {preview.blockers.length ? (
                <Box paddingTop={4}>
                  <Typography variant="omega" fontWeight="bold" textColor="danger600">待处理事项（{preview.blockers.length}）</Typography>
                  {preview.blockers.slice(0, 50).map((b: any, i: number) => (
                    <Box key={i} paddingTop={1}><Typography textColor="danger600">· {b.message}</Typography></Box>
                  ))}
                  <Box paddingTop={3}>
                    <Checkbox checked={ignore} onCheckedChange={(v: boolean) => setIgnore(Boolean(v))}>已知悉以上事项，仍然升级</Checkbox>
                  </Box>
                </Box>
              ) : null}
              {preview.refusal ? (
                <Box paddingTop={4}><Typography textColor="danger600">{preview.refusal.message}</Typography></Box>
              ) : null}
              <Flex paddingTop={4} gap={2}>
                <Button onClick={start} loading={busy} disabled={preview.alreadyRun || Boolean(preview.refusal) || (preview.blockers.length > 0 && !ignore)}>
                  开始升级
                </Button>
                <Button variant="tertiary" onClick={load} disabled={busy}>刷新预览</Button>
              </Flex>
            </Box>

            <Box paddingTop={6}>
              <Typography variant="delta" tag="h2">升级记录</Typography>
              <Box paddingTop={3}>
                <Table colCount={6} rowCount={runs.length + 1}>
                  <Thead><Tr>{th('学年')}{th('状态')}{th('发起')}{th('完成时间')}{th('升级学生 / 班级')}{th('操作')}</Tr></Thead>
                  <Tbody>
                    {runs.map((r) => (
                      <Tr key={r.schoolYear}>
                        <Td><Typography>{r.schoolYear}-{r.schoolYear + 1}</Typography></Td>
                        <Td><Typography>{STATE[r.state] ?? r.state}{r.undoneAt ? `（${r.undoneByName}，${when(r.undoneAt)}）` : ''}</Typography></Td>
                        <Td><Typography>{r.trigger === 'cron' ? '定时任务' : r.actorName}</Typography></Td>
                        <Td><Typography>{when(r.finishedAt)}</Typography></Td>
                        <Td><Typography>{r.report?.moved ? `${r.report.moved.students} / ${r.report.moved.classes}` : '—'}</Typography></Td>
                        <Td>
                          <Flex gap={2}>
                            <Button size="S" variant="tertiary" onClick={() => showReport(r)}>{report?.schoolYear === r.schoolYear ? '收起报告' : '报告'}</Button>
                            {latestDone && r.schoolYear === latestDone.schoolYear && current?.schoolYear === r.schoolYear
                              ? <Button size="S" variant="danger-light" onClick={() => undo(r)} disabled={busy}>撤销</Button>
                              : null}
                          </Flex>
                        </Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              </Box>
              {report ? <RunReport run={report} /> : null}
            </Box>
            <Box paddingTop={6}>
              <Typography variant="delta" tag="h2">各校预览</Typography>
              <Box paddingTop={3}>
                <Table colCount={4} rowCount={preview.schools.length + 1}>
                  <Thead><Tr>{th('学校')}{th('升级学生')}{th('毕业年级学生')}{th('明细')}</Tr></Thead>
                  <Tbody>
                    {preview.schools.map((s: any) => (
                      <React.Fragment key={s.code}>
                        <Tr>
                          <Td><Typography>{s.name}（{s.code}）</Typography></Td>
                          <Td><Typography>{s.grades.filter((g: any) => g.action === 'promote').reduce((a: number, g: any) => a + g.students, 0)}</Typography></Td>
                          <Td><Typography>{s.grades.filter((g: any) => g.action === 'graduate').reduce((a: number, g: any) => a + g.students, 0)}</Typography></Td>
                          <Td><Button size="S" variant="tertiary" onClick={() => setOpen(open === s.code ? null : s.code)}>{open === s.code ? '收起' : '按年级'}</Button></Td>
                        </Tr>
                        {open === s.code ? s.grades.map((g: any) => (
                          <Tr key={`${s.code}-${g.grade}`}>
                            <Td><Typography textColor="neutral600">　{g.grade} 年级 → {g.toGrade ?? '—'}</Typography></Td>
                            <Td><Typography textColor="neutral600">在校 {g.students}，休学 {g.suspended}</Typography></Td>
                            <Td><Typography textColor="neutral600">班级 {g.classes}</Typography></Td>
                            <Td><Typography textColor="neutral600">{ACTION[g.action]}</Typography></Td>
                          </Tr>
                        )) : null}
                      </React.Fragment>
                    ))}
                  </Tbody>
                </Table>
              </Box>
            </Box>

          </>
        ) : null}
      </Box>
    </Main>
  );
};

/** The report of one run: what it moved, the preview it was started on, the blockers, the undo. */
const RunReport = ({ run }: { run: any }) => {
  const r = run.report ?? {};
  const t = r.totals ?? {};
  const line = (label: string, value: React.ReactNode) => (
    <Box paddingTop={1}><Typography><Typography fontWeight="bold">{label}：</Typography>{value}</Typography></Box>
  );
  return (
    <Box marginTop={4} background="neutral0" padding={6} shadow="filterShadow" hasRadius aria-label="升级报告">
      <Typography variant="delta" tag="h3">升级报告：{run.fromYear}-{run.fromYear + 1} → {run.schoolYear}-{run.schoolYear + 1} 学年</Typography>
      <Box paddingTop={3}>
        {line('状态', `${STATE[run.state] ?? run.state}${run.undoneAt ? `（${run.undoneByName} 于 ${when(run.undoneAt)} 撤销）` : ''}`)}
        {line('发起', `${run.trigger === 'cron' ? '定时任务' : '手动'}，${run.actorName ?? ''}；开始 ${when(run.startedAt)}，完成 ${when(run.finishedAt)}`)}
        {line('实际升级', r.moved ? `学生 ${r.moved.students} 名，班级 ${r.moved.classes} 个` : '—')}
        {line('升级前预览', `学校 ${t.schools ?? 0} 所，升级学生 ${t.promoted ?? 0} 名，毕业年级学生 ${t.graduating ?? 0} 名，休学保留原年级 ${t.suspendedKept ?? 0} 名`)}
        {r.undone ? line('撤销恢复', `学生 ${r.undone.students} 名，班级 ${r.undone.classes} 个`) : null}
        {line('升级时的待处理事项', r.blockers?.length ? `${r.blockers.length} 项（已确认忽略）` : '无')}
        {(r.blockers ?? []).slice(0, 20).map((b: any, i: number) => (
          <Box key={i} paddingTop={1}><Typography textColor="neutral600">· {b.message}</Typography></Box>
        ))}
      </Box>
    </Box>
  );
};

export default PromotionPage;
