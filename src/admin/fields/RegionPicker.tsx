/**
 * Admin input for `global::region` fields (出生地, 籍贯, 户口所在地 …): cascading province →
 * city → county selects over the national division list (src/domain/regions.ts). The stored
 * value is the template's 12-digit form (6-digit code + 000000) of the deepest level chosen.
 */
import * as React from 'react';
import type { FieldInputProps } from './props';
import { Box, Field, Flex } from '@strapi/design-system';
import { LazySelect, type LazyOption } from './LazySelect';
import { listCities, listCounties, listProvinces, regionChain, toRegion12, type Region } from '../../domain/regions';

/** A level's regions as select options, built once per level and parent ('' , 'c34', 'k3401'). */
const optionCache = new Map<string, LazyOption[]>();
const choices = (key: string, list: () => Region[]) =>
  optionCache.get(key) ?? optionCache.set(key, list().map((r) => ({ value: r.code, label: r.name }))).get(key)!;

const NONE: LazyOption[] = [];

// Each level at least wide enough for a full name ('内蒙古自治区'); they wrap in a narrow column.
const Select = ({ label, value, options, disabled, onChange }: { label: string; value?: string; options: LazyOption[]; disabled?: boolean; onChange: (v?: string) => void }) => (
  <Box flex="1" minWidth="13rem">
    <LazySelect clearLabel="清除" aria-label={label} placeholder={label} value={value} disabled={disabled || !options.length} options={options} onClear={() => onChange(undefined)} onChange={(v: string | number) => onChange(String(v))} />
  </Box>
);

const RegionPicker = React.forwardRef<HTMLDivElement, FieldInputProps>(({ name, label, hint, required, disabled, error, value, onChange }, ref) => {
  const [chosen, setChosen] = React.useState(() => regionChain(value));
  React.useEffect(() => setChosen(regionChain(value)), [value]);
  const set = (next: { province?: string; city?: string; county?: string }) => {
    setChosen(next);
    const deepest = next.county ?? next.city ?? next.province;
    onChange(name, deepest ? toRegion12(deepest) : null);
  };
  return (
    <Field.Root name={name} id={name} error={error} hint={hint} required={required} ref={ref}>
      <Field.Label>{label}</Field.Label>
      <Flex gap={2} wrap="wrap" data-region-picker={name}>
        <Select label="省" value={chosen.province} options={choices('', listProvinces)} disabled={disabled} onChange={(v) => set({ province: v })} />
        <Select label="市" value={chosen.city} options={chosen.province ? choices(`c${chosen.province}`, () => listCities(chosen.province!)) : NONE} disabled={disabled} onChange={(v) => set({ province: chosen.province, city: v })} />
        <Select label="县（区）" value={chosen.county} options={chosen.city ? choices(`k${chosen.city}`, () => listCounties(chosen.city!)) : NONE} disabled={disabled} onChange={(v) => set({ ...chosen, county: v })} />
      </Flex>
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
});

export default RegionPicker;
