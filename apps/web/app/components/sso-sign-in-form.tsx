import { Form } from "react-router";

import { fieldError, formError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { FieldError, invalid } from "./field-error.tsx";

/** The workspace, or a work email whose domain picks it; then off to the workspace's OpenID provider. */
export function SsoSignInForm({ redirectTo, result, error, busy }: { redirectTo: string; result: FormResult | undefined; error: string | null; busy: boolean }) {
  const refused = formError(result) ?? error;
  const fieldMessage = fieldError(result, "workspaceOrEmail");
  return (
    <Form method="post" className="stack" noValidate>
      <CsrfField />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      {refused ? (
        <p className="notice notice-error" role="alert" data-testid="sso-error">
          {refused}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="workspaceOrEmail">Workspace or work email</label>
        <input id="workspaceOrEmail" name="workspaceOrEmail" type="text" autoComplete="email" required {...invalid("workspaceOrEmail", fieldMessage)} />
        <p className="field-hint">Your team&apos;s short name (e.g. demo), or your email at work.</p>
        <FieldError id="workspaceOrEmail-error" message={fieldMessage} />
      </div>
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        {busy ? "Going to your provider…" : "Continue"}
      </button>
    </Form>
  );
}
