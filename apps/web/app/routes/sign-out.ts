import { data, redirect } from "react-router";

import { CSRF_FIELD } from "../lib/form-result.ts";
import { readForm } from "../server/form.server.ts";
import { csrfMatches, destroySession, getSession } from "../server/session.server.ts";
import type { Route } from "./+types/sign-out";

export function loader() {
  return redirect("/");
}

/** Signing out is a form post with the session's token, so another site cannot sign a person out. */
export async function action({ request }: Route.ActionArgs) {
  const form = await readForm(request);
  const session = await getSession(request);
  if (!csrfMatches(session, form.get(CSRF_FIELD))) throw data("This form was not sent from this console.", { status: 403 });
  return redirect("/sign-in", { headers: await destroySession(session, request) });
}
