/**
 * 学籍变动 views over the change engine: 审批工作台 (bureaus), 我的申请 and 新生注册 (schools),
 * 办理学籍变动 on the student's edit view, a home-page to-do widget and the printable change
 * report. Menu links are shown by permission (granted per staff role in src/server/staff-roles.ts).
 */
import { Archive, Stack, Bell } from '@strapi/icons';
import * as React from 'react';
import { PLUGIN_ID } from './api';

const ChangePanel = React.lazy(() => import('./components/ChangePanel'));

/** Side panel of the student edit view (Strapi calls it with the edit view's context). */
const StudentPanel = ({ model, documentId }: { model: string; documentId?: string }) => {
  if (model !== 'api::student.student' || !documentId) return null;
  return {
    title: '办理学籍变动',
    content: React.createElement(React.Suspense, { fallback: null }, React.createElement(ChangePanel, { documentId })),
  };
};

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: '学籍变动' });
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: Stack,
      intlLabel: { id: `${PLUGIN_ID}.workbench`, defaultMessage: '审批工作台' },
      permissions: [{ action: 'plugin::approvals.workbench', subject: null }],
      Component: () => import('./pages/App'),
    });
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}/mine`,
      icon: Archive,
      intlLabel: { id: `${PLUGIN_ID}.mine`, defaultMessage: '我的申请' },
      permissions: [{ action: 'plugin::approvals.requests', subject: null }],
      Component: () => import('./pages/MyRequests'),
    });
    app.widgets?.register?.({
      id: 'todo',
      pluginId: PLUGIN_ID,
      icon: Bell,
      title: { id: `${PLUGIN_ID}.widget.todo`, defaultMessage: '学籍待办' },
      // The loader returns the component itself (not the module).
      component: () => import('./components/TodoWidget').then((m) => m.default),
    });
  },
  bootstrap(app: any) {
    app.getPlugin('content-manager')?.apis?.addEditViewSidePanel?.([StudentPanel]);
  },
  async registerTrads({ locales }: { locales: string[] }) {
    return locales.map((locale) => ({ data: {
      [`${PLUGIN_ID}.workbench`]: '审批工作台', [`${PLUGIN_ID}.mine`]: '我的申请', [`${PLUGIN_ID}.widget.todo`]: '学籍待办',
      [`${PLUGIN_ID}.plugin.name`]: '学籍变动',
    }, locale }));
  },
};
