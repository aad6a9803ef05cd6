import { redirect } from "react-router";

import {
  deleteWebhookEndpoint,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
  updateWebhookEndpointInputSchema,
} from "@leash/core";

import type { FormResult } from "../lib/form-result.ts";
import { requireMutation } from "./auth.server.ts";
import { refusal } from "./core-errors.server.ts";
import { getDeps } from "./deps.server.ts";
import { checkForm, formIntent, formNumber } from "./form.server.ts";
import { flashNotice } from "./session.server.ts";
import { webhookFieldOf, webhookFormInput } from "./webhook-form.server.ts";

/** A form's answer on an endpoint's page, with the signing secret after a rotation: the only time it is shown. */
export type WebhookEndpointResult = FormResult & { signingSecret?: string };

/**
 * The forms of an endpoint's page, each one core verb with the signed-in user: its settings, enable
 * or disable, a new secret, a test event, "Send again" on a delivery, and delete (back to the list).
 */
export async function webhookEndpointAction(request: Request, endpointId: string) {
  const { user, form } = await requireMutation(request);
  const { actor } = user;
  const deps = getDeps();
  const intent = formIntent(form, ["update", "enable", "disable", "rotate", "delete", "test", "redeliver"]);
  const done = (message: string, signingSecret?: string): WebhookEndpointResult => ({
    ok: true,
    form: intent,
    message,
    ...(signingSecret ? { signingSecret } : {}),
  });
  try {
    if (intent === "update") {
      const checked = checkForm(updateWebhookEndpointInputSchema, { ...webhookFormInput(form), endpointId });
      if (!checked.ok) return refusal(checked.error, intent, webhookFieldOf);
      await updateWebhookEndpoint(deps, { actor, input: checked.data });
      return done("Saved.");
    }
    if (intent === "enable" || intent === "disable") {
      await updateWebhookEndpoint(deps, { actor, input: { endpointId, enabled: intent === "enable" } });
      return done(
        intent === "enable"
          ? "Enabled: what waited is sent now, in order."
          : "Disabled: new events are not sent to it until it is enabled again.",
      );
    }
    if (intent === "rotate") {
      const revokePrevious = form.get("revokePrevious") === "on";
      const { signingSecret } = await rotateWebhookSecret(deps, { actor, input: { endpointId, revokePrevious } });
      return done(
        revokePrevious
          ? "New signing secret: every attempt from now on is signed with it, and no longer with the old one."
          : "New signing secret: every attempt from now on is signed with it, and for a while also with the old one (see Sending).",
        signingSecret,
      );
    }
    if (intent === "test") {
      await sendTestWebhook(deps, { actor, input: { endpointId } });
      return done("Test event sent: its outcome shows in the delivery log.");
    }
    if (intent === "redeliver") {
      const deliveryId = formNumber(form, "deliveryId");
      await redeliverWebhook(deps, { actor, input: { deliveryId } });
      return done(`Delivery #${deliveryId} is sent again.`);
    }
    await deleteWebhookEndpoint(deps, { actor, input: { endpointId } });
  } catch (error) {
    return refusal(error, intent, webhookFieldOf);
  }
  const notice = "Deleted the endpoint and its delivery log: nothing more is sent to it.";
  return redirect("/webhooks", { headers: await flashNotice(request, notice) });
}
