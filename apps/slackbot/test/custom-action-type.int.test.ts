import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction, registerActionType, type ActionProposal } from "@leash/core";
import { createTestItem, renameItemActionType, waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import type { SlackCall } from "./fake-slack.ts";
import { buttonClick, sendToBot, signed, slashCommand } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, buttonsOf, cardText, clickOnCard, SLACK_USERS, startSlackHarness, waitForCard, waitForLatestCard, type SlackHarness } from "./support.ts";

// A team's own type, defined in one file and registered before the bot or the worker reads the
// proposal schema: the bot's code knows nothing about it.
registerActionType(renameItemActionType);

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

const rowOf = (actionId: number) => harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const titleOf = async (itemId: number) => (await harness.environment.db.item.findUniqueOrThrow({ where: { id: itemId } })).title;

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
}

const blocksOf = (call: SlackCall) => (call.args.blocks ?? []) as Block[];
const headerOf = (call: SlackCall) => blocksOf(call).find((block) => block.type === "header")?.text?.text;
/** Every mrkdwn text of a card's sections (their text and their fields), as a person reads them. */
const sectionTexts = (call: SlackCall) => blocksOf(call).flatMap((block) => (block.type === "section" ? [block.text?.text ?? "", ...(block.fields ?? []).map((field) => field.text)] : []));

async function proposeRename(title: string, newTitle: string) {
  const project = await createTestItem(harness.environment.db, harness.tenant.id, { kind: "project", title, data: { status: "active" } });
  // The bot's own test harness proposes through core, as the API does; the type is only known by its registration.
  const input: ActionProposal = { actionType: "rename_item", targetType: "project", targetId: project.id, parameters: { title: newTitle }, reason: "The client renamed it" };
  const { action } = await proposeAction(harness.environment.deps, { actor: harness.tenant.agent, input });
  return { action, project };
}

describe("a type registered from one module, in Slack", () => {
  it("gets an approval card with its headline, its before/after and its reversibility; Approve runs it and the card follows", async () => {
    const { action, project } = await proposeRename("Website relaunch", "Website 2.0");
    const card = await waitForCard(harness, action.id);
    expect(card.post.args.channel).toBe(APPROVAL_CHANNEL);
    expect(headerOf(card.post)).toBe('Approval needed: rename project "Website relaunch" to "Website 2.0"');
    expect(card.post.args.text).toBe('Approval needed: rename project "Website relaunch" to "Website 2.0"');
    const texts = sectionTexts(card.post);
    expect(texts).toContain("*Action*\nrename_item");
    expect(texts).toContain(`*Target*\nproject #${project.id} “Website relaunch”`);
    expect(texts).toContain("*Reversible*\nyes (rollback gives back the old title)");
    expect(texts).toContain("*Changes*\n• title: Website relaunch  →  Website 2.0");
    expect(buttonsOf(card.post)).toEqual([ids.actions.approve, ids.actions.editAndApprove, ids.actions.reject, ids.actions.openInConsole]);

    const response = await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) });
    expect(response.status).toBe(200);
    await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });
    expect(await titleOf(project.id)).toBe("Website 2.0");
    expect((await rowOf(action.id)).approvedBy).toBe(harness.tenant.approver.userId);

    const latest = await waitForLatestCard(harness, card.ts, (text) => /Executed <!date\^\d+\^/.test(text));
    expect(latest.args.channel).toBe(APPROVAL_CHANNEL);
    expect(cardText(latest)).toContain(`Approved by ${harness.tenant.approver.label}`);
    // The decided card still reads as the decision was taken: the old title, then the new one.
    expect(headerOf(latest)).toBe(`#${action.id}: rename project "Website relaunch" to "Website 2.0"`);
    expect(sectionTexts(latest)).toContain("*Changes*\n• title: Website relaunch  →  Website 2.0");
    expect(buttonsOf(latest)).toEqual([]);
    expect(harness.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
  });

  it("/rollback shows what the undo restores, and Confirm gives the old title back, said in the card's thread", async () => {
    const { action, project } = await proposeRename("Customer portal", "Client portal");
    const card = await waitForCard(harness, action.id);
    await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) });
    await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });

    const name = `rollback-rename-${action.id}`;
    const command = await sendToBot(
      harness.bot.baseUrl,
      signed(slashCommand({ slackUserId: SLACK_USERS.approver, text: String(action.id), channelId: "CGENERAL", responseUrl: harness.slack.responseUrl(name) })),
    );
    expect(command.status).toBe(200);
    const [reply] = await harness.slack.waitForCalls(`response_url:${name}`, 1);
    expect(reply!.args.response_type).toBe("ephemeral");
    expect(reply!.args.text).toMatch(new RegExp(`^Roll back #${action.id}: rename project .* \\(approved by ${harness.tenant.approver.label.replace(/[()]/g, "\\$&")}\\)\\?$`));
    const preview = JSON.stringify(reply!.args.blocks);
    expect(preview).toContain(`#${action.id} gives project #${project.id} its old title back`);
    expect(preview).toContain("◦ title: Client portal  →  Customer portal");
    const previewButtons = (reply!.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []));
    expect(previewButtons.map((button) => button.action_id)).toEqual([ids.actions.confirmRollback, ids.actions.cancelRollback]);
    // The preview changes nothing.
    expect(await titleOf(project.id)).toBe("Client portal");

    const confirm = previewButtons[0]!;
    const click = buttonClick({
      slackUserId: SLACK_USERS.approver,
      actionId: confirm.action_id,
      value: confirm.value,
      channelId: "CGENERAL",
      messageTs: "1700000000.000009",
      ephemeral: true,
      responseUrl: harness.slack.responseUrl(name),
    });
    expect((await sendToBot(harness.bot.baseUrl, signed(click))).status).toBe(200);

    await waitFor(async () => (await titleOf(project.id)) === "Customer portal", { what: "the old title back" });
    const original = await waitFor(async () => {
      const row = await rowOf(action.id);
      return row.rolledBackAt !== null ? row : undefined;
    });
    const [thread] = await harness.slack.waitForCalls("chat.postMessage", 1, (call) => call.args.thread_ts === card.ts);
    expect(thread!.args).toMatchObject({
      channel: card.channel,
      text: `${harness.tenant.approver.label} rolled back #${action.id} (undo action #${original.rollbackActionId ?? 0}): project renamed back.`,
    });
    const latest = await waitForLatestCard(harness, card.ts, (text) => text.includes("Rolled back by"));
    expect(cardText(latest)).toContain(`(undo action #${original.rollbackActionId ?? 0})`);
  });
});
