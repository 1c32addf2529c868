/** One lookup over national (code-tables.ts, countries.ts) and system (system-codes.ts) code tables. */
import { CODE_TABLES } from './code-tables';
import { SYSTEM_CODE_TABLES, type CodeItem } from './system-codes';
import { COUNTRY_TABLE } from './countries';

export const ALL_CODE_TABLES: Record<string, readonly CodeItem[]> = { ...CODE_TABLES, country: COUNTRY_TABLE, ...SYSTEM_CODE_TABLES } as any;

export function codeOptions(table: string): readonly CodeItem[] {
  return ALL_CODE_TABLES[table] ?? [];
}

const codeSets = new Map<string, Set<string>>(); // table → its codes (imports check ~30 codes a row)
export function hasCode(table: string, code: string): boolean {
  let codes = codeSets.get(table);
  if (!codes) codeSets.set(table, (codes = new Set(codeOptions(table).map((c) => c.code))));
  return codes.has(code);
}

export function labelOf(table: string, code: string | null | undefined): string | undefined {
  return code == null ? undefined : codeOptions(table).find((c) => c.code === code)?.label;
}
