/**
 * Media scope. Uploaded files carry the uploader's scope columns (stamped here on create), and
 * every admin upload route that names files is checked here before anything changes (wired in
 * src/extensions/upload/strapi-server.ts): a scoped caller may touch only files of its scope
 * (403 OUT_OF_SCOPE otherwise), deletes, moves and edits leave an audit row. That a record (a
 * student's photo, a request's proofs) is given only files of the caller's scope is checked on
 * what is stored, with every other link, by the write rules (src/server/write-rules.ts).
 *
 * Folders are shared structure with no scope of their own (one folder may hold files of many
 * schools; deleting a folder deletes every file below it, moving it moves them all). So only
 * unscoped administrators create, rename, move or delete folders; scoped staff may put their own
 * files into existing folders, and the file counts they see on folders are of their scope only.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentScope, outOfScopeError } from './scope';
import { writeAudit } from './audit';
import { SCOPE_COLUMNS, scopeColumnsOfSchool, scopeColumnsOfRegion, scopeFilter, isInScope, type UserScope } from '../domain/scope';

import { FILE_UID, normalisePopulate } from './read-scope';

export { FILE_UID };

/** Full scope columns of a user's scope: a school's four, or a region's prefix columns. */
export async function columnsOfScope(strapi: Core.Strapi, scope: { level: string; code: string }) {
  if (scope.level === 'school') {
    const s = await strapi.db.query('api::school.school').findOne({ where: { code: scope.code } });
    return s ? scopeColumnsOfSchool(s) : {};
  }
  return scopeColumnsOfRegion(scope.level as any, scope.code);
}

export function registerMediaScope(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: [FILE_UID],
    async beforeCreate(event: any) {
      const data = event.params.data ?? {};
      for (const k of SCOPE_COLUMNS) delete data[k];
      const scope = await currentScope(strapi);
      if (scope && scope !== 'none') Object.assign(data, await columnsOfScope(strapi, scope));
      event.params.data = data;
    },
  });
}

const outOfScope = (message = '超出管辖范围：只能查看和维护本辖区（本校）上传的文件') => outOfScopeError(message);

export interface FileRow extends Partial<Record<(typeof SCOPE_COLUMNS)[number], string | null>> {
  id: number;
  name?: string;
  url?: string;
  folderPath?: string;
}

const FILE_FIELDS = ['id', 'name', 'url', 'hash', 'ext', 'folderPath', ...SCOPE_COLUMNS];

/**
 * The ids a request names, each a plain positive integer (a number, or digits only). Anything
 * else is refused, not skipped: the database also matches '14.0', ' 14' or '1.5e1' to file 14,
 * so an id this check let pass unread would reach Strapi's bulk actions unchecked.
 */
export function plainIds(ids: unknown, what = '文件'): number[] {
  const list = Array.isArray(ids) ? ids : ids === undefined || ids === null ? [] : [ids];
  return list.map((v) => {
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
    if (!/^[1-9]\d{0,14}$/.test(text)) {
      throw new errors.ValidationError(`${what}编号“${String(v).slice(0, 40)}”格式不正确：应为正整数`, { code: 'INVALID_ID', errors: [] });
    }
    return Number(text);
  });
}

/**
 * Loads the named files and throws 403 OUT_OF_SCOPE if the caller is scoped and any of them
 * lies outside its scope (unknown ids are left to Strapi; an id not written as a plain integer
 * is 400 INVALID_ID). Super admins pass.
 */
export async function assertFilesInScope(strapi: Core.Strapi, ids: unknown): Promise<FileRow[]> {
  const list = plainIds(ids);
  const scope = await currentScope(strapi);
  if (scope === 'none') throw outOfScope();
  if (list.length === 0) return [];
  const rows: FileRow[] = await strapi.db.query(FILE_UID).findMany({ where: { id: { $in: list } }, select: FILE_FIELDS });
  if (scope && rows.some((row) => !isInScope(scope, row as any))) throw outOfScope();
  return rows;
}

/** Throws 403 OUT_OF_SCOPE for any scoped caller: the action reaches beyond one scope. */
export async function assertUnscoped(strapi: Core.Strapi, message: string): Promise<void> {
  if ((await currentScope(strapi)) !== null) throw outOfScope(message);
}

/** Folders are shared structure: only unscoped administrators change them. */
export const assertMayChangeFolders = (strapi: Core.Strapi) =>
  assertUnscoped(strapi, '文件夹为各单位共用，只能由系统管理员新建、修改、移动或删除');

/** The current rows of files (after a change), by id. */
export async function reloadFiles(strapi: Core.Strapi, files: FileRow[]): Promise<Map<number, FileRow>> {
  if (files.length === 0) return new Map();
  const rows: FileRow[] = await strapi.db.query(FILE_UID).findMany({ where: { id: { $in: files.map((f) => f.id) } }, select: FILE_FIELDS });
  return new Map(rows.map((r) => [r.id, r]));
}

/** Files below the given folders (what deleting them would delete), for the audit. */
export async function filesInFolders(strapi: Core.Strapi, folderIds: unknown): Promise<FileRow[]> {
  const ids = plainIds(folderIds, '文件夹');
  if (ids.length === 0) return [];
  const folders = await strapi.db.query('plugin::upload.folder').findMany({ where: { id: { $in: ids } }, select: ['path'] });
  if (folders.length === 0) return [];
  return strapi.db.query(FILE_UID).findMany({
    where: { $or: folders.flatMap((f: any) => [{ folderPath: { $eq: f.path } }, { folderPath: { $startsWith: `${f.path}/` } }]) },
    select: FILE_FIELDS,
  });
}

export async function auditMedia(strapi: Core.Strapi, action: 'media.delete' | 'media.move' | 'media.update' | 'media.replace',
  files: FileRow[], changesOf: (file: FileRow) => Record<string, unknown>): Promise<void> {
  for (const file of files) {
    await writeAudit(strapi, { action, subjectType: FILE_UID, subjectId: String(file.id), scope: file, changes: changesOf(file) });
  }
}

/** A scoped caller sees on each folder the number of its own files there, not everyone's. */
export async function scopeFolderCounts(strapi: Core.Strapi, folders: any): Promise<void> {
  const scope = await currentScope(strapi);
  if (scope === null) return;
  const list = Array.isArray(folders) ? folders : folders ? [folders] : [];
  for (const folder of list) {
    if (!folder?.files || typeof folder.files.count !== 'number') continue;
    folder.files.count = scope === 'none' ? 0
      : await strapi.db.query(FILE_UID).count({ where: { folder: { id: folder.id }, ...scopeFilter(scope as UserScope) } });
  }
}

const HIDDEN_LINKS = new Set(['files', 'related']);

const FOLDER_UID = 'plugin::upload.folder';

/**
 * `populate` in any shape (read the way every read is: normalisePopulate) cut to the folder
 * tree: a file's folder, a folder's parent chain, and (top level of a folder read) the counts of
 * its children and files. `level` 'tree' is a folder reached through a populate: its parent chain.
 */
function mediaPopulate(strapi: Core.Strapi, populate: unknown, level: 'file' | 'folder' | 'tree'): Record<string, unknown> | undefined {
  const asked = normalisePopulate(strapi, level === 'file' ? FILE_UID : FOLDER_UID, populate);
  if (!asked) return undefined;
  const out: Record<string, unknown> = {};
  const chain = (value: unknown) => {
    const nested = value && typeof value === 'object' ? mediaPopulate(strapi, (value as any).populate, 'tree') : undefined;
    return nested ? { populate: nested } : true;
  };
  for (const [key, value] of Object.entries(asked)) {
    if (value === false) continue;
    if (level === 'folder' && (key === 'files' || key === 'children')) out[key] = { count: true };
    else if (key === 'parent' && level !== 'file') out.parent = chain(value);
    else if (key === 'folder' && level === 'file') out.folder = chain(value);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Filters and sorts with no path through `files` or `related` (a folder's or a record's files of any scope). */
function withoutHiddenLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutHiddenLinks).filter((v) => v !== undefined);
  if (typeof value === 'string') return value.split('.').some((p) => HIDDEN_LINKS.has(p.split(':')[0])) ? undefined : value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !HIDDEN_LINKS.has(k)).map(([k, v]) => [k, withoutHiddenLinks(v)]));
  }
  return value;
}

/**
 * The query of a media-library read (files list, folders), cut to what it may reach: Strapi reads
 * these on the database layer and populates what the query names, so a folder's `files`, a
 * file's `folder.files` or `related` returned other regions' files and records in full. Kept:
 * the folder tree and counts; filters and sorts with no path through files or linked records.
 */
export function mediaReadQuery(strapi: Core.Strapi, query: Record<string, any> | undefined, kind: 'file' | 'folder'): Record<string, any> {
  const out: Record<string, any> = { ...(query ?? {}) };
  if ('populate' in out) {
    const populate = mediaPopulate(strapi, out.populate, kind);
    if (populate) out.populate = populate;
    else delete out.populate;
  }
  for (const key of ['filters', 'sort']) if (key in out) out[key] = withoutHiddenLinks(out[key]);
  return out;
}
