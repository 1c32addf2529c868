/**
 * A SingleSelect that renders its options only while it is open. The design system's select
 * (Radix underneath) renders every option of a closed select into a detached fragment, so that
 * the trigger can show the chosen one's text: a student's form has some thirty selects (code
 * tables, three levels per region field) with about a thousand options in all, rendered on every
 * open of the form. Closed, only the chosen option is kept — the trigger still reads its label.
 */
import * as React from 'react';
import { SingleSelect, SingleSelectOption } from '@strapi/design-system';

export interface LazyOption { value: string; label: string }

type Props = Omit<React.ComponentProps<typeof SingleSelect>, 'children' | 'value' | 'onOpenChange'> & {
  options: readonly LazyOption[];
  value?: string | null;
};

export const LazySelect = React.forwardRef<HTMLDivElement, Props>(({ options, value, ...props }, ref) => {
  const [open, setOpen] = React.useState(false);
  const shown = open ? options : options.filter((o) => o.value === value);
  return (
    <SingleSelect {...props} ref={ref} value={value ?? undefined} onOpenChange={setOpen}>
      {shown.map((o) => (
        <SingleSelectOption key={o.value} value={o.value}>
          {o.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );
});
