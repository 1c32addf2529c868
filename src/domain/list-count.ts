/**
 * Counts of long lists (issue 13): a list's total is exact up to a cap; above it the database's
 * estimate is shown, rounded and labelled as approximate ("约 100 万条"), so a province-wide list
 * never scans a million rows to print its total.
 */

/**
 * The content type of a Content Manager list, from its path: the API route the server shapes
 * (`/content-manager/collection-types/<uid>`) and the panel page that shows it
 * (`/admin/content-manager/collection-types/<uid>`). An edit view (`…/<uid>/<documentId>`) is no list.
 */
export function listModelOf(path: string): string | undefined {
  return /\/content-manager\/collection-types\/([^/?]+)\/?$/.exec(path)?.[1];
}

/** Exact counts up to this many rows by default (a school, a class, a county of a few schools). */
export const DEFAULT_EXACT_COUNT_LIMIT = 10000;

/** The configured cap (`xueji.lists.exactCountLimit`), or the default when unset or invalid. */
export function exactCountLimit(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : DEFAULT_EXACT_COUNT_LIMIT;
}

/**
 * The total shown for an estimate: at least one more than the cap (the capped count proved that
 * many rows exist), rounded to two significant digits (an estimate has no more).
 */
export function approximateTotal(estimate: number, cap: number): number {
  const floor = cap + 1;
  const value = Math.max(Math.round(estimate), floor);
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(value)) - 1);
  return Math.max(Math.round(value / unit) * unit, floor);
}

/** The label of a list's total: "共 1,234 条", or "约 100 万条" for an approximate one. */
export function countLabel(total: number, approximate: boolean): string {
  if (!approximate) return `共 ${total.toLocaleString('en-US')} 条`;
  if (total >= 1e8) return `约 ${trim(total / 1e8)} 亿条`;
  if (total >= 1e4) return `约 ${trim(total / 1e4)} 万条`;
  return `约 ${total.toLocaleString('en-US')} 条`;
}

const trim = (n: number) => String(Number(n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2)));
