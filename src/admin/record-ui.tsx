/**
 * How records read in the panel (issue 9): region fields picked province → city → county and
 * shown by name; system-kept fields absent from the create form, read-only on a record. Called from app.tsx's register and bootstrap.
 */
import type { StrapiApp } from '@strapi/strapi/admin';
import { regionName } from '../domain/regions';
import { labelOf } from '../domain/code-lookup';
import { systemFieldTable } from '../domain/content-model';

const SYSTEM_FIELDS = systemFieldTable();

const uidAt = (path: string) => /\/content-manager\/collection-types\/([^/]+)\//.exec(path)?.[1];
const creating = () => /\/create\/?$/.test(window.location.pathname);

/**
 * System-kept fields (学校, 学籍号, 注册状态 … — the server refuses them with
 * SYSTEM_FIELD_READ_ONLY, so roles are not granted them on create and Strapi would print
 * 无权查看此字段) are hidden on the create form and read-only on a record. Strapi computes the
 * layout once per page and keeps it when 保存 turns /create into the new record's page, so
 * `visible` is a getter: the form reads it on every render, after the URL changed.
 */
export function systemFieldsLayout<T extends { name: string }>(panels: T[][][], uid: string | undefined, isCreating = creating): T[][][] {
  const system = uid ? SYSTEM_FIELDS[decodeURIComponent(uid)] : undefined;
  if (!system) return panels;
  // 'hidden' fields (查重键, scope codes …) never show; 'readonly' ones show on a saved record.
  return panels.map((rows) => rows.map((row) => row.map((f) => {
    if (system[f.name] === 'hidden') return { ...f, visible: false };
    return system[f.name] ? { ...f, disabled: true, get visible() { return !isCreating(); } } : f;
  })));
}

/** '340104000000' → '安徽省 合肥市 蜀山区' (the code itself when unknown). */
export const regionLabel = (value: unknown): string | undefined => {
  const v = String(value ?? '');
  if (!v) return undefined;
  return (/^\d{6}000000$/.test(v) ? regionName(v.slice(0, 6)) : undefined) ?? v;
};

/** Our custom field inputs (server side: src/index.ts registers the same names). */
const FIELDS: Array<[name: string, type: 'string' | 'json', id: string, label: string, description: string, Input: () => Promise<any>]> = [
  ['code', 'string', 'global.code', '代码', '国家或系统代码表中的一项', () => import('./fields/CodeSelect')],
  ['region', 'string', 'xueji.region', '行政区划', '按省、市、县逐级选择，保存为 12 位行政区划代码', () => import('./fields/RegionPicker')],
  ['payload', 'json', 'xueji.payload', '变更内容', '学籍变动申请的变更内容，按项目列出（关键信息变更：原值与新值）', () => import('./fields/PayloadView')],
];

export function registerRecordUi(app: StrapiApp): void {
  for (const [name, type, id, label, description, Input] of FIELDS) {
    app.customFields.register({
      name, type,
      intlLabel: { id, defaultMessage: label },
      intlDescription: { id: `${id}.description`, defaultMessage: description },
      components: { Input: Input as any },
    });
  }
}

export function bootstrapRecordUi(app: StrapiApp): void {
  // The i18n plugin's document actions (publish or unpublish several locales, delete a locale)
  // run the Content Manager's whole form setup, validation schema included, in every list row
  // and edit view before finding the type is not localized; no xueji type is. Strapi's own
  // actions all carry a `type`; i18n's do not.
  (app.getPlugin('content-manager') as any)?.apis?.addDocumentAction?.((actions: any[]) => actions.filter((a) => a.type));
  app.registerHook('Admin/CM/pages/EditView/mutate-edit-view-layout', ({ layout, query }: any) => ({
    query,
    layout: { ...layout, layout: systemFieldsLayout(layout.layout, uidAt(window.location.pathname)) },
  }));
  // Lists show a region or a code by its name (蜀山区, 男, 汉族, 在校), never the stored code.
  app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', ({ displayedHeaders, layout }: any) => ({
    layout,
    displayedHeaders: displayedHeaders.map((h: any) => {
      if (h.attribute?.customField === 'global::region') return { ...h, cellFormatter: (row: any) => regionLabel(row[h.name]) ?? '-' };
      if (h.attribute?.customField === 'global::code') {
        return { ...h, cellFormatter: (row: any) => labelOf(h.attribute.options?.table, row[h.name]) ?? row[h.name] ?? '-' };
      }
      return h;
    }),
  }));
}
