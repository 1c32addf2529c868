/**
 * 学籍变动报告 (SPEC §6, Shandong): one A4 page per request — school, student, the change, each
 * decision and blank signature lines — printed or saved as PDF by the browser.
 */
import * as React from 'react';
import { useParams } from 'react-router-dom';
import { useFetchClient } from '@strapi/strapi/admin';
import { DECISION_LABELS, errorText } from '../api';

const CSS = `
@page { size: A4; margin: 15mm; }
#xueji-report { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #000; background: #fff; padding: 24px; max-width: 180mm; }
#xueji-report h1 { text-align: center; font-size: 22px; margin: 0 0 16px; }
#xueji-report table { width: 100%; border-collapse: collapse; font-size: 13px; }
#xueji-report td, #xueji-report th { border: 1px solid #000; padding: 6px 8px; text-align: left; vertical-align: top; }
#xueji-report th { width: 22%; background: #f2f2f2; }
#xueji-report .sign { height: 56px; }
@media print {
  body * { visibility: hidden; }
  #xueji-report, #xueji-report * { visibility: visible; }
  #xueji-report { position: absolute; left: 0; top: 0; padding: 0; }
  .no-print { display: none; }
}`;

const Print = () => {
  const { id } = useParams();
  const { get } = useFetchClient();
  const [req, setReq] = React.useState<any>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    get(`/xueji/changes/${id}`).then((r: any) => setReq(r.data.data), (e: any) => setError(errorText(e)));
  }, [get, id]);
  if (error) return <div style={{ padding: 32 }}>{error}</div>;
  if (!req) return <div style={{ padding: 32 }}>加载中…</div>;
  const row = (label: string, value: React.ReactNode) => <tr><th>{label}</th><td colSpan={3}>{value}</td></tr>;
  return (
    <div style={{ padding: 24, background: '#fff' }}>
      <style>{CSS}</style>
      <div className="no-print" style={{ marginBottom: 16 }}><button onClick={() => window.print()}>打印 / 另存为 PDF</button></div>
      <div id="xueji-report" data-testid="change-report">
        <h1>学生学籍变动报告</h1>
        <table>
          <tbody>
            {row('学校', `${req.fromSchool?.name ?? ''}（学校标识码 ${req.fromSchool?.code ?? ''}）`)}
            {row('学生', req.student ? `${req.student.name}　${req.student.grade ?? req.grade} 年级${req.fromClass ? `　${req.fromClass.name}` : ''}` : `${req.grade} 年级全体学生`)}
            {row('变动类型', req.typeLabel)}
            {req.toSchool ? row('转入学校', `${req.toSchool.name}（${req.toSchool.code}）${req.toClass ? `　${req.toClass.name}` : ''}`) : null}
            {row('变动原因', req.reason)}
            {row('申请人 / 提交时间', `${req.filer?.name ?? ''}　${String(req.submittedAt ?? '').slice(0, 16).replace('T', ' ')}`)}
            {row('办理状态', req.stateLabel)}
            {req.steps.map((s: any, i: number) => (
              <React.Fragment key={i}>
                <tr><th>第 {i + 1} 步：{s.label}</th><td colSpan={3}>{s.decidedAt ? `${DECISION_LABELS[s.decision] ?? s.decision}　${s.decider ?? ''}　${String(s.decidedAt).slice(0, 16).replace('T', ' ')}${s.comment ? `　意见：${s.comment}` : ''}` : `待办理（期限 ${s.due ?? '—'}）`}</td></tr>
              </React.Fragment>
            ))}
            <tr><th>学校意见（盖章）</th><td className="sign">校长签字：</td><th>日期</th><td className="sign"></td></tr>
            <tr><th>主管部门意见（盖章）</th><td className="sign">负责人签字：</td><th>日期</th><td className="sign"></td></tr>
          </tbody>
        </table>
        <p style={{ fontSize: 11, marginTop: 12 }}>申请编号 {req.documentId}　本报告由学籍管理系统生成</p>
      </div>
    </div>
  );
};

export default Print;
