/**
 * Reads the target of a to-one relation from write data in any shape Strapi accepts:
 * documentId string, numeric id, { connect: [...] }, { set: [...] }, { disconnect: [...] }.
 * Returns undefined when the data does not touch the relation, null when it clears it.
 */
export type RelationRef = { id?: number; documentId?: string } | null | undefined;

const refOf = (v: any): RelationRef => {
  if (v === null) return null;
  if (typeof v === 'string') return { documentId: v };
  if (typeof v === 'number') return { id: v };
  if (v && typeof v === 'object' && (v.documentId || v.id)) return { id: v.id, documentId: v.documentId };
  return undefined;
};

export function relationTarget(value: any): RelationRef {
  if (value === undefined) return undefined;
  const direct = refOf(value);
  if (direct !== undefined) return direct;
  if (Array.isArray(value)) return value.length ? refOf(value[value.length - 1]) : null;
  if (value && typeof value === 'object') {
    if (Array.isArray(value.set)) return value.set.length ? refOf(value.set[value.set.length - 1]) : null;
    if (Array.isArray(value.connect) && value.connect.length) return refOf(value.connect[value.connect.length - 1]);
    if (Array.isArray(value.disconnect) && value.disconnect.length) return null;
  }
  return undefined;
}

/** Loads the row a RelationRef points to (by id or documentId). */
export async function loadRef(strapi: any, uid: string, ref: RelationRef, populate?: any) {
  if (!ref) return null;
  const where = ref.id ? { id: ref.id } : { documentId: ref.documentId };
  return strapi.db.query(uid).findOne({ where, populate });
}
