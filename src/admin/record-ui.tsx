/**
 * How records read in the panel (issue 9): region fields picked province → city → county and
 * shown by name; system-kept fields absent from the create form, read-only on a record; no
 * server round trip for what the panel already knows. Called from app.tsx's register and bootstrap.
 */
import type { StrapiApp } from '@strapi/strapi/admin';
import { labelOf } from '../domain/code-lookup';
import { systemFieldTable } from '../domain/content-model';
import { regionLabel } from './fields/labels';
import CodeSelect from './fields/CodeSelect';
import RegionPicker from './fields/RegionPicker';
import PayloadView from './fields/PayloadView';
import { SCOPE_CONDITION, SCOPE_EITHER_SIDE_CONDITION } from '../domain/scope';

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
  // 'hidden' fields (查重键, scope codes …) never show: they leave the layout (a field Strapi
  // renders invisible still costs its full setup, validation schema included); 'readonly'
  // ones show on a saved record.
  return panels.map((rows) => rows
    .map((row) => row.filter((f) => system[f.name] !== 'hidden'))
    .filter((row) => row.length)
    .map((row) => row.map((f) => (system[f.name] ? { ...f, disabled: true, get visible() { return !isCreating(); } } : f))));
}

/**
 * Our custom field inputs (server side: src/index.ts registers the same names). They are part of
 * the main bundle, not lazy chunks: each is a few hundred bytes over data the bundle already
 * holds (code tables, regions), and a lazy chunk is fetched only after the edit view's first
 * render, a round trip on the way to a usable form. Strapi still asks for a loader.
 */
const FIELDS: Array<[name: string, type: 'string' | 'json', id: string, label: string, description: string, Input: unknown]> = [
  ['code', 'string', 'global.code', '代码', '国家或系统代码表中的一项', CodeSelect],
  ['region', 'string', 'xueji.region', '行政区划', '按省、市、县逐级选择，保存为 12 位行政区划代码', RegionPicker],
  ['payload', 'json', 'xueji.payload', '变更内容', '学籍变动申请的变更内容，按项目列出（关键信息变更：原值与新值）', PayloadView],
];

/** The region scope's RBAC conditions (one definition, src/domain/scope.ts). */
const SCOPE_CONDITIONS: unknown[] = [SCOPE_CONDITION, SCOPE_EITHER_SIDE_CONDITION];
const isScopeCondition = (c: unknown) => SCOPE_CONDITIONS.includes(c);
const withoutScopeCondition = (p: any) =>
  (Array.isArray(p.conditions) && p.conditions.length && p.conditions.every(isScopeCondition) ? { ...p, conditions: [] } : p);

export function registerRecordUi(app: StrapiApp): void {
  for (const [name, type, id, label, description, Input] of FIELDS) {
    app.customFields.register({
      name, type,
      intlLabel: { id, defaultMessage: label },
      intlDescription: { id: `${id}.description`, defaultMessage: description },
      components: { Input: (() => Promise.resolve({ default: Input })) as any },
    });
  }
  // The panel asks the server (/admin/permissions/check) about every permission that carries a
  // condition before it shows a button, a link or a page — one round trip each, several in a
  // row on the way to a list or an edit form. The question names no record, and for a type
  // without a record Strapi's answer ignores conditions (it is "true" whenever the role holds
  // the permission), so for our scope conditions the answer is known: the panel is told they
  // hold. The scope itself is enforced on the server for every record (src/server/scope.ts); an
  // account without a scope sees the links and is refused there (403 OUT_OF_SCOPE).
  app.addRBACMiddleware(() => (next: any) => (permissions: any[]) => next(permissions.map(withoutScopeCondition)));
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
