import type { types } from "@slack/bolt";

import { presentAction, type ActionView, type ItemFacts } from "@leash/core";

import { ids } from "../ids.ts";
import { escapeText, fit } from "./format.ts";
import type { RejectModalMetadata } from "./reject-modal.ts";

/** Slack's limit for a plain text input's value. */
const MAX_INPUT_LENGTH = 3000;

/**
 * Approve with edits: the parameters as JSON, to change before approving. They are validated again
 * by core on submission, and the card's timeline keeps the original and the edit.
 */
export function editApproveModal(action: ActionView, items: ReadonlyMap<number, ItemFacts>, metadata: RejectModalMetadata): types.ModalView {
  const { headline } = presentAction(action, items);
  return {
    type: "modal",
    callback_id: ids.views.editAndApprove,
    // The same metadata as the Reject modal: the action, and the channel to answer in.
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: fit(`Edit & approve #${action.id}`, 24) },
    submit: { type: "plain_text", text: "Approve" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: fit(`You are approving: *${escapeText(headline)}*`, 3000) } },
      {
        type: "input",
        block_id: ids.blocks.editedParameters,
        label: { type: "plain_text", text: "Parameters (JSON); checked again before approving" },
        element: {
          type: "plain_text_input",
          action_id: ids.inputs.editedParameters,
          multiline: true,
          max_length: MAX_INPUT_LENGTH,
          initial_value: fit(JSON.stringify(action.parameters, null, 2), MAX_INPUT_LENGTH),
        },
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "The original parameters and your edit are both kept in the action's timeline." }] },
    ],
  };
}
