import type * as React from 'react';

/** What the Content Manager passes to a custom field's input. */
export interface FieldInputProps {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  required?: boolean;
  disabled?: boolean;
  error?: string;
  value?: string | null;
  onChange: (name: string, value: unknown) => void;
  attribute: { options?: { table?: string } };
}
