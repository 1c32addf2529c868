/**
 * Admin input for `global::code` fields: a select over one national or system code table.
 * The stored value is the code (e.g. 民族 '01'); the registrar sees only its label, 汉族.
 * Long tables (国籍/地区, ~250 entries) are a combobox the user filters by typing a name.
 */
import * as React from 'react';
import type { FieldInputProps } from './props';
import { Combobox, ComboboxOption, Field } from '@strapi/design-system';
import { LazySelect, type LazyOption } from './LazySelect';
import { codeOptions } from '../../domain/code-lookup';

/** A code table's entries as select options, built once per table. */
const optionCache = new Map<object, LazyOption[]>();
const choices = (options: ReadonlyArray<{ code: string; label: string }>) =>
  optionCache.get(options) ?? optionCache.set(options, options.map((o) => ({ value: o.code, label: o.label }))).get(options)!;

/** Above this many entries, scrolling a plain select is no way to find one. */
const FILTERABLE_FROM = 60;

const CodeSelect = React.forwardRef<HTMLDivElement, FieldInputProps>(
  ({ name, label, hint, required, disabled, error, value, onChange, attribute }, ref) => {
    const options = codeOptions(attribute?.options?.table ?? '');
    // The combobox renders its options only when open, so it cannot find the chosen label itself.
    const chosen = options.find((o) => o.code === value)?.label ?? '';
    const [text, setText] = React.useState(chosen);
    React.useEffect(() => setText(chosen), [chosen]);
    const common = {
      value: value ?? undefined,
      disabled,
      placeholder: '请选择',
      onClear: required ? undefined : () => onChange(name, null),
    };
    return (
      <Field.Root name={name} id={name} error={error} hint={hint} required={required} ref={ref}>
        <Field.Label>{label}</Field.Label>
        {options.length >= FILTERABLE_FROM ? (
          <Combobox
            {...common}
            clearLabel="清除"
            placeholder="请选择或输入名称筛选"
            noOptionsMessage={() => '没有匹配的项'}
            autocomplete={{ type: 'list', filter: 'contains' }} // '香港' finds 中国香港
            textValue={text}
            onTextValueChange={setText}
            onChange={(v?: string) => { if (v !== undefined) onChange(name, v); }}
          >
            {options.map((o) => (
              <ComboboxOption key={o.code} value={o.code}>
                {o.label}
              </ComboboxOption>
            ))}
          </Combobox>
        ) : (
          <LazySelect {...common} clearLabel="清除" options={choices(options)} onChange={(v: string | number) => onChange(name, String(v))} />
        )}
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    );
  },
);

export default CodeSelect;
