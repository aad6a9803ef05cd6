import { data, Link, useNavigation } from "react-router";

import {
  actionTypeNames,
  getWebhookEndpoint,
  listWebhookDeliveries,
  SIGNING_SECRET_GRACE_HOURS,
  webhookEndpointRefInputSchema,
  webhookEventTypes,
} from "@leash/core";

import { Notice } from "../components/notice.tsx";
import { SigningSecretNotice } from "../components/signing-secret-notice.tsx";
import { WebhookDeliveryLog } from "../components/webhook-delivery-log.tsx";
import { WebhookEndpointControls } from "../components/webhook-endpoint-controls.tsx";
import { WebhookForm } from "../components/webhook-form.tsx";
import { WebhookState } from "../components/webhook-state.tsx";
import { resultFor } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { takeNotice } from "../server/session.server.ts";
import {
  webhookEndpointAction,
  type WebhookEndpointResult,
} from "../server/webhook-endpoint-action.server.ts";
import type { Route } from "./+types/webhook-detail";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Webhook endpoint", matches) }];
}

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const { endpointId } = params;
  // An address that cannot name an endpoint is a page that does not exist, not a form error.
  if (!webhookEndpointRefInputSchema.safeParse({ endpointId }).success)
    throw data("No such webhook endpoint.", { status: 404 });
  const cursor = new URL(request.url).searchParams.get("cursor");
  const deps = getDeps();
  const endpoint = await loadOrFail(() => getWebhookEndpoint(deps, { actor, input: { endpointId } }));
  const log = await loadOrFail(() =>
    listWebhookDeliveries(deps, {
      actor,
      input: { endpointId, ...(cursor ? { cursor: Number(cursor) } : {}) },
    }),
  );
  const { notice, headers } = await takeNotice(request);
  const choices = { eventTypes: webhookEventTypes, actionTypes: actionTypeNames() };
  return data({ endpoint, log, choices, notice, secretGraceHours: SIGNING_SECRET_GRACE_HOURS }, headers ? { headers } : undefined);
}

export async function action({ request, params }: Route.ActionArgs) {
  return webhookEndpointAction(request, params.endpointId);
}

export default function WebhookDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { endpoint, log, choices, notice, secretGraceHours } = loaderData;
  const busy = useNavigation().state === "submitting";
  const posted: WebhookEndpointResult | undefined = actionData;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="small">
            <Link to="/webhooks">← Webhooks</Link>
          </p>
          <h1 className="mono">{endpoint.url}</h1>
          {endpoint.description ? <p className="muted">{endpoint.description}</p> : null}
        </div>
        <WebhookState endpoint={endpoint} />
      </header>
      <Notice result={posted ?? (notice ? { ok: true, message: notice } : undefined)} />
      {posted?.ok && posted.signingSecret ? (
        <SigningSecretNotice connector={endpoint.url} secret={posted.signingSecret} />
      ) : null}
      <WebhookEndpointControls endpoint={endpoint} secretGraceHours={secretGraceHours} />
      <WebhookForm editing={endpoint} choices={choices} result={resultFor(posted, "update")} busy={busy} />
      <WebhookDeliveryLog endpoint={endpoint} page={log} />
    </div>
  );
}
