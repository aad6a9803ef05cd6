import { data, useNavigation } from "react-router";

import {
  actionTypeNames,
  createWebhookEndpoint,
  createWebhookEndpointInputSchema,
  listWebhookEndpointDetails,
  webhookEventTypes,
} from "@leash/core";

import { Notice } from "../components/notice.tsx";
import { SigningSecretNotice } from "../components/signing-secret-notice.tsx";
import { WebhookForm } from "../components/webhook-form.tsx";
import { WebhookTable } from "../components/webhook-table.tsx";
import type { FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent } from "../server/form.server.ts";
import { takeNotice } from "../server/session.server.ts";
import { webhookFieldOf, webhookFormInput } from "../server/webhook-form.server.ts";
import type { Route } from "./+types/webhooks";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Webhooks", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const endpoints = await loadOrFail(() => listWebhookEndpointDetails(getDeps(), { actor }));
  const { notice, headers } = await takeNotice(request);
  // The form's choices come from core; read here, so that core stays out of the browser bundle.
  const choices = { eventTypes: webhookEventTypes, actionTypes: actionTypeNames() };
  return data({ endpoints, choices, notice }, headers ? { headers } : undefined);
}

/** A form's answer, with the signing secret after a create: the only time it is shown. */
type WebhookResult = FormResult & { signingSecret?: { endpoint: string; secret: string } };

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const intent = formIntent(form, ["create"]);
  const checked = checkForm(createWebhookEndpointInputSchema, webhookFormInput(form));
  if (!checked.ok) return refusal(checked.error, intent, webhookFieldOf);
  try {
    const { endpoint, signingSecret } = await createWebhookEndpoint(getDeps(), {
      actor: user.actor,
      input: checked.data,
    });
    return {
      ok: true,
      form: intent,
      message: `Added ${endpoint.url}: events are sent to it from now on.`,
      signingSecret: { endpoint: endpoint.url, secret: signingSecret },
    } satisfies WebhookResult;
  } catch (error) {
    return refusal(error, intent, webhookFieldOf);
  }
}

export default function Webhooks({ loaderData, actionData }: Route.ComponentProps) {
  const { endpoints, choices, notice } = loaderData;
  const busy = useNavigation().state === "submitting";
  const posted: WebhookResult | undefined = actionData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Endpoints of other systems that Leash tells what happens to this workspace&apos;s actions: each
            event is POSTed as JSON, signed with the endpoint&apos;s secret (Standard Webhooks), in order per
            action, and retried for about a day. An endpoint that fails for 24 hours is disabled, and admins
            are told.
          </p>
        </div>
      </header>
      <Notice result={posted ?? (notice ? { ok: true, message: notice } : undefined)} />
      {posted?.ok && posted.signingSecret ? (
        <SigningSecretNotice connector={posted.signingSecret.endpoint} secret={posted.signingSecret.secret} />
      ) : null}
      <section className="card panel" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Endpoints</h2>
        {endpoints.length === 0 ? (
          <p>No endpoints yet: no other system hears what happens here.</p>
        ) : (
          <WebhookTable endpoints={endpoints} />
        )}
      </section>
      <WebhookForm editing={null} choices={choices} result={posted} busy={busy} />
    </div>
  );
}
