import type { Core } from '@strapi/strapi';
import { registerWriteRules } from './server/write-rules';
import { registerAudit } from './server/audit';
import { ensureDbConstraints } from './server/db-constraints';
import { backfillRequestTitles } from './server/changes/titles';
import { registerAccountSecurity, bootstrapAccountSecurity } from './server/account-security';
import { registerScopeConditions } from './server/scope';
import { installAccessCache } from './server/access-cache';
import { syncStaffRoles, registerApprovalActions } from './server/staff-roles';
import { registerMediaScope } from './server/media-scope';
import { registerPrivateMedia } from './server/media-urls';
import { registerAccountRoutes } from './server/accounts';
import { registerChangeRoutes } from './server/changes/http';
import { registerExcelRoutes } from './server/excel/http';
import { syncContentApiPermissions } from './server/content-api-permissions';
import { applyAdminLabels } from './server/admin-labels';
import { enforceRouteTable } from './server/route-guard';
import { registerScopedHomepage } from './server/homepage-scope';
import { loadDemoOnFirstStart, disableDemoAccountsInProduction } from './server/demo-start';
import { registerPromotionRoutes } from './server/promotion-http';
import { registerRosterRoutes } from './server/rosters-http';
import { registerOpenApiRoute } from './server/openapi';
import { registerCron, stopCron } from './server/cron';
import { readSchoolYear } from './server/promotion';
import { registerListSpeed, flagApproximateCounts } from './server/list-speed';

export default {
  async register({ strapi }: { strapi: Core.Strapi }) {
    // Code-table fields: stored as the code, picked from the table in the admin panel.
    strapi.customFields.register({ name: 'code', type: 'string' });
    strapi.customFields.register({ name: 'region', type: 'string' }); // region codes, picked province → county
    strapi.customFields.register({ name: 'payload', type: 'json' }); // a change request's details, shown in words
    // Order matters: validation and scope first, then the audit row of what was written.
    registerWriteRules(strapi);
    registerAudit(strapi);
    registerAccountSecurity(strapi);
    registerListSpeed(strapi); // after the scope middleware: it narrows CM lists, keeping the scope filter
    // Before the upload plugin's bootstrap, which reads isPrivate() once.
    registerPrivateMedia(strapi);
    await registerApprovalActions(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureDbConstraints(strapi);
    await backfillRequestTitles(strapi); // requests filed before titles existed
    await bootstrapAccountSecurity(strapi);
    await registerScopeConditions(strapi);
    installAccessCache(strapi); // abilities and staff scopes between requests, emptied by any write to them
    registerMediaScope(strapi);
    registerAccountRoutes(strapi);
    registerChangeRoutes(strapi);
    registerPromotionRoutes(strapi);
    registerRosterRoutes(strapi);
    registerOpenApiRoute(strapi);
    registerExcelRoutes(strapi);
    registerScopedHomepage(strapi);
    enforceRouteTable(strapi);
    flagApproximateCounts(strapi);
    await syncStaffRoles(strapi);
    await syncContentApiPermissions(strapi);
    await applyAdminLabels(strapi);
    await disableDemoAccountsInProduction(strapi);
    await loadDemoOnFirstStart(strapi);
    await readSchoolYear(strapi); // the system's school year, from the calendar on a fresh database
    registerCron(strapi);
  },

  async destroy() {
    await stopCron();
  },
};
