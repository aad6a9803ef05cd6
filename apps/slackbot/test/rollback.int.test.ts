import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, proposeAction, type ProposeActionInput } from "@leash/core";
import { createTestItem, waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import type { SlackCall } from "./fake-slack.ts";
import { buttonClick, sendToBot, signed, slashCommand } from "./slack-requests.ts";
import { cardText, SLACK_USERS, startSlackHarness, waitForCard, waitForLatestCard, waitUntilSettled, type SlackHarness } from "./support.ts";

let harness: SlackHarness;
let replies = 0;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

const rowOf = (actionId: number) => harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });

/** An action proposed by the agent, approved and executed, with its approval card. */
async function executed(input: ProposeActionInput) {
  const { action } = await proposeAction(harness.environment.deps, { actor: harness.tenant.agent, input });
  const card = await waitForCard(harness, action.id);
  await approveAction(harness.environment.deps, { actor: harness.tenant.approver, input: { actionId: action.id } });
  await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });
  return { action, card };
}

/** Runs /rollback as a Slack user and returns what the bot answered through the command's response_url. */
async function rollbackCommand(text: string, slackUserId: string = SLACK_USERS.approver) {
  const name = `rollback-${(replies += 1)}`;
  const response = await sendToBot(
    harness.bot.baseUrl,
    signed(slashCommand({ slackUserId, text, channelId: "CGENERAL", responseUrl: harness.slack.responseUrl(name) })),
  );
  expect(response.status).toBe(200);
  const [reply] = await harness.slack.waitForCalls(`response_url:${name}`, 1);
  return { name, reply: reply! };
}

function buttonsOf(reply: SlackCall): { action_id: string; value: string }[] {
  const blocks = (reply.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[];
  return blocks.flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []));
}

/** Clicks a button of the ephemeral preview, whose answers go to the same response_url. */
function clickOnPreview(name: string, button: { action_id: string; value: string }) {
  const body = buttonClick({
    slackUserId: SLACK_USERS.approver,
    actionId: button.action_id,
    value: button.value,
    channelId: "CGENERAL",
    messageTs: "1700000000.000001",
    ephemeral: true,
    responseUrl: harness.slack.responseUrl(name),
  });
  return sendToBot(harness.bot.baseUrl, signed(body));
}

describe("/rollback", () => {
  it("on an executed create: preview, Confirm, the item is gone and the approval message's thread says so", async () => {
    const { action, card } = await executed({ actionType: "create", targetType: "person", parameters: { title: "Ada Lovelace", data: { email: "ada@example.com" } } });
    const itemId = (await rowOf(action.id)).targetId ?? 0;

    const { name, reply } = await rollbackCommand(String(action.id));
    expect(reply.args.response_type).toBe("ephemeral");
    expect(reply.args.text).toBe(`Roll back #${action.id}: create person "Ada Lovelace" (approved by ${harness.tenant.approver.label})?`);
    expect(JSON.stringify(reply.args.blocks)).toContain(`removes person #${itemId}`);
    const buttons = buttonsOf(reply);
    expect(buttons.map((button) => button.action_id)).toEqual([ids.actions.confirmRollback, ids.actions.cancelRollback]);
    expect((await harness.environment.db.item.findUniqueOrThrow({ where: { id: itemId } })).deletedAt).toBeNull();

    expect((await clickOnPreview(name, buttons[0]!)).status).toBe(200);
    const answers = await harness.slack.waitForCalls(`response_url:${name}`, 3);
    expect(answers.slice(1).map((answer) => answer.args)).toMatchObject([
      { replace_original: true, text: `Rolling back #${action.id}…` },
      { replace_original: true, text: expect.stringMatching(new RegExp(`^Rolling back #${action.id} \\(undo action #\\d+\\); the result will be posted in the thread of its approval message\\.$`)) },
    ]);

    const gone = await waitFor(async () => {
      const item = await harness.environment.db.item.findUniqueOrThrow({ where: { id: itemId } });
      return item.deletedAt !== null ? item : undefined;
    });
    expect(gone.title).toBe("Ada Lovelace");
    const original = await rowOf(action.id);
    expect(original.rolledBackAt).not.toBeNull();
    const [thread] = await harness.slack.waitForCalls("chat.postMessage", 1, (call) => call.args.thread_ts === card.ts);
    expect(thread!.args).toMatchObject({
      channel: card.channel,
      text: `${harness.tenant.approver.label} rolled back #${action.id} (undo action #${original.rollbackActionId ?? 0}): person removed.`,
    });
    const latest = await waitForLatestCard(harness, card.ts, (text) => text.includes("Rolled back by"));
    expect(cardText(latest)).toContain(`(undo action #${original.rollbackActionId ?? 0})`);
    await waitUntilSettled(harness, [action.id, original.rollbackActionId ?? 0]);
    expect(harness.slack.callsTo("chat.postMessage").filter((call) => call.args.thread_ts === card.ts)).toHaveLength(1);
  });

  it("with cascade: later changes of the same item are undone first, newest first, and each card's thread says so", async () => {
    const project = await createTestItem(harness.environment.db, harness.tenant.id, { kind: "project", title: "Portal", data: { status: "active" } });
    const update = (status: string) => ({ actionType: "update" as const, targetType: "project" as const, targetId: project.id, parameters: { data: { status } } });
    const first = await executed(update("at_risk"));
    const second = await executed(update("done"));

    const refused = await rollbackCommand(String(first.action.id));
    expect(refused.reply.args.text).toContain(`#${first.action.id} was changed later by #${second.action.id}`);
    expect(refused.reply.args.text).toContain(`\`/rollback ${first.action.id} cascade\``);
    expect(buttonsOf(refused.reply)).toEqual([]);

    const { name, reply } = await rollbackCommand(`${first.action.id} cascade`);
    expect(JSON.stringify(reply.args.blocks)).toContain("undoes 2 actions, newest first");
    const confirm = buttonsOf(reply).find((button) => button.action_id === ids.actions.confirmRollback);
    expect(JSON.parse(confirm!.value)).toEqual({ actionId: first.action.id, cascade: true });
    await clickOnPreview(name, confirm!);

    await waitFor(async () => (await rowOf(first.action.id)).rolledBackAt !== null, { what: "the cascade to finish" });
    expect((await harness.environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "active" });
    for (const { action, card } of [first, second]) {
      const [thread] = await harness.slack.waitForCalls("chat.postMessage", 1, (call) => call.args.thread_ts === card.ts);
      expect(thread!.args.text).toMatch(new RegExp(`rolled back #${action.id} \\(undo action #\\d+\\): project restored\\.$`));
    }
  });

  it("a rollback that fails on the worker is reported in the thread too", async () => {
    const { action, card } = await executed({ actionType: "create", targetType: "person", parameters: { title: "Charles Babbage" } });
    const { name, reply } = await rollbackCommand(String(action.id));
    // Someone removes the person by hand after the preview: the undo cannot remove it again.
    await harness.environment.db.item.update({ where: { id: (await rowOf(action.id)).targetId ?? 0 }, data: { deletedAt: new Date() } });
    await clickOnPreview(name, buttonsOf(reply).find((button) => button.action_id === ids.actions.confirmRollback)!);

    const [thread] = await harness.slack.waitForCalls("chat.postMessage", 1, (call) => call.args.thread_ts === card.ts);
    expect(thread!.args.text).toMatch(new RegExp(`^${harness.tenant.approver.label.replace(/[()]/g, "\\$&")} tried to roll back #${action.id} \\(undo action #\\d+\\), but it failed: .*has been deleted`));
    const latest = await waitForLatestCard(harness, card.ts, (text) => text.includes("Rollback by"));
    expect(cardText(latest)).toContain("failed");
    expect((await rowOf(action.id)).rolledBackAt).toBeNull();

    // The failed undo undid nothing: once the person is back, a second rollback goes through.
    await harness.environment.db.item.update({ where: { id: (await rowOf(action.id)).targetId ?? 0 }, data: { deletedAt: null } });
    const again = await rollbackCommand(String(action.id));
    await clickOnPreview(again.name, buttonsOf(again.reply).find((button) => button.action_id === ids.actions.confirmRollback)!);
    const rolledBack = await waitForLatestCard(harness, card.ts, (text) => text.includes("Rolled back by"));
    expect(cardText(rolledBack)).toContain(`(undo action #${(await rowOf(action.id)).rollbackActionId ?? 0})`);
  });

  it("on a notify action: a refusal with the reason, and nothing to confirm", async () => {
    const { action } = await executed({ actionType: "notify", parameters: { channel: "email", recipient: "dana@example.com", message: "Deploy done" } });
    const { reply } = await rollbackCommand(`#${action.id}`);
    expect(reply.args.text).toBe(`#${action.id} sent a notification; a sent message cannot be recalled`);
    expect(buttonsOf(reply)).toEqual([]);
    expect((await rowOf(action.id)).rollbackActionId).toBeNull();
  });

  it("with an unknown id: a clear ephemeral error", async () => {
    const { reply } = await rollbackCommand("99999");
    expect(reply.args).toMatchObject({ response_type: "ephemeral", text: "No action #99999 in Tenant acme" });
  });

  it("without an id: how to use it", async () => {
    const { reply } = await rollbackCommand("last one please");
    expect(reply.args.text).toBe("Usage: `/rollback &lt;action id&gt; [cascade]`, e.g. `/rollback 4211`");
  });

  it("Cancel on the preview starts nothing", async () => {
    const { action } = await executed({ actionType: "create", targetType: "idea", parameters: { title: "Dark mode" } });
    const { name, reply } = await rollbackCommand(String(action.id));
    const cancel = buttonsOf(reply).find((button) => button.action_id === ids.actions.cancelRollback);
    expect((await clickOnPreview(name, cancel!)).status).toBe(200);
    const [, answer] = await harness.slack.waitForCalls(`response_url:${name}`, 2);
    expect(answer!.args).toMatchObject({ replace_original: true, text: "Rollback cancelled; nothing was changed." });
    expect((await rowOf(action.id)).rollbackActionId).toBeNull();
  });

  it("a viewer sees the preview and why they cannot roll back, with no Confirm button; a Confirm from elsewhere is refused", async () => {
    const { action } = await executed({ actionType: "create", targetType: "idea", parameters: { title: "Light mode" } });
    const itemId = (await rowOf(action.id)).targetId ?? 0;
    const { name, reply } = await rollbackCommand(String(action.id), SLACK_USERS.viewer);
    expect(reply.args.response_type).toBe("ephemeral");
    expect(reply.args.text).toBe(`Only approvers and admins of Tenant acme can roll back #${action.id}: create idea "Light mode" (approved by ${harness.tenant.approver.label})`);
    expect(JSON.stringify(reply.args.blocks)).toContain(`removes idea #${itemId}`);
    expect(JSON.stringify(reply.args.blocks)).toContain("Only approvers and admins of Tenant acme can roll back.");
    expect(buttonsOf(reply)).toEqual([]);

    // Core still decides: a Confirm button of someone else's preview, clicked by the viewer, is refused.
    const body = buttonClick({
      slackUserId: SLACK_USERS.viewer,
      actionId: ids.actions.confirmRollback,
      value: JSON.stringify({ actionId: action.id, cascade: false }),
      channelId: "CGENERAL",
      messageTs: "1700000000.000002",
      ephemeral: true,
      responseUrl: harness.slack.responseUrl(name),
    });
    expect((await sendToBot(harness.bot.baseUrl, signed(body))).status).toBe(200);
    const answers = await harness.slack.waitForCalls(`response_url:${name}`, 3);
    expect(answers.at(-1)!.args).toMatchObject({ text: "Only approvers of Tenant acme can roll back; ask an admin to link your Slack account" });
    expect((await rowOf(action.id)).rollbackActionId).toBeNull();
  });
});
