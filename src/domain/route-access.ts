/**
 * Every route of the running server, classified (deny by default, DESIGN "Writes"). A route
 * that no rule covers is refused at start-up and fails the route test, so a new route — ours,
 * a plugin's, or one an upgrade brings — is closed until a rule here opens it.
 *
 * - public: reachable without a login by design (each one refuses on its own terms)
 * - self:   any signed-in admin; the caller's own profile, session or the panel's metadata, no records
 * - scoped: records; the region scope applies (RBAC condition, Document Service middleware,
 *           scoped REST controllers, media scope, the accounts API)
 * - system: the system administrator only (users, roles, tokens, settings, schema)
 * - denied: switched off here (clone, draft/publish, data transfer, AI, open REST for system types)
 */
export type RouteAccess = 'public' | 'self' | 'scoped' | 'system' | 'denied';

interface Rule { methods: string[] | '*'; path: RegExp; access: RouteAccess; why: string }

const r = (methods: string | string[], path: RegExp, access: RouteAccess, why: string): Rule =>
  ({ methods: methods === '*' ? '*' : [methods].flat(), path, access, why });

const CM = '/content-manager/collection-types/:model';

export const ROUTE_RULES: Rule[] = [
  // ---------------------------------------------------------------- public
  r('*', /^\/_health$/, 'public', 'health check for load balancers'),
  r('GET', /^\/$|^\/\(\(\?!uploads\/\)\.\+\)$/, 'public', 'public/ folder (published rosters)'),
  r('GET', /^\/uploads\/\(\.\*\)$/, 'public', 'uploaded files: served only with a signed, expiring URL'),
  r('GET', /^\/admin\/:path\*$/, 'public', 'the admin panel application itself'),
  r('POST', /^\/admin\/(login|forgot-password|reset-password|register|register-admin|access-token|logout)$/, 'public', 'admin sign-in; register-admin only while no admin exists'),
  r('GET', /^\/admin\/(init|project-type|registration-info|project-settings|telemetry-properties)$/, 'public', 'panel start-up metadata'),
  r('GET', /^\/api\/public\/rosters(\/:schoolCode)?$/, 'public', 'published rosters (公示): masked names, gender, grade, class'),
  r('GET', /^\/api\/openapi\.json$/, 'public', 'OpenAPI 3 document of the public and integration API'),
  r('POST', /^\/api\/public\/student-status$/, 'public', '学籍状态查询 for parents: rate-limited, audited, reveals status only'),
  r('POST', /^\/api\/auth\/(local|refresh|logout|forgot-password|reset-password|change-password)$/, 'public', 'integration account sign-in (lockout, password policy)'),

  // ---------------------------------------------------------------- self
  r(['GET', 'PUT'], /^\/admin\/users\/me$/, 'self', 'own profile (password policy applies)'),
  r('GET', /^\/admin\/users\/me\/permissions$/, 'self', 'own permissions'),
  r(['GET', 'DELETE'], /^\/admin\/users\/me\/sessions(\/:sessionId)?$/, 'self', 'own sessions'),
  r('GET', /^\/admin\/(information|plugins|permissions|guided-tour-meta|license-trial-time-left|ai-feature-config|homepage\/layout)$/, 'self', 'panel metadata'),
  r('PUT', /^\/admin\/homepage\/layout$/, 'self', 'own home page layout'),
  r('POST', /^\/admin\/permissions\/check$/, 'self', 'own permission check'),
  r('GET', /^\/content-manager\/preview\/url\/:contentType$/, 'self', 'preview is off (config/admin.ts): answers 204, the edit view then shows no preview panel'),
  r(['GET', 'DELETE'], /^\/api\/auth\/sessions(\/:sessionId)?$/, 'self', 'integration account own sessions'),
  r('GET', /^\/api\/users\/me$/, 'self', 'integration account own profile'),
  r('GET', /^\/content-manager\/(init|content-types|components|content-types-settings)$/, 'self', 'Content Manager schema metadata'),
  r('GET', /^\/content-manager\/(content-types|components)\/:uid\/configuration$/, 'self', 'view configuration (read)'),
  r('GET', /^\/i18n\/(locales|iso-locales)$/, 'self', 'locales list'),
  r('POST', /^\/i18n\/content-manager\/actions\/get-non-localized-fields$/, 'self', 'i18n helper of the edit view (no localised types here)'),
  r('GET', /^\/upload\/(configuration|settings)$/, 'self', 'media library view settings'),

  // ---------------------------------------------------------------- scoped
  r(['GET', 'POST'], new RegExp(`^${CM}$`), 'scoped', 'list and create (RBAC condition, write rules)'),
  r(['GET', 'PUT', 'DELETE'], new RegExp(`^${CM}/:id$`), 'scoped', 'read, update, delete one (RBAC condition, write rules)'),
  r('POST', new RegExp(`^${CM}/actions/bulkDelete$`), 'scoped', 'bulk delete (RBAC condition per record, write rules)'),
  r('GET', /^\/content-manager\/relations\/:model(\/:id)?\/:targetField$/, 'scoped', 'relation pickers and linked records (RBAC condition; only the picker\'s own query parameters)'),
  r('GET', /^\/content-manager\/homepage\/(count-documents|recent-documents)$/, 'scoped', 'home widgets, counted inside the scope'),
  r(['GET', 'POST'], /^\/upload(\/files)?$/, 'scoped', 'media library list and upload (files carry scope)'),
  r(['GET', 'PUT', 'DELETE'], /^\/upload\/files\/:id$/, 'scoped', 'one file (media scope)'),
  r('POST', /^\/upload\/files\/:id\/replace$/, 'scoped', 'replace a file (media scope)'),
  r('POST', /^\/upload\/actions\/(bulk-delete|bulk-move|bulk-update)$/, 'scoped', 'media bulk actions (media scope)'),
  r(['GET', 'POST'], /^\/upload\/(folders|folder-structure)$/, 'scoped', 'media folders'),
  r(['GET', 'PUT'], /^\/upload\/folders\/:id$/, 'scoped', 'one media folder'),
  r(['GET', 'POST'], /^\/xueji\/accounts$/, 'scoped', 'accounts of the bureau\'s region'),
  r('POST', /^\/xueji\/accounts\/:id\/reset-password$/, 'scoped', 'password reset inside the region'),
  r(['GET', 'POST'], /^\/xueji\/changes$/, 'scoped', 'change requests: list (the region, both sides) and file (the school)'),
  r('POST', /^\/xueji\/(changes\/decide|registrations\/submit)$/, 'scoped', 'batch decisions and registration batches (each request checked)'),
  r('GET', /^\/xueji\/changes\/:documentId$/, 'scoped', 'one change request with its decisions'),
  r('GET', /^\/xueji\/changes\/options$/, 'scoped', 'change types a school may file for its student now, and why not'),
  r('GET', /^\/xueji\/registrations\/drafts$/, 'scoped', 'the school\'s draft students and what each lacks'),
  r('POST', /^\/xueji\/changes\/:documentId\/(decide|withdraw|resubmit|reverse)$/, 'scoped', 'workflow actions (the engine checks party, step and scope)'),
  r('GET', /^\/xueji\/promotion\/(preview|runs)$/, 'scoped', '学年升级: preview and runs (province officials only, checked by the handler)'),
  r('GET', /^\/xueji\/promotion\/runs\/:schoolYear$/, 'scoped', '学年升级: one run and its report (province officials only)'),
  r('POST', /^\/xueji\/promotion\/runs(\/:schoolYear\/undo)?$/, 'scoped', '学年升级: manual start and undo (province officials only)'),
  r('POST', /^\/xueji\/tasks\/reminders$/, 'scoped', 'daily deadline reminders started by hand (province officials only)'),
  r('POST', /^\/xueji\/rosters\/publish$/, 'scoped', '公示: publish the rosters of the caller\'s school or region'),
  r('GET', /^\/xueji\/templates\/:kind$/, 'self', 'Excel templates (no records; a bureau copy has the 学校标识码 column)'),
  r(['GET', 'POST'], /^\/xueji\/imports$/, 'scoped', 'Excel imports: past jobs of the region, upload (every row checked against the caller scope)'),
  r('GET', /^\/xueji\/imports\/:id(\/errors\.xlsx)?$/, 'scoped', 'one import job and its error workbook (the jobs of the region only)'),
  r('POST', /^\/xueji\/imports\/:id\/cancel$/, 'scoped', 'cancel an import job of the region'),
  r('GET', /^\/xueji\/exports\/progress\/:token$/, 'self', 'progress of an export the caller started (rows written of the total)'),
  r('GET', /^\/xueji\/exports\/:kind$/, 'scoped', 'Excel exports of the region (student list, 花名册, change history, national format)'),
  r('GET', /^\/xueji\/notifications$/, 'self', 'own unit\'s to-do list and notices'),
  r('POST', /^\/xueji\/notifications\/:id\/read$/, 'self', 'mark own notice read'),
  r('GET', /^\/api\/(authorities|schools|school-classes|students|resume-entries|exam-results|evaluations|awards|punishments|change-requests|approvals|audit-logs)(\/:id)?$/, 'scoped', 'REST reads through scoped controllers'),

  // ---------------------------------------------------------------- system
  r('*', /^\/admin\/(users|roles|webhooks|api-tokens)(\/.*)?$/, 'system', 'staff accounts, roles, webhooks, API tokens'),
  r('*', /^\/admin\/content-api\/(permissions|routes)$/, 'system', 'content API permissions'),
  r('POST', /^\/admin\/project-settings$/, 'system', 'project settings'),
  r('GET', /^\/admin\/homepage\/key-statistics$/, 'system', 'province-wide counts'),
  r('PUT', /^\/content-manager\/(content-types|components)\/:uid\/configuration$/, 'system', 'view configuration (write)'),
  r('*', /^\/content-type-builder\/.*$/, 'system', 'schema editor (development only)'),
  r(['POST', 'PUT', 'DELETE'], /^\/i18n\/locales(\/:id)?$/, 'system', 'locales'),
  r(['GET', 'PUT'], /^\/i18n\/settings$/, 'system', 'i18n settings'),
  r('PUT', /^\/upload\/(configuration|settings)$/, 'system', 'media library settings'),
  r('*', /^\/email(\/.*)?$/, 'system', 'mail settings and test mail'),
  r('*', /^\/users-permissions\/.*$/, 'system', 'integration roles, providers, mail templates'),

  // ---------------------------------------------------------------- denied
  r('POST', new RegExp(`^${CM}/(clone|auto-clone)/:sourceId$`), 'denied', 'cloning a record bypasses identity and numbers'),
  r('*', new RegExp(`^${CM}(/:id)?/actions/(publish|unpublish|discard|bulkPublish|bulkUnpublish|bulkFindForValidation|countDraftRelations|countManyEntriesDraftRelations)$`), 'denied', 'records have no drafts (draftAndPublish off)'),
  r('*', /^\/content-manager\/single-types\/.*$/, 'denied', 'no single types'),
  r('*', /^\/content-manager\/(uid|preview)\/.*$/, 'denied', 'no uid fields, no preview'),
  r('*', /^\/admin\/(transfer|admin-tokens)(\/.*)?$/, 'denied', 'data transfer and admin tokens bypass every rule'),
  r('*', /^\/admin\/(ai-token|ai-usage)$/, 'denied', 'no AI features'),
  r('*', /^\/upload\/(actions\/(upload-from-urls|generate-ai-metadata)|ai-metadata-jobs.*)$/, 'denied', 'no server-side fetches, no AI'),
  r('*', /^\/i18n\/(ai-localization-jobs|content-manager\/get-fill-from-locale)\/.*$/, 'denied', 'no AI, no localised types'),
  r('*', /^\/api\/(users|users-permissions|content-type-builder|i18n|email|upload)(\/.*)?$/, 'denied', 'system types are not served over REST'),
  r('*', /^\/api\/(connect\/.*|auth\/:provider\/callback|auth\/local\/register|auth\/email-confirmation|auth\/send-email-confirmation)$/, 'denied', 'no open registration, no third-party sign-in'),
  r('*', /^\/api\/(authorities|schools|school-classes|students|resume-entries|exam-results|evaluations|awards|punishments|change-requests|approvals|audit-logs|staff-scopes|notifications|import-jobs)(\/.*)?$/, 'denied', 'REST writes: the admin panel, imports and the change engine write'),
];

/** The rule for a route (method + path template as registered), or undefined when none covers it. */
/**
 * The query parameters the panel's relation picker sends (search, pages, ids it already holds,
 * locale and status). The picker routes read no other: Strapi runs them on the database layer,
 * below the scope rules and without output sanitising (src/extensions/content-manager).
 */
export const PICKER_QUERY_KEYS: ReadonlySet<string> = new Set(['_q', '_filter', 'page', 'pageSize', 'idsToOmit', 'idsToInclude', 'id', 'locale', 'status']);

export function classifyRoute(method: string, path: string): Rule | undefined {
  const m = method.toUpperCase();
  return ROUTE_RULES.find((rule) => (rule.methods === '*' || rule.methods.includes(m)) && rule.path.test(path));
}
