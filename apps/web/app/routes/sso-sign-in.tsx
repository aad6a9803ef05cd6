import { data, Link, redirect, useNavigation } from "react-router";

import { startSsoSignIn } from "@leash/core";

import { LeashMark } from "../components/icons.tsx";
import { SsoSignInForm } from "../components/sso-sign-in-form.tsx";
import { CSRF_FIELD, type FormResult } from "../lib/form-result.ts";
import { refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formText, readForm } from "../server/form.server.ts";
import { safeRedirectPath } from "../server/redirect-path.server.ts";
import { commitSession, csrfMatches, getSession } from "../server/session.server.ts";
import type { Route } from "./+types/sso-sign-in";

export function meta() {
  return [{ title: "Sign in with SSO · Leash console" }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request);
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  if (session.get("userId")) throw redirect(redirectTo);
  // Why the last single sign-on did not sign the person in (left by the callback), shown once.
  const ssoError = session.get("signInError") ?? null;
  return data({ redirectTo, ssoError }, ssoError ? { headers: await commitSession(session, request) } : {});
}

/** Sends the person to their workspace's OpenID provider; what to check on their return stays in the signed session cookie. */
export async function action({ request }: Route.ActionArgs) {
  const form = await readForm(request);
  const session = await getSession(request);
  if (!csrfMatches(session, form.get(CSRF_FIELD))) {
    throw data("This form was not sent from this console, or your session changed. Reload the page and try again.", { status: 403 });
  }
  try {
    const { redirectTo, pending } = await startSsoSignIn(getDeps(), {
      input: { workspaceOrEmail: formText(form, "workspaceOrEmail") ?? "", redirectUri: new URL("/sign-in/sso/callback", request.url).href },
    });
    session.set("ssoPending", pending);
    session.set("ssoRedirectTo", safeRedirectPath(form.get("redirectTo")));
    return redirect(redirectTo, { headers: await commitSession(session, request) });
  } catch (error) {
    return refusal(error);
  }
}

export default function SsoSignIn({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === "submitting";
  const posted: FormResult | undefined = actionData;
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <LeashMark />
          <span className="brand-name">Leash</span>
        </div>
        <h1>Sign in with SSO</h1>
        <p className="muted">Through your company&apos;s sign-in, if your workspace has set it up.</p>
        <SsoSignInForm redirectTo={loaderData.redirectTo} result={posted} error={loaderData.ssoError} busy={busy} />
        <p className="auth-alternative">
          <Link to="/sign-in">Sign in with a password instead</Link>
        </p>
      </div>
    </main>
  );
}
