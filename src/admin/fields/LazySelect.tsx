/**
 * A SingleSelect that renders its options only while it is open. The design system's select
 * (Radix underneath) renders every option of a closed select into a detached fragment, so that
 * the trigger can show the chosen one's text: a student's form has some thirty selects (code
 * tables, three levels per region field) with about a thousand options in all, rendered on every
 * open of the form. Closed, only the chosen option is kept — the trigger still reads its label.
 *
 * The select's own type-to-choose on a closed trigger searches the rendered options only, so it
 * is done here over all of them: typed characters (within a second of each other) choose the
 * first option whose code or label starts with them — '0', '1' chooses 民族 01 汉族 — and one
 * character typed again steps to the next match.
 */
import * as React from 'react';
import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { typeaheadMatch } from '../../domain/typeahead';

export interface LazyOption { value: string; label: string }

type Props = Omit<React.ComponentProps<typeof SingleSelect>, 'children' | 'value' | 'onOpenChange'> & {
  options: readonly LazyOption[];
  value?: string | null;
};

const TYPEAHEAD_RESET_MS = 1000;

export const LazySelect = React.forwardRef<HTMLDivElement, Props>(({ options, value, ...props }, ref) => {
  const [open, setOpen] = React.useState(false);
  const typed = React.useRef({ text: '', at: 0 });
  const shown = open ? options : options.filter((o) => o.value === value);
  const onKeyDownCapture = (e: React.KeyboardEvent) => {
    if (open || props.disabled || e.key.length !== 1 || e.key === ' ' || e.ctrlKey || e.metaKey || e.altKey) return;
    const now = Date.now();
    const text = (now - typed.current.at < TYPEAHEAD_RESET_MS ? typed.current.text : '') + e.key;
    typed.current = { text, at: now };
    const match = typeaheadMatch(options, text, value);
    // Kept from the trigger: its own search would find only the chosen option.
    e.stopPropagation();
    e.preventDefault();
    if (match && match.value !== value) props.onChange?.(match.value);
  };
  return (
    <div style={{ display: 'contents' }} onKeyDownCapture={onKeyDownCapture}>
      <SingleSelect {...props} ref={ref} value={value ?? undefined} onOpenChange={setOpen}>
        {shown.map((o) => (
          <SingleSelectOption key={o.value} value={o.value}>
            {o.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </div>
  );
});
