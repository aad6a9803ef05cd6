import { useEffect, useRef } from "react";
import { Form } from "react-router";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { invalid } from "./field-error.tsx";
import { LabeledField } from "./labeled-field.tsx";

/** Adds a person; core generates their password, shown once above after the post. */
export function AddPersonForm({ result, busy }: { result: FormResult | undefined; busy: boolean }) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok) form.current?.reset();
  }, [result]);
  const error = (field: string) => fieldError(result, field);
  return (
    <Form method="post" ref={form} className="card panel stack" noValidate aria-labelledby="add-person-heading">
      <h2 id="add-person-heading">Add a person</h2>
      <CsrfField />
      <LabeledField name="name" label="Name" error={error("name")}>
        <input id="name" name="name" type="text" autoComplete="off" {...invalid("name", error("name"))} />
      </LabeledField>
      <LabeledField name="email" label="Email" error={error("email")}>
        <input id="email" name="email" type="email" autoComplete="off" {...invalid("email", error("email"))} />
      </LabeledField>
      <LabeledField name="role" label="Role" hint="Viewers read; approvers also decide; admins also manage people, keys and settings." error={error("role")}>
        <select id="role" name="role" defaultValue="approver" {...invalid("role", error("role"))}>
          <option value="viewer">Viewer</option>
          <option value="approver">Approver</option>
          <option value="admin">Admin</option>
        </select>
      </LabeledField>
      <div>
        <button type="submit" name="intent" value="add" className="button button-primary" disabled={busy}>
          Add person
        </button>
      </div>
    </Form>
  );
}
