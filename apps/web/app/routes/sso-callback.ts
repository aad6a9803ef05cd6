import { redirect } from "react-router";

import { finishSsoSignIn, isCoreError } from "@leash/core";

import { getDeps } from "../server/deps.server.ts";
import { safeRedirectPath } from "../server/redirect-path.server.ts";
import { commitSession, getSession, startSignedInSession } from "../server/session.server.ts";
import type { Route } from "./+types/sso-callback";

/**
 * Where the OpenID provider sends the person back. Core checks the answer against what this browser's
 * session kept (state, nonce, PKCE verifier), which is used up either way; success starts the same
 * session as a password sign-in, a refusal goes back to the SSO sign-in page with its reason.
 */
export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request);
  const pending = session.get("ssoPending");
  const redirectTo = safeRedirectPath(session.get("ssoRedirectTo") ?? "/");
  session.unset("ssoPending");
  session.unset("ssoRedirectTo");
  try {
    const { session: claims } = await finishSsoSignIn(getDeps(), { pending, callbackUrl: request.url });
    startSignedInSession(session, claims);
    return redirect(redirectTo, { headers: await commitSession(session, request) });
  } catch (error) {
    if (!isCoreError(error)) throw error;
    session.flash("signInError", error.message);
    return redirect("/sign-in/sso", { headers: await commitSession(session, request) });
  }
}
