import type { types } from "@slack/bolt";
import { z } from "zod";

import { actionIdSchema, presentAction, type ActionView, type ItemFacts } from "@leash/core";

import { ids } from "../ids.ts";
import { escapeText, fit } from "./format.ts";

/** What the modal carries from the click to the submission: the action, and where to answer. */
export const rejectModalMetadataSchema = z.strictObject({
  actionId: actionIdSchema,
  channelId: z.string().min(1).nullable(),
});
export type RejectModalMetadata = z.infer<typeof rejectModalMetadataSchema>;

/** Asks why before rejecting: the reason is required and ends up on the card and in the timeline. */
export function rejectModal(action: ActionView, items: ReadonlyMap<number, ItemFacts>, metadata: RejectModalMetadata): types.ModalView {
  const { headline } = presentAction(action, items);
  return {
    type: "modal",
    callback_id: ids.views.rejectReason,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: fit(`Reject #${action.id}`, 24) },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: fit(`You are rejecting: *${escapeText(headline)}*`, 3000) } },
      {
        type: "input",
        block_id: ids.blocks.rejectReason,
        label: { type: "plain_text", text: "Why? (shown on the card and in the timeline)" },
        element: {
          type: "plain_text_input",
          action_id: ids.inputs.rejectReason,
          multiline: true,
          max_length: 2000,
          placeholder: { type: "plain_text", text: "e.g. Not before the client confirms" },
        },
      },
    ],
  };
}
