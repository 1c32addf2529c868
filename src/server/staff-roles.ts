/**
 * Admin-panel roles per level (SPEC §1, A §17) and their Content Manager permissions.
 * Roles are data kept in sync at every bootstrap; the region each account may see comes from
 * its staff-scope record (region scope itself is applied by the scope module).
 */
import type { Core } from '@strapi/strapi';
import type { ScopeLevel } from '../domain/scope';
import { SCOPE_CONDITION, SCOPE_EITHER_SIDE_CONDITION } from './scope';
import { systemFieldTable, SYSTEM_ONLY_TYPES } from '../domain/content-model';
import { EXCEL_ACTION, registerExcelActions } from './excel/admin-actions';

const CM = 'plugin::content-manager.explorer';
const SCHOOL_RECORDS = [
  'api::student.student', 'api::resume-entry.resume-entry', 'api::exam-result.exam-result',
  'api::evaluation.evaluation', 'api::award.award', 'api::punishment.punishment',
];
const ORG = ['api::authority.authority', 'api::school.school', 'api::school-class.school-class'];
const WORKFLOW = ['api::change-request.change-request', 'api::approval.approval'];
const ALL = [...ORG, ...SCHOOL_RECORDS, ...WORKFLOW, 'api::audit-log.audit-log'];
/** Menu permissions of the 学籍变动 views (src/plugins/approvals): bureaus decide, schools file. */
export const WORKBENCH = 'plugin::approvals.workbench';
export const MY_REQUESTS = 'plugin::approvals.requests';
/** Menu permissions of our own pages: 下级账号 (bureaus), 学年升级 (province); 导入导出 (all staff) is the xueji-excel plugin's. */
export const ACCOUNTS_PAGE = 'api::xueji.accounts';
export const EXCEL_PAGE = EXCEL_ACTION;
export const PROMOTION_PAGE = 'api::xueji.promotion';

/** Registers our admin actions (register phase, before roles are synced). */
export async function registerApprovalActions(strapi: Core.Strapi): Promise<void> {
  await (strapi.admin as any).services.permission.actionProvider.registerMany([
    { section: 'plugins', displayName: '审批工作台', uid: 'workbench', pluginName: 'approvals' },
    { section: 'plugins', displayName: '我的申请', uid: 'requests', pluginName: 'approvals' },
    // Settings section: Strapi does not assign 'internal' actions to roles; no plugin owns these pages.
    ...[['accounts', '下级账号'], ['promotion', '学年升级']].map(([uid, displayName]) =>
      ({ section: 'settings', category: '学籍', subCategory: '页面', displayName, uid: `xueji.${uid}` })),
  ]);
  await registerExcelActions(strapi);
}

export interface StaffRoleSpec {
  code: string;
  name: string;
  description: string;
  level: ScopeLevel;
  /** uid → CM actions */
  grants: Record<string, Array<'read' | 'create' | 'update' | 'delete'>>;
  /** extra (non content-type) admin actions */
  extra?: string[];
}

const grant = (uids: string[], actions: Array<'read' | 'create' | 'update' | 'delete'>) =>
  Object.fromEntries(uids.map((u) => [u, actions]));

export const STAFF_ROLES: StaffRoleSpec[] = [
  {
    code: 'xueji-province', name: '省级管理员', level: 'province',
    description: '全省查询统计；维护主管单位、学校；管理下级账号（/xueji/accounts）',
    grants: { ...grant(ALL, ['read']), ...grant(['api::authority.authority', 'api::school.school'], ['read', 'create', 'update']) },
    extra: [WORKBENCH, ACCOUNTS_PAGE, EXCEL_PAGE, PROMOTION_PAGE],
  },
  {
    code: 'xueji-city', name: '市级教育局', level: 'city',
    description: '本市范围内维护、查询、统计和审批',
    grants: grant(ALL, ['read']),
    extra: [WORKBENCH, ACCOUNTS_PAGE, EXCEL_PAGE],
  },
  {
    code: 'xueji-county', name: '县级教育局', level: 'county',
    description: '本县（以县为主）维护、查询、统计和审批；管理本县学校账号',
    grants: { ...grant(ALL, ['read']), ...grant(['api::school-class.school-class'], ['read', 'create', 'update']) },
    extra: [WORKBENCH, ACCOUNTS_PAGE, EXCEL_PAGE],
  },
  {
    code: 'xueji-school', name: '学校学籍管理员', level: 'school',
    description: '维护本校学生学籍、简历、成绩、评价、奖惩，提交变动申请',
    grants: {
      ...grant(SCHOOL_RECORDS, ['read', 'create', 'update']),
      ...grant(['api::school.school', 'api::authority.authority', ...WORKFLOW, 'api::audit-log.audit-log'], ['read']),
      ...grant(['api::school-class.school-class'], ['read', 'create', 'update']),
    },
    extra: [MY_REQUESTS, EXCEL_PAGE],
  },
];

const SYSTEM_FIELDS = systemFieldTable();

const STRAPI_KEPT = ['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'];

/**
 * Readable fields; create/update never include system-kept ones (declared in the content model).
 * A component field is granted by its leaves (`family.name`, `family.relation` …): Strapi's
 * field-level check knows no component as a whole and would show "无权查看此字段".
 */
export function fieldsOf(strapi: Core.Strapi, uid: string, action: string): string[] {
  const leaves = (model: string, prefix: string, system: Record<string, unknown>): string[] =>
    Object.entries<any>(strapi.getModel(model as any).attributes).flatMap(([k, a]) => {
      if (STRAPI_KEPT.includes(k) || a.private || k in system) return [];
      return a.type === 'component' ? leaves(a.component, `${prefix}${k}.`, {}) : [`${prefix}${k}`];
    });
  return leaves(uid, '', action === 'read' ? {} : SYSTEM_FIELDS[uid] ?? {});
}

/** Every scoped type is filtered by the one scope rule; transfers by either side. */
const conditionsFor = (uid: string): string[] =>
  uid === 'api::staff-scope.staff-scope' ? [] : uid === 'api::change-request.change-request' ? [SCOPE_EITHER_SIDE_CONDITION] : [SCOPE_CONDITION];

export function permissionsOf(strapi: Core.Strapi, spec: StaffRoleSpec) {
  const perms: any[] = [];
  for (const [uid, actions] of Object.entries(spec.grants)) {
    for (const action of actions) {
      if (SYSTEM_ONLY_TYPES.has(uid) && action !== 'read') continue; // written by the system only
      const withFields = action === 'read' || action === 'create' || action === 'update';
      perms.push({
        action: `${CM}.${action}`,
        subject: uid,
        properties: withFields ? { fields: fieldsOf(strapi, uid, action) } : {},
        conditions: conditionsFor(uid),
      });
    }
  }
  for (const action of spec.extra ?? []) perms.push({ action, subject: null, properties: {}, conditions: [] });
  // Every staff user uploads photos and proofs, and sees only those of their own scope.
  perms.push({ action: 'plugin::upload.assets.create', subject: null, properties: {}, conditions: [] });
  for (const action of ['plugin::upload.read', 'plugin::upload.assets.update', 'plugin::upload.assets.download', 'plugin::upload.assets.copy-link']) {
    perms.push({ action, subject: null, properties: {}, conditions: [SCOPE_CONDITION] });
  }
  return perms;
}

/** Creates or updates the four staff roles; returns code → role id. */
export async function syncStaffRoles(strapi: Core.Strapi): Promise<Record<string, number>> {
  const roleService = strapi.service('admin::role') as any;
  await roleService.createRolesIfNoneExist();
  const ids: Record<string, number> = {};
  for (const spec of STAFF_ROLES) {
    let role = await strapi.db.query('admin::role').findOne({ where: { code: spec.code } });
    if (!role) role = await roleService.create({ name: spec.name, code: spec.code, description: spec.description });
    await roleService.assignPermissions(role.id, permissionsOf(strapi, spec));
    ids[spec.code] = role.id;
  }
  return ids;
}
