/**
 * Reads the target of a to-one relation from write data in any shape Strapi accepts:
 * documentId string, numeric id, { connect: [...] }, { set: [...] }, { disconnect: [...] }.
 * Returns undefined when the data does not touch the relation, null when it clears it.
 * Shapes that name more than one record for a to-one relation are refused: the validator and
 * Strapi must never read the same input differently.
 */
import { DomainError } from '../domain/errors';

export type RelationRef = { id?: number; documentId?: string } | null | undefined;

const ambiguous = () => new DomainError('RELATION_INPUT_AMBIGUOUS', '关联只能指向一条记录：请只选择一项', '关联');

const refOf = (v: any): RelationRef => {
  if (v === null) return null;
  if (typeof v === 'string') return { documentId: v };
  if (typeof v === 'number') return { id: v };
  if (v && typeof v === 'object' && (v.documentId || v.id)) return { id: v.id, documentId: v.documentId };
  return undefined;
};

const one = (list: any[]): RelationRef => {
  if (list.length > 1) throw ambiguous();
  return list.length ? refOf(list[0]) : null;
};

export function relationTarget(value: any): RelationRef {
  if (value === undefined) return undefined;
  const direct = refOf(value);
  if (direct !== undefined) return direct;
  if (Array.isArray(value)) return one(value);
  if (value && typeof value === 'object') {
    if (Array.isArray(value.set)) {
      if (Array.isArray(value.connect) && value.connect.length) throw ambiguous();
      return one(value.set);
    }
    if (Array.isArray(value.connect) && value.connect.length) return one(value.connect);
    if (Array.isArray(value.disconnect) && value.disconnect.length) return null;
  }
  return undefined;
}

/** Loads the row a RelationRef points to; when both id and documentId are given they must agree. */
export async function loadRef(strapi: any, uid: string, ref: RelationRef, populate?: any) {
  if (!ref) return null;
  const where: Record<string, unknown> = {};
  if (ref.id !== undefined) where.id = ref.id;
  if (ref.documentId !== undefined) where.documentId = ref.documentId;
  const row = await strapi.db.query(uid).findOne({ where, populate });
  if (!row) throw new DomainError('RELATION_NOT_FOUND', '所选关联记录不存在（或编号与文档编号不一致）', '关联');
  return row;
}
