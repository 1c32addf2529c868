/**
 * Chinese field labels in the Content Manager. Strapi keeps them in its stored view
 * configuration (core store), not in schema files (strapi/strapi#4346), so a fresh database
 * would show attribute names: we write them at bootstrap from the one label table.
 */
import type { Core } from '@strapi/strapi';
import { CONTENT_TYPES, COMPONENTS, labelTable } from '../domain/content-model';
import { SCOPE_COLUMNS, TO_SIDE_COLUMNS } from '../domain/scope';

/** Kept by the system: hidden from forms (scope columns, keys) or shown read-only (numbers, states). */
const HIDDEN = new Set<string>(['identityKey', 'openKey', ...SCOPE_COLUMNS, ...Object.values(TO_SIDE_COLUMNS)]);
const READ_ONLY = new Set(['studentNumber', 'regionalNumber', 'registrationStatus', 'enrollmentStatus', 'state', 'currentStep', 'dueDate', 'submittedAt', 'name@api::school-class.school-class', 'school@api::student.student']);

export async function applyAdminLabels(strapi: Core.Strapi): Promise<void> {
  const labels = labelTable();
  const cm = strapi.plugin('content-manager');
  const ctService = cm.service('content-types') as any;
  const compService = cm.service('components') as any;

  const relabel = (config: any, table: Record<string, string>, uid: string) => {
    const metadatas = { ...config.metadatas };
    for (const [attr, label] of Object.entries(table)) {
      if (!metadatas[attr]) continue;
      const edit = { ...metadatas[attr].edit, label };
      if (HIDDEN.has(attr)) edit.visible = false;
      if (READ_ONLY.has(attr) || READ_ONLY.has(`${attr}@${uid}`)) edit.editable = false;
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
    await ctService.updateConfiguration(ct, { settings, metadatas: relabel(config, labels[uid], uid), layouts });
  }
  for (const c of COMPONENTS) {
    const uid = `${c.category}.${c.name}`;
    const comp = compService.findComponent(uid);
    const config = await compService.findConfiguration(comp);
    await compService.updateConfiguration(comp, { settings: { ...config.settings, mainField: 'name' }, metadatas: relabel(config, labels[uid], uid), layouts: config.layouts });
  }
}
