import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";

import { CoreError, rejectAction, rejectActionInputSchema } from "@leash/core";

import { rejectModalMetadataSchema } from "../../blocks/reject-modal.ts";
import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { parseJsonAs } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";
import { reasonError } from "./reason-error.ts";

/** The reason from the Reject modal: checked with core's own schema so the modal can say what is wrong, then recorded. */
export function rejectReasonSubmission(deps: BotDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>, LeashContext> {
  return async ({ ack, body, view, context, client }) => {
    const reason = rejectActionInputSchema.shape.reason.safeParse(view.state.values[ids.blocks.rejectReason]?.[ids.inputs.rejectReason]?.value ?? "");
    if (!reason.success) {
      await ack({ response_action: "errors", errors: { [ids.blocks.rejectReason]: reasonError(reason.error.issues) } });
      return;
    }
    await ack();
    const metadata = parseJsonAs(rejectModalMetadataSchema, view.private_metadata);
    if (!metadata) throw new CoreError("INVALID", "This form does not name an action; open it again from the card");
    const actor = await slackActor(deps, { context, client, body });
    await rejectAction(deps.core, { actor, input: { actionId: metadata.actionId, reason: reason.data } });
  };
}
