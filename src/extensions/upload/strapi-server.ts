/**
 * Photos and proofs belong to a student and are scoped with it: every uploaded file carries
 * the scope columns of the account that uploaded it, the media library's read/update
 * permissions of staff roles carry the scope condition, and every admin route that names
 * files or folders is checked against the caller's scope first (src/server/media-scope.ts).
 * The content API of the upload plugin is removed: websites need no media API (rosters are
 * static files), and an API token cannot be tied to a region.
 */
import { SCOPE_COLUMNS } from '../../domain/scope';
import {
  assertFilesInScope, assertMayChangeFolders, assertUnscoped, auditMedia, filesInFolders,
  mediaReadQuery, reloadFiles, scopeFolderCounts, type FileRow,
} from '../../server/media-scope';

type Handler = (ctx: any) => Promise<unknown>;
type Around = (ctx: any, run: () => Promise<unknown>) => Promise<unknown>;

const hasAny = (ids: unknown) => Array.isArray(ids) && ids.length > 0;

/** Upload bodies may name an entry to attach the file to (ref/refId/field): never from the admin panel. */
const stripAttachFields = (ctx: any) => {
  const body = ctx.request?.body;
  if (body && typeof body === 'object') for (const k of ['ref', 'refId', 'field', 'path']) delete body[k];
};

const moved = (after: Map<number, FileRow>) => (f: FileRow) => ({
  folderPath: { before: f.folderPath ?? null, after: after.get(f.id)?.folderPath ?? null },
});
const edited = (after: Map<number, FileRow>) => (f: FileRow) => ({
  name: { before: f.name ?? null, after: after.get(f.id)?.name ?? null },
  folderPath: { before: f.folderPath ?? null, after: after.get(f.id)?.folderPath ?? null },
});
const deleted = (f: FileRow) => ({ name: { before: f.name ?? null, after: null }, url: { before: f.url ?? null, after: null } });

export default (plugin: any) => {
  const attrs = plugin.contentTypes.file.schema.attributes;
  for (const key of SCOPE_COLUMNS) {
    attrs[key] = { type: 'string', maxLength: 10, configurable: false };
  }

  const around = (controller: string, action: string, fn: Around) => {
    const ctrl = plugin.controllers[controller];
    const original: Handler = ctrl[action];
    if (typeof original !== 'function') throw new Error(`upload controller ${controller}.${action} not found`);
    ctrl[action] = async function wrapped(this: unknown, ctx: any) {
      return fn(ctx, () => original.call(this, ctx));
    };
  };

  // The files list: no populate or filter through files of a folder or linked records.
  around('admin-file', 'find', async (ctx, run) => {
    ctx.request.query = mediaReadQuery(strapi, ctx.request.query, 'file');
    return run();
  });

  // Files by id.
  around('admin-file', 'findOne', async (ctx, run) => {
    await assertFilesInScope(strapi, ctx.params.id);
    return run();
  });
  around('admin-file', 'destroy', async (ctx, run) => {
    const files = await assertFilesInScope(strapi, ctx.params.id);
    const result = await run();
    await auditMedia(strapi, 'media.delete', files, deleted);
    return result;
  });
  around('admin-file', 'generateAIMetadata', async (ctx, run) => {
    await assertFilesInScope(strapi, ctx.request.body?.fileIds);
    return run();
  });
  around('admin-file', 'createAIMetadataJob', async (_ctx, run) => {
    await assertUnscoped(strapi, '批量处理全部文件只能由系统管理员执行');
    return run();
  });

  // Bulk actions: files in scope; folders only by unscoped administrators.
  around('admin-folder-file', 'deleteMany', async (ctx, run) => {
    const { fileIds, folderIds } = ctx.request.body ?? {};
    if (hasAny(folderIds)) await assertMayChangeFolders(strapi);
    const files = await assertFilesInScope(strapi, fileIds);
    const below = await filesInFolders(strapi, folderIds);
    const result = await run();
    await auditMedia(strapi, 'media.delete', [...files, ...below], deleted);
    return result;
  });
  around('admin-folder-file', 'moveMany', async (ctx, run) => {
    const { fileIds, folderIds } = ctx.request.body ?? {};
    if (hasAny(folderIds)) await assertMayChangeFolders(strapi);
    const files = [...await assertFilesInScope(strapi, fileIds), ...await filesInFolders(strapi, folderIds)];
    const result = await run();
    await auditMedia(strapi, 'media.move', files, moved(await reloadFiles(strapi, files)));
    return result;
  });

  // File info, replace, upload (POST /upload?id= delegates to updateFileInfo / replaceFile).
  around('admin-upload', 'upload', async (ctx, run) => {
    stripAttachFields(ctx);
    if (ctx.query?.id !== undefined) await assertFilesInScope(strapi, ctx.query.id);
    return run();
  });
  around('admin-upload', 'updateFileInfo', async (ctx, run) => {
    const files = await assertFilesInScope(strapi, ctx.params?.id ?? ctx.query?.id);
    const result = await run();
    await auditMedia(strapi, 'media.update', files, edited(await reloadFiles(strapi, files)));
    return result;
  });
  around('admin-upload', 'bulkUpdateFileInfo', async (ctx, run) => {
    const updates = ctx.request.body?.updates;
    const files = await assertFilesInScope(strapi, Array.isArray(updates) ? updates.map((u: any) => u?.id) : []);
    const result = await run();
    await auditMedia(strapi, 'media.update', files, edited(await reloadFiles(strapi, files)));
    return result;
  });
  around('admin-upload', 'replaceFile', async (ctx, run) => {
    stripAttachFields(ctx);
    const files = await assertFilesInScope(strapi, ctx.params?.id ?? ctx.query?.id);
    const result = await run();
    await auditMedia(strapi, 'media.replace', files, (f) => ({ url: { before: f.url ?? null, after: f.url ?? null } }));
    return result;
  });
  for (const action of ['uploadFiles', 'uploadFile']) {
    around('admin-upload', action, async (ctx, run) => {
      stripAttachFields(ctx);
      return run();
    });
  }

  // Folders: shared structure (see media-scope.ts).
  for (const action of ['create', 'update']) {
    around('admin-folder', action, async (_ctx, run) => {
      await assertMayChangeFolders(strapi);
      return run();
    });
  }
  for (const action of ['find', 'findOne']) {
    around('admin-folder', action, async (ctx, run) => {
      ctx.request.query = mediaReadQuery(strapi, ctx.request.query, 'folder');
      const result = await run();
      await scopeFolderCounts(strapi, ctx.body?.data);
      return result;
    });
  }

  // No content API for media: GET/POST/DELETE /api/upload/* do not exist.
  plugin.routes['content-api'] = { type: 'content-api', routes: [] };
  return plugin;
};
