import { data, redirect } from "react-router";

import { isCoreError, signOutEverywhere, userForSession, type SignedInUser } from "@leash/core";

import { CSRF_FIELD } from "../lib/form-result.ts";
import { refusal } from "./core-errors.server.ts";
import { getDeps } from "./deps.server.ts";
import { readForm } from "./form.server.ts";
import { csrfMatches, destroySession, getSession, sessionClaims, type ConsoleSession } from "./session.server.ts";

function signInUrl(request: Request): string {
  const url = new URL(request.url);
  const back = request.method === "GET" ? `${url.pathname}${url.search}` : url.pathname;
  return back === "/" ? "/sign-in" : `/sign-in?redirectTo=${encodeURIComponent(back)}`;
}

async function userOf(session: ConsoleSession, request: Request): Promise<SignedInUser> {
  if (!session.get("userId")) throw redirect(signInUrl(request));
  try {
    return await userForSession(getDeps(), { session: sessionClaims(session) });
  } catch (error) {
    if (isCoreError(error) && error.code === "UNAUTHORIZED") {
      throw redirect(signInUrl(request), { headers: await destroySession(session, request) });
    }
    throw error;
  }
}

/**
 * The signed-in person, read afresh from the database; anyone else is sent to the sign-in page, and a
 * session that has ended (expired, signed out everywhere, account gone) loses its cookie on the way.
 */
export async function requireUser(request: Request): Promise<SignedInUser> {
  return userOf(await getSession(request), request);
}

/**
 * Every form post goes through here: the session's anti-forgery token must come back with the
 * form (403 otherwise), and the poster must be signed in.
 */
export async function requireMutation(request: Request): Promise<{ user: SignedInUser; form: FormData }> {
  const form = await readForm(request);
  const session = await getSession(request);
  if (!csrfMatches(session, form.get(CSRF_FIELD))) {
    throw data("This form was not sent from this console, or your session changed. Reload the page and try again.", { status: 403 });
  }
  return { user: await userOf(session, request), form };
}

/** Ends every session of the signed-in person (this one, other browsers, a copied cookie) and sends them to the sign-in page. */
export async function signOutEverywhereAndLeave(request: Request, user: SignedInUser) {
  try {
    await signOutEverywhere(getDeps(), { actor: user.actor, input: { email: user.email } });
  } catch (error) {
    return refusal(error);
  }
  return redirect("/sign-in", { headers: await destroySession(await getSession(request), request) });
}
