/**
 * Chinese field labels in the Content Manager. Strapi keeps them in its stored view
 * configuration (core store), not in schema files (strapi/strapi#4346), so a fresh database
 * would show attribute names: we write them at bootstrap from the one label table.
 */
import type { Core } from '@strapi/strapi';
import { CONTENT_TYPES, COMPONENTS, labelTable, systemFieldTable } from '../domain/content-model';

/** Kept by the system (marked once in the content model): hidden from forms or shown read-only. */
const SYSTEM = systemFieldTable();

export async function applyAdminLabels(strapi: Core.Strapi): Promise<void> {
  const labels = labelTable();
  const cm = strapi.plugin('content-manager');
  const ctService = cm.service('content-types') as any;
  const compService = cm.service('components') as any;

  // A relation shows the linked record by its title (a school by its name, a request by
  // '转入(省内) · 张三 · 2026-09-01'), never by its document id.
  const mainFieldOf = Object.fromEntries(CONTENT_TYPES.filter((t) => t.mainField).map((t) => [`api::${t.api}.${t.api}`, t.mainField!]));
  const relabel = (config: any, table: Record<string, string>, uid: string, systemOnly = false) => {
    const metadatas = { ...config.metadatas };
    const attrs: any = strapi.getModel(uid as any)?.attributes ?? {};
    for (const [attr, label] of Object.entries(table)) {
      if (!metadatas[attr]) continue;
      const edit = { ...metadatas[attr].edit, label };
      const targetMain = attrs[attr]?.type === 'relation' ? mainFieldOf[attrs[attr].target] : undefined;
      if (targetMain) edit.mainField = targetMain;
      const mark = SYSTEM[uid]?.[attr];
      if (mark === 'hidden') edit.visible = false;
      if (mark) edit.editable = false;
      if (systemOnly) edit.editable = false;
      metadatas[attr] = { ...metadatas[attr], edit, list: { ...metadatas[attr].list, label } };
    }
    return metadatas;
  };

  for (const t of CONTENT_TYPES) {
    const uid = `api::${t.api}.${t.api}`;
    const ct = ctService.findContentType(uid);
    const config = await ctService.findConfiguration(ct);
    const settings = { ...config.settings, ...(t.mainField ? { mainField: t.mainField } : {}), pageSize: 20 };
    const layouts = t.list ? { ...config.layouts, list: t.list } : config.layouts;
    await ctService.updateConfiguration(ct, { settings, metadatas: relabel(config, labels[uid], uid, !!t.systemOnly), layouts });
  }
  for (const c of COMPONENTS) {
    const uid = `${c.category}.${c.name}`;
    const comp = compService.findComponent(uid);
    const config = await compService.findConfiguration(comp);
    await compService.updateConfiguration(comp, { settings: { ...config.settings, mainField: 'name' }, metadatas: relabel(config, labels[uid], uid), layouts: config.layouts });
  }
}
