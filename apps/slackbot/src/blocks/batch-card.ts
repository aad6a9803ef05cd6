import type { types } from "@slack/bolt";
import { z } from "zod";

import { actionIdSchema, presentAction, type SlackCard } from "@leash/core";

import { ids } from "../ids.ts";
import { actionStateLines } from "./action-state.ts";
import type { SlackMessage } from "./approval-card.ts";
import { consoleUrl, escapeText, fit, plural, slackTime } from "./format.ts";

type Batch = NonNullable<SlackCard["batch"]>;

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: "mrkdwn", text });

/** Member lines per section, so a batch of 100 stays within Slack's 50 blocks and 3,000 characters a section. */
const LINES_PER_SECTION = 10;

/** What the Reject batch modal carries from the click to the submission. */
export const batchRejectMetadataSchema = z.strictObject({
  batchId: z.uuid(),
  excludeActionIds: z.array(actionIdSchema),
  channelId: z.string().min(1).nullable(),
});
export type BatchRejectMetadata = z.infer<typeof batchRejectMetadataSchema>;

/**
 * The one card of a batch or template run: every action with where it stands, and while some
 * wait, Approve batch / Reject batch with a menu to leave actions out (they then stay pending).
 */
export function batchCard(card: SlackCard, batch: Batch, options: { webBaseUrl: string }): SlackMessage {
  const { members } = batch;
  const first = members[0] ?? card.action;
  const waiting = members.filter((member) => member.status === "pending");
  const kind = members.some((member) => member.templateId !== null) ? "Template run" : "Batch";
  const title =
    waiting.length > 0
      ? `Approval needed: ${kind.toLowerCase()} of ${plural(members.length, "action")}`
      : `${kind} of ${plural(members.length, "action")}`;
  const intro = [`Proposed by *${escapeText(first.proposedBy.label)}* · ${slackTime(first.createdAt)}`];
  if (first.reason) intro.push(`Reason: “${escapeText(fit(first.reason, 500))}”`);

  // The run's own steps name what a step's placeholders stand for ("the project created by step 1"), as in the console.
  const runSteps = members.flatMap((member) => (member.templateStep !== null ? [{ step: member.templateStep, actionType: member.actionType, targetType: member.targetType }] : []));
  const lines = members.map((member) => {
    const headline = escapeText(fit(presentAction(member, batch.items, { runSteps }).headline, 150));
    const state =
      member.status === "pending" ? "waiting" : (actionStateLines(member, null)[0] ?? member.status);
    return `• <${consoleUrl(options.webBaseUrl, member.id)}|#${member.id}> ${headline} — ${state}`;
  });
  const blocks: types.KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: fit(title, 150) } },
    { type: "section", text: mrkdwn(intro.join("\n")) },
  ];
  for (let start = 0; start < lines.length; start += LINES_PER_SECTION) {
    blocks.push({
      type: "section",
      text: mrkdwn(fit(lines.slice(start, start + LINES_PER_SECTION).join("\n"), 3000)),
    });
  }
  if (waiting.length > 0) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "multi_static_select",
          action_id: ids.actions.batchLeaveOut,
          placeholder: { type: "plain_text", text: "Leave out…" },
          options: waiting.map((member) => ({
            text: { type: "plain_text", text: fit(`Leave out #${member.id}`, 75) },
            value: String(member.id),
          })),
        },
        {
          type: "button",
          action_id: ids.actions.approveBatch,
          text: { type: "plain_text", text: "Approve batch" },
          style: "primary",
          value: batch.id,
        },
        {
          type: "button",
          action_id: ids.actions.rejectBatch,
          text: { type: "plain_text", text: "Reject batch" },
          style: "danger",
          value: batch.id,
        },
      ],
    });
  }
  blocks.push({
    type: "context",
    elements: [
      mrkdwn(
        `${kind} of actions ${members.map((member) => `#${member.id}`).join(", ")} · tenant ${escapeText(card.tenant.name)}`,
      ),
    ],
  });
  const text = `${title}: ${waiting.length} of ${members.length} waiting`;
  return { text: fit(text, 3000), blocks };
}

/** The actions a person chose to leave out in the card's menu, as Slack sends the message's state with a click. */
export function leftOutOf(state: unknown): number[] {
  const parsed = z
    .record(
      z.string(),
      z.record(
        z.string(),
        z.looseObject({
          type: z.string(),
          selected_options: z.array(z.object({ value: z.string() })).optional(),
        }),
      ),
    )
    .safeParse(state);
  if (!parsed.success) return [];
  return Object.values(parsed.data)
    .flatMap((block) => Object.entries(block))
    .flatMap(([actionId, element]) =>
      actionId === ids.actions.batchLeaveOut ? (element.selected_options ?? []) : [],
    )
    .map((option) => Number(option.value))
    .filter((id) => actionIdSchema.safeParse(id).success);
}

/** Asks why before rejecting the batch; the reason is kept by every rejected action. */
export function batchRejectModal(metadata: BatchRejectMetadata): types.ModalView {
  const leftOut = metadata.excludeActionIds.map((id) => `#${id}`).join(", ");
  return {
    type: "modal",
    callback_id: ids.views.rejectBatch,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: "Reject batch" },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          fit(
            `You are rejecting every waiting action of the batch${leftOut ? ` except ${leftOut}` : ""}.`,
            3000,
          ),
        ),
      },
      {
        type: "input",
        block_id: ids.blocks.rejectReason,
        label: { type: "plain_text", text: "Why? (shown on the card and in each timeline)" },
        element: {
          type: "plain_text_input",
          action_id: ids.inputs.rejectReason,
          multiline: true,
          max_length: 2000,
        },
      },
    ],
  };
}
