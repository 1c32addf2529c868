/**
 * The 变更内容 of a change request in the Content Manager, read-only and in words: for a
 * 关键信息变更 the corrected fields, old value beside new (the old values only for the approving
 * levels — the server masks them for others); for other types the details by their labels.
 * Data from GET /xueji/changes/:documentId, the same contract the workbench uses.
 */
import * as React from 'react';
import { Field, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import type { FieldInputProps } from './props';
import { labelTable, CONTENT_TYPES } from '../../domain/content-model';
import { labelOf } from '../../domain/code-lookup';
import { PAYLOAD_LABELS } from '../../domain/changes/table';
import { regionLabel } from './labels';

const STUDENT = 'api::student.student';
const LABELS = labelTable()[STUDENT];
const ATTRS = Object.fromEntries((CONTENT_TYPES.find((t) => t.api === 'student')?.attrs ?? []).map((x) => [x.key, x.attr as any]));

/** A student field's value as people read it: code labels, region names, yes/no. */
export function shown(key: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  const attr = ATTRS[key];
  if (attr?.customField === 'global::code') return labelOf(attr.options?.table, String(value)) ?? String(value);
  if (attr?.customField === 'global::region') return regionLabel(value) ?? String(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const Head = ({ cols }: { cols: string[] }) => (
  <Thead><Tr>{cols.map((c) => <Th key={c}><Typography variant="sigma">{c}</Typography></Th>)}</Tr></Thead>
);

const PayloadView = React.forwardRef<HTMLDivElement, FieldInputProps>(({ name, label, value }, ref) => {
  const { get } = useFetchClient();
  const [request, setRequest] = React.useState<any>(null);
  const documentId = typeof window !== 'undefined' ? window.location.pathname.split('/').filter(Boolean).pop() : undefined;
  const saved = !!documentId && documentId !== 'create';
  // Until the request's own view arrives the stored payload lacks the old values the approving
  // levels may see: nothing is shown rather than a "(仅审核单位可见)" that then changes.
  const [loaded, setLoaded] = React.useState(!saved);
  React.useEffect(() => {
    if (!saved) return;
    get(`/xueji/changes/${documentId}`).then((res: any) => setRequest(res.data.data)).catch(() => setRequest(null)).finally(() => setLoaded(true));
  }, [saved, documentId, get]);
  const raw: any = value && typeof value === 'string' ? JSON.parse(value) : value;
  const payload: any = request?.payload ?? raw;
  const body = !loaded ? (
    <Typography textColor="neutral600">加载中…</Typography>
  ) : !payload || typeof payload !== 'object' ? (
    <Typography textColor="neutral600">无</Typography>
  ) : payload.fields && typeof payload.fields === 'object' ? (
    <Table colCount={3} rowCount={Object.keys(payload.fields).length + 1}>
      <Head cols={['更正的项目', '原值', '新值']} />
      <Tbody>
        {Object.entries<any>(payload.fields).map(([key, next]) => (
          <Tr key={key}>
            <Td><Typography>{LABELS[key] ?? key}</Typography></Td>
            <Td><Typography>{payload.before ? shown(key, payload.before[key]) : '（仅审核单位可见）'}</Typography></Td>
            <Td><Typography fontWeight="bold">{shown(key, next)}</Typography></Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  ) : (
    <Table colCount={2} rowCount={Object.keys(payload).length + 1}>
      <Head cols={['项目', '内容']} />
      <Tbody>
        {Object.entries<any>(payload).map(([key, v]) => (
          <Tr key={key}><Td><Typography>{PAYLOAD_LABELS[key] ?? LABELS[key] ?? key}</Typography></Td><Td><Typography>{shown(key, v)}</Typography></Td></Tr>
        ))}
      </Tbody>
    </Table>
  );
  return (
    <Field.Root name={name} id={name} ref={ref}>
      <Field.Label>{label}</Field.Label>
      {body}
    </Field.Root>
  );
});

export default PayloadView;
