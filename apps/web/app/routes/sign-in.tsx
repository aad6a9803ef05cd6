import { data, Form, Link, redirect, useNavigation } from "react-router";

import { signIn } from "@leash/core";

import { CsrfField } from "../components/csrf-field.tsx";
import { LeashMark } from "../components/icons.tsx";
import { CSRF_FIELD, fieldError, formError } from "../lib/form-result.ts";
import { refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formText, readForm } from "../server/form.server.ts";
import { safeRedirectPath } from "../server/redirect-path.server.ts";
import { commitSession, csrfMatches, getSession, startSignedInSession } from "../server/session.server.ts";
import type { Route } from "./+types/sign-in";

export function meta() {
  return [{ title: "Sign in · Leash console" }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request);
  const url = new URL(request.url);
  if (session.get("userId")) throw redirect(safeRedirectPath(url.searchParams.get("redirectTo")));
  return { redirectTo: safeRedirectPath(url.searchParams.get("redirectTo")), workspace: url.searchParams.get("workspace") ?? "" };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const session = await getSession(request);
  if (!csrfMatches(session, form.get(CSRF_FIELD))) {
    throw data("This form was not sent from this console, or your session changed. Reload the page and try again.", { status: 403 });
  }
  let signedIn;
  try {
    signedIn = await signIn(getDeps(), {
      input: { tenant: formText(form, "tenant") ?? "", email: formText(form, "email") ?? "", password: formText(form, "password") ?? "" },
      clientAddress: context.clientAddress,
    });
  } catch (error) {
    return refusal(error);
  }
  startSignedInSession(session, signedIn.session);
  return redirect(safeRedirectPath(form.get("redirectTo")), { headers: await commitSession(session, request) });
}

export default function SignIn({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const refused = formError(actionData);
  const fields = [
    { name: "tenant", label: "Workspace", type: "text", autoComplete: "organization", defaultValue: loaderData.workspace, hint: "Your team's short name, e.g. demo" },
    { name: "email", label: "Email", type: "email", autoComplete: "username", defaultValue: "", hint: undefined },
    { name: "password", label: "Password", type: "password", autoComplete: "current-password", defaultValue: "", hint: undefined },
  ];
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <LeashMark />
          <span className="brand-name">Leash</span>
        </div>
        <h1>Sign in to the console</h1>
        <p className="muted">Review what your agents want to do, and decide.</p>
        <Form method="post" className="stack" noValidate>
          <CsrfField />
          <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
          {refused ? (
            <p className="notice notice-error" role="alert">
              {refused}
            </p>
          ) : null}
          {fields.map((field) => {
            const error = fieldError(actionData, field.name);
            const describedBy = [field.hint ? `${field.name}-hint` : null, error ? `${field.name}-error` : null].filter(Boolean).join(" ");
            return (
              <div className="field" key={field.name}>
                <label htmlFor={field.name}>{field.label}</label>
                <input
                  id={field.name}
                  name={field.name}
                  type={field.type}
                  autoComplete={field.autoComplete}
                  defaultValue={field.defaultValue}
                  required
                  aria-invalid={error ? true : undefined}
                  aria-describedby={describedBy || undefined}
                />
                {field.hint ? (
                  <p className="field-hint" id={`${field.name}-hint`}>
                    {field.hint}
                  </p>
                ) : null}
                {error ? (
                  <p className="field-error" id={`${field.name}-error`}>
                    {error}
                  </p>
                ) : null}
              </div>
            );
          })}
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </Form>
        <p className="auth-alternative">
          <Link to={loaderData.redirectTo === "/" ? "/sign-in/sso" : `/sign-in/sso?redirectTo=${encodeURIComponent(loaderData.redirectTo)}`} className="button button-block">
            Sign in with SSO
          </Link>
        </p>
      </div>
    </main>
  );
}
