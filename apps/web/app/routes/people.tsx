import { useNavigation } from "react-router";

import {
  addUser,
  addUserInputSchema,
  changeUserRole,
  changeUserRoleInputSchema,
  deactivateUser,
  listAdminEvents,
  listUsers,
  reactivateUser,
  resetUserPassword,
  userRefInputSchema,
} from "@leash/core";

import { AddPersonForm } from "../components/add-person-form.tsx";
import { AdminTrail } from "../components/admin-trail.tsx";
import { Notice } from "../components/notice.tsx";
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { PeopleTable } from "../components/people-table.tsx";
import { resultFor, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent, formText, parseForm } from "../server/form.server.ts";
import type { Route } from "./+types/people";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("People", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const [people, events] = await loadOrFail(() => Promise.all([listUsers(getDeps(), { actor }), listAdminEvents(getDeps(), { actor, limit: 20 })]));
  return { people, events, selfId: actor.userId };
}

/** A form's answer, with a generated password after an add or a reset: the only time it is shown. */
type PeopleResult = FormResult & { password?: { for: string; value: string } };

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const deps = getDeps();
  const actor = user.actor;
  const intent = formIntent(form, ["add", "role", "deactivate", "reactivate", "reset"]);
  try {
    if (intent === "add") {
      const checked = checkForm(addUserInputSchema, { name: formText(form, "name"), email: formText(form, "email"), role: formText(form, "role") });
      if (!checked.ok) return refusal(checked.error, intent);
      const { person, password } = await addUser(deps, { actor, input: checked.data });
      return { ok: true, form: intent, message: `Added ${person.name} (${person.email}) as ${person.role}.`, password: { for: person.name, value: password } } satisfies PeopleResult;
    }
    // A person's id and a role only come wrong from a crafted post: a 400 at once.
    const { userId } = parseForm(userRefInputSchema, { userId: formText(form, "userId") });
    if (intent === "reset") {
      const { person, password } = await resetUserPassword(deps, { actor, input: { userId } });
      return { ok: true, form: intent, message: `${person.name} has a new password and was signed out everywhere.`, password: { for: person.name, value: password } } satisfies PeopleResult;
    }
    if (intent === "role") {
      const input = parseForm(changeUserRoleInputSchema, { userId, role: formText(form, "role") });
      const person = await changeUserRole(deps, { actor, input });
      return { ok: true, form: intent, message: `${person.name} is now ${person.role === "viewer" ? "a viewer" : `an ${person.role}`}.` } satisfies PeopleResult;
    }
    const person = intent === "deactivate" ? await deactivateUser(deps, { actor, input: { userId } }) : await reactivateUser(deps, { actor, input: { userId } });
    const message = intent === "deactivate" ? `${person.name} was deactivated: signed out, and their API keys stopped.` : `${person.name} can sign in again.`;
    return { ok: true, form: intent, message } satisfies PeopleResult;
  } catch (error) {
    return refusal(error, intent);
  }
}

export default function People({ loaderData, actionData }: Route.ComponentProps) {
  const { people, events, selfId } = loaderData;
  const busy = useNavigation().state === "submitting";
  const posted: PeopleResult | undefined = actionData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>People</h1>
          <p className="muted">Who may use this workspace, and with which role. Every change here is recorded below.</p>
        </div>
      </header>
      <Notice result={posted} />
      {posted?.ok && posted.password ? (
        <OneTimeSecret title={`Password for ${posted.password.for}`} explanation="Give it to them over a channel you trust; they sign in with it." secret={posted.password.value} />
      ) : null}
      <section className="card panel" aria-labelledby="people-heading">
        <h2 id="people-heading">Everyone</h2>
        <PeopleTable people={people} selfId={selfId} />
      </section>
      <AddPersonForm result={resultFor(posted, "add")} busy={busy} />
      <AdminTrail events={events} />
    </div>
  );
}
