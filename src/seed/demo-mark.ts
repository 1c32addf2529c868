/**
 * The demo mark: one row in Strapi's core store (`strapi_core_store_settings`, key
 * `core_xueji_demo`) written by the seeder into the database it fills. Only a marked database
 * gets the demo logins and may be emptied by `scripts/seed-demo.ts --reset` (demo-guard.ts).
 */
import type { Core } from '@strapi/strapi';
import type { DemoMark } from './demo-guard';

const KEY = { type: 'core', name: 'xueji', key: 'demo' } as const;

export async function readDemoMark(strapi: Core.Strapi): Promise<DemoMark | null> {
  const v = await strapi.store.get({ ...KEY });
  return v && typeof v === 'object' ? (v as DemoMark) : null;
}

export async function writeDemoMark(strapi: Core.Strapi, mark: DemoMark): Promise<void> {
  await strapi.store.set({ ...KEY, value: mark });
}

export async function removeDemoMark(strapi: Core.Strapi): Promise<void> {
  await strapi.store.delete({ ...KEY });
}

/** Student-status rows the seeder writes (a database with any of them is not empty). */
export const DATA_UIDS = ['api::authority.authority', 'api::school.school', 'api::school-class.school-class', 'api::student.student'] as const;

export interface DatabaseCounts {
  authorities: number;
  schools: number;
  classes: number;
  students: number;
  adminUsers: number;
  /** authorities + schools + classes + students */
  dataRows: number;
}

export async function countRows(strapi: Core.Strapi): Promise<DatabaseCounts> {
  const [authorities, schools, classes, students] = await Promise.all(DATA_UIDS.map((uid) => strapi.db.query(uid as any).count()));
  const adminUsers = await strapi.db.query('admin::user').count();
  return { authorities, schools, classes, students, adminUsers, dataRows: authorities + schools + classes + students };
}
