import type { ReactNode } from "react";

import { FieldError } from "./field-error.tsx";

/** A form field with its label, an optional hint, and the message core gave for it; `className` adds to its `field` class. */
export function LabeledField({ name, label, hint, error, className, children }: { name: string; label: string; hint?: string; error: string | undefined; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={name}>{label}</label>
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}
