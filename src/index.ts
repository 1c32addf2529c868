import type { Core } from '@strapi/strapi';
import { registerWriteRules } from './server/write-rules';
import { ensureDbConstraints } from './server/db-constraints';
import { syncStaffRoles } from './server/staff-roles';
import { applyAdminLabels } from './server/admin-labels';
import { loadDemoOnFirstStart } from './server/demo-start';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // Code-table fields: stored as the code, picked from the table in the admin panel.
    strapi.customFields.register({ name: 'code', type: 'string' });
    registerWriteRules(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureDbConstraints(strapi);
    await syncStaffRoles(strapi);
    await applyAdminLabels(strapi);
    await loadDemoOnFirstStart(strapi);
  },
};
