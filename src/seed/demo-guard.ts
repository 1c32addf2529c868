/**
 * Demo safety rules, pure (no Strapi): when the start hook may load the demo province and create
 * the demo logins (a published super-admin password), and when `scripts/seed-demo.ts` may write
 * to or empty a database. A database is a demo database when it carries the demo mark (written
 * by the seeder, see demo-mark.ts); nothing demo ever happens in production.
 */

/** What the seeder recorded in the database it filled. */
export interface DemoMark {
  seed: number;
  students: number;
  /** ISO time the demo rows were committed. */
  at: string;
  by: 'start' | 'seed-script';
}

// ------------------------------------------------------------------------------ start hook
export interface StartSituation {
  production: boolean;
  /** config xueji.demo.seed (XUEJI_DEMO_SEED). */
  seedEnabled: boolean;
  marked: boolean;
  /** Rows of authorities, schools, classes and students. */
  dataRows: number;
  /** Admin-panel accounts of any kind. */
  adminUsers: number;
}

/**
 * - `seed`: the first start of an empty database (no rows, no admin accounts), or a marked demo
 *   database whose rows were emptied: load the demo province, mark it, create the demo logins;
 * - `accounts`: a demo database restarted: re-ensure the demo logins (nothing else);
 * - `none`: production, demo off, or a database that was not seeded as demo — it never gets
 *   demo logins, whatever it holds.
 */
export type StartAction = 'seed' | 'accounts' | 'none';

export function decideStart(s: StartSituation): StartAction {
  if (s.production || !s.seedEnabled) return 'none';
  if (s.dataRows === 0 && (s.marked || s.adminUsers === 0)) return 'seed';
  if (s.marked) return 'accounts';
  return 'none';
}

// ------------------------------------------------------------------------------ seed script
export interface SeedSituation {
  production: boolean;
  marked: boolean;
  /** Rows of authorities, schools, classes and students. */
  dataRows: number;
  /** Admin-panel accounts of any kind. */
  adminUsers: number;
  reset: boolean;
  yes: boolean;
  /** stdin is a terminal, so the user can be asked. */
  interactive: boolean;
}

export type RefusalCode = 'PRODUCTION' | 'NOT_DEMO' | 'NOT_EMPTY' | 'NEED_CONFIRM';

export type SeedDecision =
  | { action: 'refuse'; code: RefusalCode; message: string }
  /** `reset`: empty the demo rows first. `confirm`: ask before doing anything. */
  | { action: 'seed' | 'reset'; confirm: boolean };

export const REFUSAL: Record<RefusalCode, string> = {
  PRODUCTION:
    '生产环境（NODE_ENV=production）不载入也不清空示范数据。\n' +
    'Refused: demo data is never loaded or reset when NODE_ENV=production.',
  NOT_DEMO:
    '该数据库已有学籍数据，但没有示范数据库标记（不是由示范数据生成器创建的），拒绝清空或写入。请换用一个新的空数据库。\n' +
    'Refused: this database holds student-status data but carries no demo mark (it was not created by the demo seeder); ' +
    'it is never emptied or written. Use a new, empty database.',
  NOT_EMPTY:
    '示范数据库中已有数据；加 --reset 先清空示范数据再载入。\n' +
    'Refused: the demo database is not empty; add --reset to empty the demo data first.',
  NEED_CONFIRM:
    '需要确认：请在终端中运行并输入数据库名确认，或加 --yes。\n' +
    'Refused: confirmation needed; run it in a terminal and type the database name, or add --yes.',
};

const refuse = (code: RefusalCode): SeedDecision => ({ action: 'refuse', code, message: REFUSAL[code] });

/**
 * - production: always refused;
 * - rows without the demo mark: refused, with or without --reset (not ours to delete);
 * - a marked database with rows: refused without --reset; with --reset, confirmed first
 *   (prompt, or --yes);
 * - no rows: seeded (which marks the database). If it has admin accounts but no mark, the user
 *   confirms first: once marked, the demo logins are created at the next start.
 * A confirmation that cannot be asked (stdin not a terminal) and was not given (--yes) refuses.
 */
export function decideSeed(s: SeedSituation): SeedDecision {
  if (s.production) return refuse('PRODUCTION');
  let d: SeedDecision;
  if (s.dataRows > 0) {
    if (!s.marked) return refuse('NOT_DEMO');
    if (!s.reset) return refuse('NOT_EMPTY');
    d = { action: 'reset', confirm: true };
  } else {
    d = { action: 'seed', confirm: !s.marked && s.adminUsers > 0 };
  }
  if (d.confirm && s.yes) return { ...d, confirm: false };
  if (d.confirm && !s.interactive) return refuse('NEED_CONFIRM');
  return d;
}

/** The typed answer confirms when it is the database name or `yes` (case and spaces ignored). */
export function confirmationAccepted(answer: string | null | undefined, databaseName: string): boolean {
  const a = String(answer ?? '').trim();
  if (!a) return false;
  return a.toLowerCase() === 'yes' || (databaseName !== '' && a === databaseName.trim());
}

// ------------------------------------------------------------------------------ describing a DB
export interface DatabaseIdentity {
  client: string;
  /** What the user types to confirm: the PostgreSQL database name, or the SQLite file name. */
  name: string;
  /** `postgres://user@host:port/name` (no password) or the SQLite file path. */
  label: string;
}

/** From Strapi's `database.connection` config (client + connection). Never shows a password. */
export function describeDatabase(config: { client?: string; connection?: any }): DatabaseIdentity {
  const client = String(config?.client ?? 'unknown');
  const c = config?.connection ?? {};
  if (client === 'sqlite' || client === 'better-sqlite3') {
    const file = String(c.filename ?? '');
    const name = file.split(/[\\/]/).pop() || file;
    return { client: 'sqlite', name, label: file };
  }
  let host = c.host ?? 'localhost';
  let port = c.port ? String(c.port) : '';
  let user = c.user ?? '';
  let name = c.database ?? '';
  if (c.connectionString) {
    try {
      const u = new URL(String(c.connectionString));
      host = u.hostname || host;
      port = u.port || port;
      user = decodeURIComponent(u.username) || user;
      name = decodeURIComponent(u.pathname.replace(/^\//, '')) || name;
    } catch {
      /* keep the separate fields */
    }
  }
  const label = `${client}://${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}/${name}`;
  return { client, name: String(name), label };
}
