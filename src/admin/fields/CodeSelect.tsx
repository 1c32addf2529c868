/**
 * Admin input for `global::code` fields: a select over one national or system code table.
 * The stored value is the code (e.g. 民族 '01'); the registrar sees only its label, 汉族.
 */
import * as React from 'react';
import type { FieldInputProps } from './props';
import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { codeOptions } from '../../domain/code-lookup';


const CodeSelect = React.forwardRef<HTMLDivElement, FieldInputProps>(
  ({ name, label, hint, required, disabled, error, value, onChange, attribute }, ref) => {
    const options = codeOptions(attribute?.options?.table ?? '');
    return (
      <Field.Root name={name} id={name} error={error} hint={hint} required={required} ref={ref}>
        <Field.Label>{label}</Field.Label>
        <SingleSelect
          clearLabel="清除"
          value={value ?? undefined}
          disabled={disabled}
          placeholder="请选择"
          onClear={required ? undefined : () => onChange(name, null)}
          onChange={(v: string | number) => onChange(name, String(v))}
        >
          {options.map((o) => (
            <SingleSelectOption key={o.code} value={o.code}>
              {o.label}
            </SingleSelectOption>
          ))}
        </SingleSelect>
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    );
  },
);

export default CodeSelect;
