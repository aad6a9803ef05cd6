import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";

import { CoreError, decideBatch, rejectActionInputSchema } from "@leash/core";

import { batchRejectMetadataSchema } from "../../blocks/batch-card.ts";
import type { BotDeps } from "../../bot-deps.ts";
import { ids } from "../../ids.ts";
import type { LeashContext } from "../../leash-context.ts";
import { parseJsonAs } from "../../payload-values.ts";
import { replyEphemeral } from "../../reply-ephemeral.ts";
import { slackActor } from "../../slack-actor.ts";
import { reasonError } from "./reason-error.ts";

/** The reason from the Reject batch modal, checked like a single rejection's, then one decision for the batch. */
export function rejectBatchSubmission(
  deps: BotDeps,
): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>, LeashContext> {
  return async ({ ack, body, view, context, client }) => {
    const reason = rejectActionInputSchema.shape.reason.safeParse(
      view.state.values[ids.blocks.rejectReason]?.[ids.inputs.rejectReason]?.value ?? "",
    );
    if (!reason.success) {
      await ack({
        response_action: "errors",
        errors: { [ids.blocks.rejectReason]: reasonError(reason.error.issues) },
      });
      return;
    }
    await ack();
    const metadata = parseJsonAs(batchRejectMetadataSchema, view.private_metadata);
    if (!metadata)
      throw new CoreError("INVALID", "This form does not name a batch; open it again from the card");
    const actor = await slackActor(deps, { context, client, body });
    const result = await decideBatch(deps.core, {
      actor,
      input: {
        batchId: metadata.batchId,
        decision: "reject",
        reason: reason.data,
        excludeActionIds: metadata.excludeActionIds,
      },
    });
    if (result.refused.length > 0)
      await replyEphemeral(deps.slack, body, result.refused.map((refusal) => refusal.message).join("\n"));
  };
}
