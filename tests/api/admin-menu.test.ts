/**
 * What the admin panel offers each staff role is decided on the server: the permissions behind
 * the menu entries of our pages, Strapi's project statistics, and the preview panel.
 */
import { describe, it, expect } from 'vitest';
import { asAdmin } from './harness';

const actionsOf = async (email: string): Promise<Set<string>> => {
  const res = await (await asAdmin(email)).get('/admin/users/me/permissions');
  expect(res.status).toBe(200);
  return new Set((res.body.data as Array<{ action: string }>).map((p) => p.action));
};

describe('menu entries have real permissions', () => {
  it.each([
    ['province@xueji.demo', { accounts: true, excel: true, promotion: true }],
    ['city@xueji.demo', { accounts: true, excel: true, promotion: false }],
    ['county@xueji.demo', { accounts: true, excel: true, promotion: false }],
    ['school@xueji.demo', { accounts: false, excel: true, promotion: false }],
  ] as const)('%s: 下级账号, 导入导出 and 学年升级 only where the server serves them', async (email, expected) => {
    const actions = await actionsOf(email);
    expect({
      accounts: actions.has('api::xueji.accounts'),
      excel: actions.has('plugin::xueji-excel.use'),
      promotion: actions.has('api::xueji.promotion'),
    }).toEqual(expected);
  });

  it('a school registrar, who has no 下级账号 entry, is indeed refused by the accounts API', async () => {
    const res = await (await asAdmin('school@xueji.demo')).get('/xueji/accounts');
    expect(res.status).toBe(403);
  });
});

describe('no Strapi developer figures or preview for staff', () => {
  it('project statistics (all records, API tokens, webhooks) refuse a registrar: 403 SYSTEM_ONLY', async () => {
    const res = await (await asAdmin('school@xueji.demo')).get('/admin/homepage/key-statistics');
    expect(res.status).toBe(403);
    expect(res.body.error.details.code).toBe('SYSTEM_ONLY');
  });

  it('preview is switched off: 204 with no URL, so the edit view shows no 预览 panel', async () => {
    const res = await (await asAdmin('school@xueji.demo')).get('/content-manager/preview/url/api::student.student?documentId=x');
    expect(res.status).toBe(204);
  });
});
