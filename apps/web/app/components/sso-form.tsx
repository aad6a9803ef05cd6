import { Form } from "react-router";

import type { SsoSettingsView } from "@leash/core";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { invalid } from "./field-error.tsx";
import { LabeledField } from "./labeled-field.tsx";

/** The workspace's OpenID Connect provider; the client secret is never sent back to the browser. */
export function SsoForm({ settings, result, busy }: { settings: SsoSettingsView | null; result: FormResult | undefined; busy: boolean }) {
  const error = (field: string) => fieldError(result, field);
  return (
    <Form method="post" className="card panel stack" noValidate aria-labelledby="sso-form-heading" key={settings?.updatedAt ?? "new"}>
      <h2 id="sso-form-heading">{settings ? "Change single sign-on" : "Set up single sign-on"}</h2>
      <CsrfField />
      <LabeledField name="issuerUrl" label="Issuer URL" hint="The provider's issuer, e.g. https://accounts.example.com (its discovery document is read when you save)." error={error("issuerUrl")}>
        <input id="issuerUrl" name="issuerUrl" type="url" defaultValue={settings?.issuerUrl ?? ""} {...invalid("issuerUrl", error("issuerUrl"))} />
      </LabeledField>
      <LabeledField name="clientId" label="Client id" error={error("clientId")}>
        <input id="clientId" name="clientId" type="text" autoComplete="off" defaultValue={settings?.clientId ?? ""} {...invalid("clientId", error("clientId"))} />
      </LabeledField>
      <LabeledField name="clientSecret" label="Client secret" hint={settings ? "Leave empty to keep the stored one." : "Stored encrypted; never shown again."} error={error("clientSecret")}>
        <input id="clientSecret" name="clientSecret" type="password" autoComplete="new-password" {...invalid("clientSecret", error("clientSecret"))} />
      </LabeledField>
      <LabeledField name="allowedEmailDomain" label="Allowed email domain" hint="Only people whose verified email is in this domain may sign in, e.g. example.com." error={error("allowedEmailDomain")}>
        <input id="allowedEmailDomain" name="allowedEmailDomain" type="text" defaultValue={settings?.allowedEmailDomain ?? ""} {...invalid("allowedEmailDomain", error("allowedEmailDomain"))} />
      </LabeledField>
      <LabeledField name="newUserRole" label="Role for new people" hint="People who sign in for the first time get this role; existing accounts keep theirs." error={error("newUserRole")}>
        <select id="newUserRole" name="newUserRole" defaultValue={settings?.newUserRole ?? "viewer"} {...invalid("newUserRole", error("newUserRole"))}>
          <option value="viewer">Viewer</option>
          <option value="approver">Approver</option>
          <option value="admin">Admin</option>
        </select>
      </LabeledField>
      <div>
        <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>
          Save single sign-on
        </button>
      </div>
    </Form>
  );
}
