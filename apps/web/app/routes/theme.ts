import { data, redirect } from "react-router";

import { CSRF_FIELD } from "../lib/form-result.ts";
import { themeSchema } from "../lib/theme.ts";
import { readForm } from "../server/form.server.ts";
import { safeRedirectPath } from "../server/redirect-path.server.ts";
import { csrfMatches, getSession } from "../server/session.server.ts";
import { themeCookieHeader } from "../server/theme.server.ts";
import type { Route } from "./+types/theme";

export function loader() {
  return redirect("/");
}

/**
 * Keeps the chosen theme in its cookie and goes back to the page the form was on (a path of this
 * console only), so the choice works as a plain form post; with scripts the layout shows it at once.
 */
export async function action({ request }: Route.ActionArgs) {
  const form = await readForm(request);
  const session = await getSession(request);
  if (!csrfMatches(session, form.get(CSRF_FIELD)))
    throw data("This form was not sent from this console. Reload the page and try again.", { status: 403 });
  const theme = themeSchema.safeParse(form.get("theme"));
  if (!theme.success) throw data("Choose System, Light or Dark.", { status: 400 });
  return redirect(safeRedirectPath(form.get("redirectTo")), {
    headers: { "Set-Cookie": await themeCookieHeader(theme.data, request) },
  });
}
