/**
 * 导入导出: download templates, upload a workbook (or check it only), watch the job's progress,
 * cancel it, download its error workbook; past jobs of the region; exports with their progress
 * (rows written of the total, polled by a token while the file streams). Every rule is on the
 * server (src/server/excel/); this page only calls /xueji/templates, /xueji/imports, /xueji/exports.
 */
import * as React from 'react';
import { Box, Button, Field, Flex, Main, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography, Checkbox } from '@strapi/design-system';
import { useFetchClient, useNotification, useAuth } from '@strapi/strapi/admin';

interface Job {
  id: number; kind: string; state: string; fileName: string; dryRun: boolean; rowsRead: number; rowsValid: number; rowsWritten: number;
  errorCount: number; message: string | null; hasErrorFile: boolean; createdAt: string;
}
const KINDS: Record<string, string> = {
  students: '新生导入', update: '批量修改', resume: '学生简历', exam: '考试成绩', evaluation: '综合评价', award: '奖励', punishment: '处分', graduates: '毕业生', classes: '分班调班',
};
const EXPORTS: Record<string, string> = { students: '学生名单', national: '全国学籍系统格式', changes: '学籍异动记录' };
const STATES: Record<string, string> = { queued: '排队中', running: '处理中', done: '完成', failed: '失败', cancelled: '已取消' };
const message = (e: any) => e?.response?.data?.error?.message ?? e?.message ?? '操作失败';

/** Import progress: reading (row count unknown until the end) up to 50 %, then writing. */
export const importPercent = (j: Pick<Job, 'state' | 'rowsRead' | 'rowsValid' | 'rowsWritten'>) => {
  if (j.state === 'done') return 100;
  if (j.state !== 'running') return 0;
  if (j.rowsValid && j.rowsValid === j.rowsRead) return Math.min(99, 50 + Math.round((j.rowsWritten / j.rowsValid) * 50));
  return j.rowsRead ? Math.min(49, 5 + Math.round(Math.log10(1 + j.rowsRead) * 8)) : 2;
};

/**
 * A progress bar readable on the white table (the design system's ProgressBar is white on dark
 * grey and drops its value): the design system's Box, with the percentage for assistive tools.
 */
const Bar = ({ value, label, done }: { value: number; label: string; done?: boolean }) => (
  <Box role="progressbar" aria-label={`${label} ${value}%`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}
    background="neutral150" hasRadius width="12rem" height="0.8rem" overflow="hidden">
    <Box background={done ? 'success500' : 'primary600'} height="100%" style={{ width: `${value}%`, transition: 'width 0.3s' }} />
  </Box>
);

interface ExportRun { kind: string; total: number; rowsWritten: number; state: string }

const ImportExportPage = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const token = useAuth('ImportExportPage', (s: any) => s.token);
  const [jobs, setJobs] = React.useState<Job[]>([]);
  const [kind, setKind] = React.useState('students');
  const [dryRun, setDryRun] = React.useState(false);
  const [file, setFile] = React.useState<File | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [exporting, setExporting] = React.useState<ExportRun | null>(null);

  const load = React.useCallback(async () => {
    try { setJobs(((await get('/xueji/imports')) as any).data.data); } catch (e) { toggleNotification({ type: 'danger', message: message(e) }); }
  }, [get, toggleNotification]);
  React.useEffect(() => { load(); }, [load]);
  // Poll while a job is queued or running.
  React.useEffect(() => {
    if (!jobs.some((j) => j.state === 'queued' || j.state === 'running')) return undefined;
    const t = setTimeout(load, 1000);
    return () => clearTimeout(t);
  }, [jobs, load]);

  /** Downloads a file; returns its response (null when refused, with the server's message shown). */
  const download = async (url: string, name: string): Promise<Response | null> => {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const body = await res.json().catch(() => null);
      toggleNotification({ type: 'danger', message: body?.error?.message ?? `下载失败（${res.status}）` });
      return null;
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = name;
    a.click();
    URL.revokeObjectURL(a.href);
    return res;
  };

  /** A streamed export; its progress is polled by a token while the response streams in. */
  const exportFile = async (kind: string, name: string) => {
    const token = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    setExporting({ kind, total: 0, rowsWritten: 0, state: 'running' });
    let polling = true;
    const poll = async () => {
      while (polling) {
        try {
          const p = ((await get(`/xueji/exports/progress/${token}`)) as any).data.data;
          if (polling) setExporting({ kind, total: p.total, rowsWritten: p.rowsWritten, state: p.state });
        } catch { /* not started yet */ }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    poll();
    let res: Response | null = null;
    try {
      res = await download(`/xueji/exports/${kind}?progress=${token}`, name);
    } finally {
      polling = false;
      // The file is complete: every row of the total the server counted (X-Xueji-Export-Rows).
      const total = Number(res?.headers.get('X-Xueji-Export-Rows') ?? 0);
      setExporting(res ? { kind, total, rowsWritten: total, state: 'done' } : null);
    }
  };

  const upload = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', file);
      form.append('kind', kind);
      if (dryRun) form.append('dryRun', 'true');
      const res = await fetch('/xueji/imports', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
      const body = await res.json().catch(() => null);
      if (res.status !== 202) toggleNotification({ type: 'danger', message: body?.error?.message ?? `上传失败（${res.status}）` });
      await load();
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (j: Job) => {
    try { await post(`/xueji/imports/${j.id}/cancel`, {}); await load(); } catch (e) { toggleNotification({ type: 'danger', message: message(e) }); }
  };

  const progress = importPercent;
  const exportPercent = exporting?.total ? Math.round((exporting.rowsWritten / exporting.total) * 100) : exporting?.state === 'done' ? 100 : 0;

  return (
    <Main>
      <Box padding={8}>
        <Typography variant="alpha" tag="h1">导入导出</Typography>
        <Box paddingTop={2} paddingBottom={6}>
          <Typography variant="epsilon" textColor="neutral600">下载模板，按模板填写后上传。整份文件先全部校验：任何一行有错都不会写入，可下载错误文件查看标红的单元格。</Typography>
        </Box>
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
          <form onSubmit={upload}>
            <Flex gap={4} alignItems="flex-end" wrap="wrap">
              <Field.Root name="kind" required>
                <Field.Label>导入类型</Field.Label>
                <SingleSelect value={kind} onChange={(v: string | number) => setKind(String(v))}>
                  {Object.entries(KINDS).map(([k, v]) => <SingleSelectOption key={k} value={k}>{v}</SingleSelectOption>)}
                </SingleSelect>
              </Field.Root>
              <Button variant="tertiary" type="button" onClick={() => download(`/xueji/templates/${kind}`, `${KINDS[kind]}模板.xlsx`)}>下载模板</Button>
              <Field.Root name="file" required>
                <Field.Label>Excel 文件</Field.Label>
                <input type="file" accept=".xlsx" aria-label="Excel 文件" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
              </Field.Root>
              <Checkbox checked={dryRun} onCheckedChange={(v: any) => setDryRun(v === true)}>仅校验，不写入</Checkbox>
              <Button type="submit" loading={busy} disabled={!file}>上传</Button>
            </Flex>
          </form>
        </Box>
        <Box paddingTop={4}>
          <Flex gap={2}>
            {Object.entries(EXPORTS).map(([k, v]) => (
              <Button key={k} variant="secondary" disabled={exporting?.state === 'running'} onClick={() => exportFile(k, `${v}.xlsx`)}>导出{v}</Button>
            ))}
          </Flex>
          {exporting && (
            <Flex gap={2} paddingTop={2} alignItems="center">
              <Bar value={exportPercent} label="导出进度" done={exporting.state === 'done'} />
              <Typography textColor="neutral600">
                {EXPORTS[exporting.kind]}：{exporting.state === 'done' ? '导出完成' : '正在导出'} {exporting.rowsWritten} / {exporting.total} 行
              </Typography>
            </Flex>
          )}
        </Box>
        <Box paddingTop={6}>
          <Table colCount={6} rowCount={jobs.length + 1}>
            <Thead>
              <Tr><Th><Typography variant="sigma">文件</Typography></Th><Th><Typography variant="sigma">类型</Typography></Th><Th><Typography variant="sigma">状态</Typography></Th><Th><Typography variant="sigma">进度</Typography></Th><Th><Typography variant="sigma">行数（读入/通过/写入）</Typography></Th><Th><Typography variant="sigma">操作</Typography></Th></Tr>
            </Thead>
            <Tbody>
              {jobs.map((j) => (
                <Tr key={j.id}>
                  <Td><Typography>{j.fileName}</Typography></Td>
                  <Td><Typography>{KINDS[j.kind] ?? j.kind}{j.dryRun ? '（仅校验）' : ''}</Typography></Td>
                  <Td><Typography>{STATES[j.state] ?? j.state}{j.message ? `：${j.message}` : ''}</Typography></Td>
                  <Td><Bar value={progress(j)} label="导入进度" done={j.state === 'done'} /></Td>
                  <Td><Typography>{j.rowsRead} / {j.rowsValid} / {j.rowsWritten}</Typography></Td>
                  <Td>
                    <Flex gap={2}>
                      {(j.state === 'queued' || j.state === 'running') && <Button variant="danger-light" size="S" onClick={() => cancel(j)}>取消</Button>}
                      {j.hasErrorFile && <Button variant="secondary" size="S" onClick={() => download(`/xueji/imports/${j.id}/errors.xlsx`, `导入错误_${j.id}.xlsx`)}>下载错误文件</Button>}
                    </Flex>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Box>
      </Box>
    </Main>
  );
};

export default ImportExportPage;
