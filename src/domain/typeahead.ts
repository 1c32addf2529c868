/**
 * Type-to-choose on a closed select: the option a registrar means by the characters typed.
 * `text` is everything typed in a quick run. Codes are matched before labels ('1' is 男 by its
 * code), so 民族 汉族 is '0', '1'. One character — or one typed again and again with no option
 * starting with the whole run, as in '11' where no code 11 exists — steps through the options it
 * starts, beginning after the current one and wrapping round, as a native select does.
 */
export interface TypeaheadOption { value: string; label: string }

export function typeaheadMatch<T extends TypeaheadOption>(options: readonly T[], text: string, current?: string | null): T | undefined {
  const query = text.toLowerCase();
  if (!query) return undefined;
  const byValue = (q: string) => options.filter((o) => o.value.toLowerCase().startsWith(q));
  const byLabel = (q: string) => options.filter((o) => o.label.toLowerCase().startsWith(q));
  if (query.length > 1) {
    const whole = byValue(query)[0] ?? byLabel(query)[0];
    if (whole || ![...query].every((c) => c === query[0])) return whole;
  }
  const hits = [...new Set([...byValue(query[0]), ...byLabel(query[0])])];
  if (!hits.length) return undefined;
  return hits[(hits.findIndex((o) => o.value === current) + 1) % hits.length];
}
