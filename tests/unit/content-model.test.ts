import { describe, it, expect } from 'vitest';
import fs from 'fs';
import path from 'path';
import { CONTENT_TYPES, COMPONENTS, schemaOf, componentSchemaOf, labelTable } from '../../src/domain/content-model';
import { STUDENT_FIELDS, FAMILY_FIELDS } from '../../src/domain/student-fields';
import { codeOptions } from '../../src/domain/code-lookup';

const root = path.join(__dirname, '..', '..');
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));

describe('content model', () => {
  it.each(CONTENT_TYPES.map((t) => [t.api, t]))('committed schema of %s matches the model (run npm run gen:schemas)', (_api, t: any) => {
    expect(read(`src/api/${t.api}/content-types/${t.api}/schema.json`)).toEqual(schemaOf(t));
  });

  it('committed family-member component matches the model', () => {
    for (const c of COMPONENTS) expect(read(`src/components/${c.category}/${c.name}.json`)).toEqual(componentSchemaOf(c));
  });

  it('carries the national field set: 48 student fields and 12 per family member, each labelled', () => {
    expect(STUDENT_FIELDS).toHaveLength(48);
    expect(FAMILY_FIELDS).toHaveLength(12);
    const labels = labelTable();
    for (const f of STUDENT_FIELDS) expect(labels['api::student.student'][f.key]).toBe(f.label);
    for (const f of FAMILY_FIELDS) expect(labels['family.member'][f.key]).toBe(f.label);
  });

  it('every code field points at a code table that exists and is not empty', () => {
    const attrs = [...CONTENT_TYPES.flatMap((t) => t.attrs), ...COMPONENTS.flatMap((c) => c.attrs)];
    const codeAttrs = attrs.filter((a) => a.attr.customField === 'global::code');
    expect(codeAttrs.length).toBeGreaterThan(30);
    for (const a of codeAttrs) expect(codeOptions((a.attr.options as any).table).length, a.key).toBeGreaterThan(0);
  });

  it('keeps table names short enough for PostgreSQL identifiers', () => {
    for (const t of CONTENT_TYPES) for (const a of t.attrs) expect(`${t.collectionName}_${a.key}_lnk`.length).toBeLessThan(56);
  });
});
