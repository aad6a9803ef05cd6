import { useEffect, useRef } from "react";
import { Form } from "react-router";

import type { PersonView } from "@leash/core";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { invalid } from "./field-error.tsx";
import { LabeledField } from "./labeled-field.tsx";

/** Creates a key; its secret comes back once, above, after the post. */
export function ApiKeyForm({ people, selfId, result, busy }: { people: PersonView[]; selfId: string; result: FormResult | undefined; busy: boolean }) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok) form.current?.reset();
  }, [result]);
  const error = (field: string) => fieldError(result, field);
  return (
    <Form method="post" ref={form} className="card panel stack" noValidate aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create an API key</h2>
      <CsrfField />
      <LabeledField name="name" label="Name" hint="Shown in timelines for what the key does, e.g. crm-sync." error={error("name")}>
        <input id="name" name="name" type="text" autoComplete="off" {...invalid("name", error("name"))} />
      </LabeledField>
      <LabeledField name="role" label="Role" hint="Agents propose and read; viewers read; approvers and admins also decide." error={error("role")}>
        <select id="role" name="role" defaultValue="agent" {...invalid("role", error("role"))}>
          <option value="agent">agent</option>
          <option value="viewer">viewer</option>
          <option value="approver">approver</option>
          <option value="admin">admin</option>
        </select>
      </LabeledField>
      <LabeledField name="ownerId" label="Owner" hint="The key stops while its owner is deactivated." error={error("ownerId")}>
        <select id="ownerId" name="ownerId" defaultValue={selfId} {...invalid("ownerId", error("ownerId"))}>
          <option value="">Nobody (a workspace key)</option>
          {people
            .filter((person) => person.active)
            .map((person) => (
              <option key={person.id} value={person.id}>
                {person.name} ({person.email})
              </option>
            ))}
        </select>
      </LabeledField>
      <LabeledField name="expiresOn" label="Expiry date (optional)" hint="Refused from 00:00 UTC that day; leave empty for a key that does not expire." error={error("expiresOn")}>
        <input id="expiresOn" name="expiresOn" type="date" {...invalid("expiresOn", error("expiresOn"))} />
      </LabeledField>
      <div>
        <button type="submit" name="intent" value="create" className="button button-primary" disabled={busy}>
          Create key
        </button>
      </div>
    </Form>
  );
}
