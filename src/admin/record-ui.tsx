/**
 * How records read in the panel (issue 9): region fields picked province → city → county and
 * shown by name. Called from app.tsx's register and bootstrap.
 */
import type { StrapiApp } from '@strapi/strapi/admin';
import { regionName } from '../domain/regions';

/** '340104000000' → '安徽省 合肥市 蜀山区' (the code itself when unknown). */
export const regionLabel = (value: unknown): string | undefined => {
  const v = String(value ?? '');
  if (!v) return undefined;
  return (/^\d{6}000000$/.test(v) ? regionName(v.slice(0, 6)) : undefined) ?? v;
};

export function registerRecordUi(app: StrapiApp): void {
  app.customFields.register({
    name: 'region',
    type: 'string',
    intlLabel: { id: 'xueji.region', defaultMessage: '行政区划' },
    intlDescription: { id: 'xueji.region.description', defaultMessage: '按省、市、县逐级选择，保存为 12 位行政区划代码' },
    components: { Input: async () => import('./fields/RegionPicker') as any },
  });
}

export function bootstrapRecordUi(app: StrapiApp): void {
  // Lists show a region by name, never the stored code (code fields: app.tsx).
  app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', ({ displayedHeaders, layout }: any) => ({
    layout,
    displayedHeaders: displayedHeaders.map((h: any) =>
      h.attribute?.customField === 'global::region' ? { ...h, cellFormatter: (row: any) => regionLabel(row[h.name]) ?? '-' } : h),
  }));
}
