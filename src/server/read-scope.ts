/**
 * No reading through relations (DESIGN "Writes"): for a scoped caller, every `populate` and
 * every filter on a relation sub-field is limited to records of the caller's scope, whatever
 * shape the query takes ('*', 'a.b', arrays, nested objects, $and/$or/$not). Applied by the
 * Document Service middleware to every read, so the Content Manager and REST get it alike.
 */
import type { Core } from '@strapi/strapi';
import type { UserScope } from '../domain/scope';
import { SCOPED_TYPES } from '../domain/content-model';
import { scopeWhere } from './scope';

export const FILE_UID = 'plugin::upload.file';
const POPULATABLE = new Set(['relation', 'media', 'component', 'dynamiczone']);

/** The scope filter of a relation's target, or undefined when the target is not scoped. */
function targetFilter(target: string | undefined, scope: UserScope) {
  if (!target) return undefined;
  if (SCOPED_TYPES.has(target) || target === FILE_UID) return scopeWhere(target, scope);
  return undefined;
}

/** The uid a relation or media attribute points to. */
export const targetOf = (attr: any): string | undefined => (attr?.type === 'media' ? FILE_UID : attr?.type === 'relation' ? attr.target : undefined);

/** Turns every populate shape into `{ attr: true | {...} }`. */
export function normalisePopulate(strapi: Core.Strapi, uid: string, populate: any): Record<string, any> | undefined {
  if (populate === undefined || populate === null || populate === false) return undefined;
  const attrs: Record<string, any> = (strapi.getModel(uid as any) as any)?.attributes ?? {};
  const all = () => Object.fromEntries(Object.keys(attrs).filter((k) => POPULATABLE.has(attrs[k].type)).map((k) => [k, true]));
  if (populate === true || populate === '*') return all();
  if (typeof populate === 'string') return normalisePopulate(strapi, uid, populate.split(','));
  if (Array.isArray(populate)) {
    const out: Record<string, any> = {};
    for (const item of populate) {
      if (typeof item !== 'string') continue;
      if (item === '*') { Object.assign(out, all()); continue; }
      const [head, ...rest] = item.split('.');
      if (!rest.length) { out[head] ??= true; continue; }
      const prev = out[head] && typeof out[head] === 'object' ? out[head] : {};
      out[head] = { ...prev, populate: [...[prev.populate ?? []].flat(), rest.join('.')] };
    }
    return out;
  }
  if (typeof populate === 'object') return { ...populate };
  return undefined;
}

/** Populate with every relation to a scoped type (and every file) filtered by the scope. */
export function scopePopulate(strapi: Core.Strapi, uid: string, populate: any, scope: UserScope): any {
  const obj = normalisePopulate(strapi, uid, populate);
  if (!obj) return populate;
  const attrs: Record<string, any> = (strapi.getModel(uid as any) as any)?.attributes ?? {};
  const out: Record<string, any> = {};
  for (const [key, raw] of Object.entries(obj)) {
    const attr = attrs[key];
    if (!attr || raw === false) { out[key] = raw; continue; }
    let child: Record<string, any> = raw === true || raw === '*' || typeof raw !== 'object' ? {} : { ...raw };
    if (attr.type === 'component') {
      if (child.populate !== undefined) child.populate = scopePopulate(strapi, attr.component, child.populate, scope);
      out[key] = Object.keys(child).length ? child : true;
      continue;
    }
    if (attr.type === 'dynamiczone') { out[key] = raw; continue; }
    const target = targetOf(attr);
    if (child.count) { out[key] = child; continue; } // a count reveals no record
    const filter = targetFilter(target, scope);
    if (filter) child.filters = child.filters ? { $and: [filter, scopeFilters(strapi, target!, child.filters, scope)] } : filter;
    if (child.populate !== undefined && target) child.populate = scopePopulate(strapi, target, child.populate, scope);
    out[key] = Object.keys(child).length ? child : true;
  }
  return out;
}

const isOperatorOnly = (v: any) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => k.startsWith('$'));

/** Filters whose relation sub-conditions only match records of the scope. */
export function scopeFilters(strapi: Core.Strapi, uid: string, filters: any, scope: UserScope): any {
  if (!filters || typeof filters !== 'object') return filters;
  if (Array.isArray(filters)) return filters.map((f) => scopeFilters(strapi, uid, f, scope));
  const attrs: Record<string, any> = (strapi.getModel(uid as any) as any)?.attributes ?? {};
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (key === '$and' || key === '$or') { out[key] = Array.isArray(value) ? value.map((f) => scopeFilters(strapi, uid, f, scope)) : value; continue; }
    if (key === '$not') { out[key] = scopeFilters(strapi, uid, value, scope); continue; }
    const attr = attrs[key];
    if (attr?.type === 'component') { out[key] = scopeFilters(strapi, attr.component, value, scope); continue; }
    const target = targetOf(attr);
    const filter = targetFilter(target, scope);
    if (!filter) { out[key] = target ? scopeFilters(strapi, target, value, scope) : value; continue; }
    // `{ student: { $null: true } }` asks about the link itself, not the linked record.
    if (isOperatorOnly(value) && Object.keys(value as any).every((k) => k === '$null' || k === '$notNull')) { out[key] = value; continue; }
    const inner = value !== null && typeof value === 'object' ? scopeFilters(strapi, target!, value, scope) : { id: value };
    out[key] = { $and: [filter, inner] };
  }
  return out;
}
