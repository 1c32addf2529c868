/**
 * Audit log (N 系统安全): every create, update and delete of domain records, every login,
 * export and approval decision — who, when, from where, what, and the changed fields before
 * and after, with ID numbers, phones and addresses masked. Rows are written with db.query
 * (not the Document Service) and no request may change or delete them (write-rules SYSTEM_ONLY).
 */
import type { Core } from '@strapi/strapi';
import { maskRecord } from '../domain/masking';
import { scopeColumnsOfRow } from '../domain/scope';

const AUDIT_UID = 'api::audit-log.audit-log';
const SKIP_UIDS = new Set([AUDIT_UID]);
const SKIP_FIELDS = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations', 'identityKey']);

export interface AuditEntry {
  action: string;
  subjectType?: string;
  subjectId?: string;
  scope?: Record<string, any> | null;
  changes?: Record<string, unknown> | null;
  actor?: { id?: number; name?: string; kind?: string; ip?: string };
}

function actorFromRequest(strapi: Core.Strapi) {
  const ctx: any = strapi.requestContext.get();
  if (!ctx) return { kind: 'system', name: '系统任务' };
  const user = ctx.state?.user;
  const strategy = ctx.state?.auth?.strategy?.name;
  return {
    id: user?.id,
    name: user ? (user.email ?? user.username ?? [user.firstname, user.lastname].filter(Boolean).join(' ')) : undefined,
    kind: strategy ?? 'anonymous',
    ip: ctx.request?.ip,
  };
}

const clean = (v: any): any => {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) if (!SKIP_FIELDS.has(k) && k !== '__component') out[k] = clean(x);
    return out;
  }
  return v;
};

/** Changed fields only, masked: { field: { before, after } }. */
export function diffRecords(before: Record<string, any> | null, after: Record<string, any> | null) {
  const b = maskRecord(clean(before ?? {})) ?? {};
  const a = maskRecord(clean(after ?? {})) ?? {};
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (SKIP_FIELDS.has(key)) continue;
    const x = b[key] ?? null;
    const y = a[key] ?? null;
    if (typeof y === 'object' && y !== null && !Array.isArray(y) && !(key in (after ?? {}))) continue;
    if (JSON.stringify(x) !== JSON.stringify(y)) out[key] = { before: x, after: y };
  }
  return out;
}

export async function writeAudit(strapi: Core.Strapi, entry: AuditEntry): Promise<void> {
  const actor = { ...actorFromRequest(strapi), ...(entry.actor ?? {}) };
  const s = entry.scope ?? {};
  await strapi.db.query(AUDIT_UID).create({
    data: {
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      actorId: actor.id ?? null,
      actorName: actor.name ?? null,
      actorKind: actor.kind ?? null,
      ip: actor.ip ?? null,
      at: new Date(),
      changes: entry.changes ?? null,
      ...scopeColumnsOfRow(s),
      publishedAt: new Date(),
    },
  });
}

/** Document Service middleware: one audit row per create, update and delete of a domain record. */
export function registerAudit(strapi: Core.Strapi): void {
  strapi.documents.use(async (ctx: any, next: () => Promise<any>) => {
    const write = ctx.action === 'create' || ctx.action === 'update' || ctx.action === 'delete';
    if (!write || !ctx.uid.startsWith('api::') || SKIP_UIDS.has(ctx.uid)) return next();
    const hasFamily = ctx.uid === 'api::student.student';
    const before = ctx.action !== 'create' && ctx.params?.documentId
      ? await strapi.db.query(ctx.uid).findOne({ where: { documentId: ctx.params.documentId }, populate: hasFamily ? { family: true } : undefined })
      : null;
    const result = await next();
    const after = ctx.action === 'delete' ? null
      : await strapi.db.query(ctx.uid).findOne({ where: { documentId: result?.documentId ?? ctx.params.documentId }, populate: hasFamily ? { family: true } : undefined });
    await writeAudit(strapi, {
      action: ctx.action,
      subjectType: ctx.uid,
      subjectId: result?.documentId ?? ctx.params?.documentId,
      scope: after ?? before,
      changes: diffRecords(before, after),
    });
    return result;
  });
}
