/** The message under a form field that failed validation; `id` is what the field's aria-describedby points at. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p className="field-error" id={id}>
      {message}
    </p>
  ) : null;
}

/** aria props of an input, pointing at its error when it has one. */
export const invalid = (id: string, message: string | undefined) =>
  message ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
