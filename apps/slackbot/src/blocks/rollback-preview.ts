import type { types } from "@slack/bolt";
import { z } from "zod";

import { actionIdSchema, presentAction, type ActionView, type ItemFacts, type JsonValue, type RollbackPreview } from "@leash/core";

import { ids } from "../ids.ts";
import type { SlackMessage } from "./approval-card.ts";
import { escapeText, fit } from "./format.ts";

/** What the Confirm button carries back: exactly the rollback the person was shown. */
export const rollbackRequestSchema = z.strictObject({ actionId: actionIdSchema, cascade: z.boolean() });
export type RollbackRequest = z.infer<typeof rollbackRequestSchema>;

const show = (value: JsonValue) => (value === null ? "—" : escapeText(fit(typeof value === "string" ? value : JSON.stringify(value), 120)));

function stepLines(preview: RollbackPreview): string[] {
  return preview.steps.flatMap((step) => [
    `• #${step.actionId} ${escapeText(step.description)}`,
    ...step.changes.map((change) => `    ◦ ${escapeText(change.field)}: ${show(change.current)}  →  ${show(change.restored)}`),
  ]);
}

/** Who asked for the preview: only someone who may roll back is offered Confirm. */
export interface PreviewReader {
  mayRollBack: boolean;
  tenantName: string;
}

/**
 * The ephemeral answer to /rollback: what will be restored, with Confirm / Cancel, or in one
 * sentence why it cannot be rolled back (and how to, when later changes are in the way). Someone
 * who may not roll back sees what it would restore and why they cannot confirm, with no button
 * that could only fail.
 */
export function rollbackPreviewMessage(preview: RollbackPreview, action: ActionView, items: ReadonlyMap<number, ItemFacts>, reader: PreviewReader): SlackMessage {
  const { headline } = presentAction(action, items);
  const decided = action.decidedBy ? ` (approved by ${escapeText(action.decidedBy)})` : "";
  if (preview.refusal) {
    const hint =
      preview.laterActionIds.length > 0 && !preview.cascade
        ? `\nTo undo them too, newest first: \`/rollback ${action.id} cascade\`\n${stepLines(preview).join("\n")}`
        : "";
    const text = `${escapeText(preview.refusal.message)}${hint}`;
    return { text: fit(text, 3000), blocks: [{ type: "section", text: { type: "mrkdwn", text: fit(text, 3000) } }] };
  }
  const cascading = preview.steps.length > 1;
  if (!reader.mayRollBack) {
    const reason = `Only approvers and admins of ${escapeText(reader.tenantName)} can roll back`;
    return {
      text: fit(`${reason} #${action.id}: ${escapeText(headline)}${decided}`, 3000),
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: fit(`*#${action.id}: ${escapeText(headline)}${decided}*\nWhat a rollback would do${cascading ? ", newest first" : ""}:\n${stepLines(preview).join("\n")}`, 3000) } },
        { type: "context", elements: [{ type: "mrkdwn", text: `${reason}.` }] },
      ],
    };
  }
  const question = `Roll back #${action.id}: ${escapeText(headline)}${decided}?`;
  const value = JSON.stringify({ actionId: action.id, cascade: preview.cascade } satisfies RollbackRequest);
  const blocks: types.KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: fit(`*${question}*\nThis ${cascading ? `undoes ${preview.steps.length} actions, newest first` : "does"}:\n${stepLines(preview).join("\n")}`, 3000) } },
    {
      type: "actions",
      elements: [
        { type: "button", action_id: ids.actions.confirmRollback, style: "danger", text: { type: "plain_text", text: "Confirm rollback" }, value },
        { type: "button", action_id: ids.actions.cancelRollback, text: { type: "plain_text", text: "Cancel" }, value },
      ],
    },
  ];
  return { text: fit(question, 3000), blocks };
}
