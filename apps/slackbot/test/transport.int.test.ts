import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction } from "@leash/core";
import { createTestItem, waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import { buttonClick, editApproveSubmission, sendToBot, signed, slashCommand } from "./slack-requests.ts";
import { logCount, SLACK_USERS, startSlackHarness, waitForCard, waitForLog, waitUntilSettled, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

const rowOf = (actionId: number) => harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const eventsOf = async (actionId: number) => (await harness.environment.db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } })).map((event) => event.type);
const dropped = "dropped a repeated delivery";

async function pendingCard(title: string) {
  const project = await createTestItem(harness.environment.db, harness.tenant.id, { kind: "project", title });
  const { action } = await proposeAction(harness.environment.deps, {
    actor: harness.tenant.agent,
    input: { actionType: "update", targetType: "project", targetId: project.id, parameters: { title: `${title} (renamed)` } },
  });
  return { action, card: await waitForCard(harness, action.id) };
}

function approveClick(card: { channel: string; ts: string }, actionId: number, slackUserId: string = SLACK_USERS.approver) {
  return buttonClick({
    slackUserId,
    actionId: ids.actions.approve,
    value: String(actionId),
    channelId: card.channel,
    messageTs: card.ts,
    responseUrl: harness.slack.responseUrl(`approve-${actionId}`),
  });
}

describe("requests that are not Slack's are refused and change nothing", () => {
  it.each([
    ["a bad signature", () => ({ secret: "not-the-signing-secret" })],
    ["a timestamp older than 5 minutes", () => ({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })],
  ])("%s: 401", async (_what, options) => {
    const { action, card } = await pendingCard(`Forged ${Math.random()}`);
    const callsBefore = harness.slack.calls.length;
    const response = await sendToBot(harness.bot.baseUrl, signed(approveClick(card, action.id), options()));
    // Refused before any listener runs: once the 401 is here, nothing else comes of the request.
    expect(response.status).toBe(401);
    expect(await rowOf(action.id)).toMatchObject({ status: "pending", decidedByLabel: null });
    expect(await eventsOf(action.id)).toEqual(["proposed"]);
    expect(harness.slack.calls.length).toBe(callsBefore);
  });

  it("a request signed 4 minutes ago is still inside Slack's 5-minute window: accepted", async () => {
    const { action, card } = await pendingCard("Slow network");
    const response = await sendToBot(harness.bot.baseUrl, signed(approveClick(card, action.id), { timestamp: Math.floor(Date.now() / 1000) - 4 * 60 }));
    expect(response.status).toBe(200);
    await waitFor(async () => (await rowOf(action.id)).status !== "pending", { what: `#${action.id} to be decided` });
  });

  it("an unsigned request: 401", async () => {
    const { action, card } = await pendingCard("Unsigned");
    const response = await fetch(`${harness.bot.baseUrl}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: approveClick(card, action.id),
    });
    expect(response.status).toBe(401);
    expect((await rowOf(action.id)).status).toBe("pending");
  });
});

describe("a delivery is processed once", () => {
  it("a replayed Approve (same signed request) is acknowledged and dropped: one approval, no second answer", async () => {
    const { action, card } = await pendingCard("Replayed");
    const request = signed(approveClick(card, action.id));
    expect((await sendToBot(harness.bot.baseUrl, request)).status).toBe(200);
    await waitFor(async () => (await rowOf(action.id)).status === "executed");
    await harness.slack.waitForCalls("chat.update", 2, (call) => call.args.ts === card.ts);
    // The first delivery's card updates (approved, executed) may still be on their way.
    await waitUntilSettled(harness, [action.id]);
    const callsAfterFirst = harness.slack.calls.length;

    const drops = logCount(harness, dropped);
    const replay = await sendToBot(harness.bot.baseUrl, request);
    expect(replay.status).toBe(200);
    await waitForLog(harness, dropped, drops + 1);
    expect(harness.slack.callsTo("chat.postEphemeral").filter((call) => call.args.user === SLACK_USERS.approver)).toHaveLength(0);
    expect(harness.slack.calls.length).toBe(callsAfterFirst);
    expect((await eventsOf(action.id)).filter((type) => type === "approved")).toHaveLength(1);
  });

  it("a retry with X-Slack-Retry-Num of a Reject click does not open a second modal", async () => {
    const { action, card } = await pendingCard("Retried");
    const request = signed(
      buttonClick({
        slackUserId: SLACK_USERS.approver,
        actionId: ids.actions.reject,
        value: String(action.id),
        channelId: card.channel,
        messageTs: card.ts,
        responseUrl: harness.slack.responseUrl(`reject-${action.id}`),
      }),
    );
    const opensBefore = harness.slack.callsTo("views.open").length;
    expect((await sendToBot(harness.bot.baseUrl, request)).status).toBe(200);
    await harness.slack.waitForCalls("views.open", opensBefore + 1);
    const drops = logCount(harness, dropped);
    const retry = await sendToBot(harness.bot.baseUrl, request, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    expect(retry.status).toBe(200);
    await waitForLog(harness, dropped, drops + 1);
    expect(harness.slack.callsTo("views.open")).toHaveLength(opensBefore + 1);
    expect((await rowOf(action.id)).status).toBe("pending");
  });
  it("a replayed Edit & approve submission, whose listener reads the database before its ack, is acknowledged and dropped", async () => {
    const { action, card } = await pendingCard("Edited twice");
    const request = signed(
      editApproveSubmission({
        slackUserId: SLACK_USERS.approver,
        parameters: JSON.stringify({ title: "Edited twice (once)" }),
        privateMetadata: JSON.stringify({ actionId: action.id, channelId: card.channel }),
      }),
    );
    expect(await sendToBot(harness.bot.baseUrl, request)).toEqual({ status: 200, text: "" });
    await waitFor(async () => (await rowOf(action.id)).status === "executed");
    await waitUntilSettled(harness, [action.id]);
    const callsAfterFirst = harness.slack.calls.length;

    const drops = logCount(harness, dropped);
    expect(await sendToBot(harness.bot.baseUrl, request, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" })).toEqual({ status: 200, text: "" });
    await waitForLog(harness, dropped, drops + 1);
    expect(harness.slack.calls.length).toBe(callsAfterFirst);
    expect((await eventsOf(action.id)).filter((type) => type === "approved")).toHaveLength(1);
  });

  it("a retried /rollback that cannot be read is answered once", async () => {
    const request = signed(slashCommand({ slackUserId: SLACK_USERS.approver, text: "last tuesday", channelId: "CGENERAL", responseUrl: harness.slack.responseUrl("rollback-retried") }));
    expect((await sendToBot(harness.bot.baseUrl, request)).status).toBe(200);
    const [usage] = await harness.slack.waitForCalls("response_url:rollback-retried", 1);
    expect(usage?.args.text).toContain("Usage: `/rollback");

    const drops = logCount(harness, dropped);
    expect((await sendToBot(harness.bot.baseUrl, request, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" })).status).toBe(200);
    await waitForLog(harness, dropped, drops + 1);
    expect(harness.slack.callsTo("response_url:rollback-retried")).toHaveLength(1);
  });
});

describe("the receiver", () => {
  it("answers /healthz and names its mode", async () => {
    const response = await fetch(`${harness.bot.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, slack: { enabled: true, mode: "http" } });
  });

  it("a click from a workspace that is not linked gets an ephemeral saying so, and changes nothing", async () => {
    const { action, card } = await pendingCard("Other workspace");
    const body = buttonClick({
      slackUserId: "UOTHER",
      teamId: "TOTHER",
      actionId: ids.actions.approve,
      value: String(action.id),
      channelId: card.channel,
      messageTs: card.ts,
      responseUrl: harness.slack.responseUrl("other-team"),
    });
    expect((await sendToBot(harness.bot.baseUrl, signed(body))).status).toBe(200);
    const [refusal] = await harness.slack.waitForCalls("chat.postEphemeral", 1, (call) => call.args.user === "UOTHER");
    expect(refusal!.args.text).toContain("This Slack workspace is not linked to Leash");
    expect((await rowOf(action.id)).status).toBe("pending");
  });
});
