import { regionName } from '../../domain/regions';

/** '340104000000' → '安徽省 合肥市 蜀山区' (the code itself when unknown). */
export const regionLabel = (value: unknown): string | undefined => {
  const v = String(value ?? '');
  if (!v) return undefined;
  return (/^\d{6}000000$/.test(v) ? regionName(v.slice(0, 6)) : undefined) ?? v;
};
