import { useNavigation } from "react-router";

import { apiKeyRefInputSchema, issueApiKey, issueApiKeyInputSchema, listApiKeys, listUsers, renameApiKey, renameApiKeyInputSchema, revokeTenantApiKey } from "@leash/core";

import { ApiKeyForm } from "../components/api-key-form.tsx";
import { ApiKeyTable } from "../components/api-key-table.tsx";
import { Notice } from "../components/notice.tsx";
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { resultFor, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent, formText, parseForm } from "../server/form.server.ts";
import type { Route } from "./+types/api-keys";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("API keys", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const [apiKeys, people] = await loadOrFail(() => Promise.all([listApiKeys(getDeps(), { actor }), listUsers(getDeps(), { actor })]));
  return { apiKeys, people, selfId: actor.userId, now: new Date().toISOString() };
}

/** A form's answer, with the key after a create: the only time it is shown. */
type ApiKeyResult = FormResult & { key?: { name: string; value: string } };

/** An empty optional field means "none": the form cannot send null. */
const optional = (value: string | undefined) => (value === undefined || value === "" ? null : value);

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const deps = getDeps();
  const actor = user.actor;
  const intent = formIntent(form, ["create", "rename", "revoke"]);
  try {
    if (intent === "revoke") {
      await revokeTenantApiKey(deps, { actor, input: parseForm(apiKeyRefInputSchema, { publicId: formText(form, "publicId") }) });
      return { ok: true, form: intent, message: "Key revoked: requests with it are refused." } satisfies ApiKeyResult;
    }
    if (intent === "rename") {
      const checked = checkForm(renameApiKeyInputSchema, { publicId: formText(form, "publicId"), name: formText(form, "name") });
      if (!checked.ok) return refusal(checked.error, intent);
      await renameApiKey(deps, { actor, input: checked.data });
      return { ok: true, form: intent, message: "Key renamed." } satisfies ApiKeyResult;
    }
    const checked = checkForm(issueApiKeyInputSchema, { name: formText(form, "name"), role: formText(form, "role"), ownerId: optional(formText(form, "ownerId")), expiresOn: optional(formText(form, "expiresOn")) });
    if (!checked.ok) return refusal(checked.error, intent);
    const { apiKey, key } = await issueApiKey(deps, { actor, input: checked.data });
    return { ok: true, form: intent, message: `Created ${apiKey.name}.`, key: { name: apiKey.name, value: key } } satisfies ApiKeyResult;
  } catch (error) {
    return refusal(error, intent);
  }
}

export default function ApiKeys({ loaderData, actionData }: Route.ComponentProps) {
  const { apiKeys, people, selfId, now } = loaderData;
  const busy = useNavigation().state === "submitting";
  const posted: ApiKeyResult | undefined = actionData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="muted">What agents and scripts call the API with (Authorization: Bearer &lt;key&gt;). Each carries a role.</p>
        </div>
      </header>
      <Notice result={posted} />
      {posted?.ok && posted.key ? (
        <OneTimeSecret title={`Key ${posted.key.name}`} explanation="Copy it into the agent's configuration now; only its hash is kept." secret={posted.key.value} />
      ) : null}
      <section className="card panel" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        {apiKeys.length === 0 ? <p>No keys yet.</p> : <ApiKeyTable apiKeys={apiKeys} now={now} />}
      </section>
      <ApiKeyForm people={people} selfId={selfId} result={resultFor(posted, "create")} busy={busy} />
    </div>
  );
}
