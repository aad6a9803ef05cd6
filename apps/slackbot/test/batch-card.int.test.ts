import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, proposeBatch, queueNames } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import type { SlackCall } from "./fake-slack.ts";
import { buttonClickPayload, rejectSubmission, sendToBot, signed } from "./slack-requests.ts";
import {
  buttonsOf,
  cardText,
  cardUpdates,
  SLACK_USERS,
  startSlackHarness,
  waitForLatestCard,
  waitUntilSettled,
  type SlackHarness,
} from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

const batchCardOf = (batchIds: number[]) => (call: SlackCall) =>
  cardText(call).includes(`of actions ${batchIds.map((id) => `#${id}`).join(", ")} ·`);
const statusOf = async (actionId: number) =>
  (await harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status;

async function proposeIdeas(titles: string[]) {
  const { batchId, actions } = await proposeBatch(harness.environment.deps, {
    actor: harness.tenant.agent,
    input: {
      actions: titles.map((title) => ({ actionType: "create", targetType: "idea", parameters: { title } })),
      reason: "Workshop output",
    },
  });
  const actionIds = actions.map((action) => action.id);
  const [post] = await harness.slack.waitForCalls("chat.postMessage", 1, batchCardOf(actionIds));
  const ts = await waitFor(
    async () =>
      (await harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionIds.at(-1) ?? 0 } }))
        .slackMessageTs ?? undefined,
  );
  return { batchId, actionIds, post: post!, card: { channel: String(post!.args.channel), ts } };
}

/** A click on the batch card, with the card's "Leave out…" menu as the person left it. */
function clickBatch(
  card: { channel: string; ts: string },
  actionId: string,
  batchId: string,
  leaveOut: number[],
) {
  const payload = buttonClickPayload({
    slackUserId: SLACK_USERS.approver,
    actionId,
    value: batchId,
    channelId: card.channel,
    messageTs: card.ts,
    responseUrl: harness.slack.responseUrl(`batch-${card.ts}`),
  });
  payload.state = {
    values: {
      leash_batch: {
        [ids.actions.batchLeaveOut]: {
          type: "multi_static_select",
          selected_options: leaveOut.map((id) => ({
            text: { type: "plain_text", text: `#${id}` },
            value: String(id),
          })),
        },
      },
    },
  };
  return sendToBot(harness.bot.baseUrl, signed(`payload=${encodeURIComponent(JSON.stringify(payload))}`));
}

describe("one Slack card per batch", () => {
  it("posts one card for the whole batch, and Approve batch approves all but the action left out, which stays pending on the card", async () => {
    const { batchId, actionIds, post, card } = await proposeIdeas(["Idea A", "Idea B", "Idea C"]);
    const [a, b, c] = actionIds as [number, number, number];
    for (const id of actionIds)
      expect(
        harness.slack
          .callsTo("chat.postMessage")
          .filter((call) => cardText(call).includes(`Action #${id} ·`)),
      ).toHaveLength(0);
    expect(harness.slack.callsTo("chat.postMessage").filter(batchCardOf(actionIds))).toHaveLength(1);
    expect(cardText(post)).toContain("Approval needed: batch of 3 actions");
    expect(cardText(post)).toContain("Workshop output");
    expect(buttonsOf(post)).toEqual([ids.actions.approveBatch, ids.actions.rejectBatch]);

    expect((await clickBatch(card, ids.actions.approveBatch, batchId, [b])).status).toBe(200);
    await waitFor(async () => (await statusOf(a)) === "executed" && (await statusOf(c)) === "executed", {
      what: "the approved actions to run",
    });
    expect(await statusOf(b)).toBe("pending");
    const latest = await waitForLatestCard(
      harness,
      card.ts,
      (text) => (text.match(/Executed/g) ?? []).length === 2,
    );
    expect(cardText(latest)).toMatch(new RegExp(`#${b}>? create idea .*Idea B.* — waiting`));
    expect(buttonsOf(latest)).toEqual([ids.actions.approveBatch, ids.actions.rejectBatch]);
  });

  it("Reject batch asks for a reason, then rejects every waiting action with it", async () => {
    const { batchId, actionIds, card } = await proposeIdeas(["Idea D", "Idea E"]);
    expect((await clickBatch(card, ids.actions.rejectBatch, batchId, [])).status).toBe(200);
    const [opened] = await harness.slack.waitForCalls("views.open", 1, (call) =>
      JSON.stringify(call.args).includes(batchId),
    );
    const view = opened!.args.view as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe(ids.views.rejectBatch);

    const submission = new URLSearchParams(
      rejectSubmission({
        slackUserId: SLACK_USERS.approver,
        reason: "Out of scope",
        privateMetadata: view.private_metadata,
      }),
    );
    const payload = JSON.parse(submission.get("payload") ?? "{}") as { view: { callback_id: string } };
    payload.view.callback_id = ids.views.rejectBatch;
    expect(
      (await sendToBot(harness.bot.baseUrl, signed(`payload=${encodeURIComponent(JSON.stringify(payload))}`)))
        .status,
    ).toBe(200);

    await waitFor(
      async () => (await Promise.all(actionIds.map(statusOf))).every((status) => status === "rejected"),
      { what: "the batch to be rejected" },
    );
    const rows = await harness.environment.db.agentAction.findMany({ where: { id: { in: actionIds } } });
    expect(rows.map((row) => row.rejectionReason)).toEqual(["Out of scope", "Out of scope"]);
    const latest = await waitForLatestCard(
      harness,
      card.ts,
      (text) => (text.match(/Rejected by/g) ?? []).length === 2,
    );
    expect(buttonsOf(latest)).toEqual([]);
  });

  it("a batch's events share the card's drawings, a second apart at least: thirty approvals in two waves (sixty events) redraw it a few times, and it ends showing every action executed", async () => {
    const { actionIds, card } = await proposeIdeas(Array.from({ length: 30 }, (_, index) => `Bulk idea ${index + 1}`));
    const executedOnCard = (text: string) => (text.match(/Executed/g) ?? []).length;
    await approveAll(actionIds.slice(0, 15));
    await waitForLatestCard(harness, card.ts, (text) => executedOnCard(text) === 15);
    await approveAll(actionIds.slice(15));

    const updates = cardUpdates(harness, card.ts);
    const latest = updates.at(-1);
    expect(executedOnCard(cardText(latest!))).toBe(30);
    expect(buttonsOf(latest!)).toEqual([]);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThanOrEqual(10);
    const gaps = updates.slice(1).map((update, index) => update.receivedAt - updates[index]!.receivedAt);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);

    // Only the events that are the next drawing wait for it; the others are done at once.
    const events = new Queue(queueNames.actionEvents, { connection: harness.environment.redis, prefix: harness.environment.queuePrefix });
    try {
      const handled = (await events.getJobs(["completed"])).filter((job) => actionIds.includes((job.data as { actionId: number }).actionId));
      const sentBack = handled.filter((job) => (job.data as { cardTicket?: number }).cardTicket !== undefined);
      expect(handled.length).toBeGreaterThanOrEqual(60);
      expect(sentBack.length).toBeLessThanOrEqual(updates.length);
    } finally {
      await events.close();
    }
  });

  it("a redraw Slack refuses covers nothing: the events it would have answered redraw the card again", async () => {
    const { actionIds, card } = await proposeIdeas(Array.from({ length: 10 }, (_, index) => `Refused idea ${index + 1}`));
    harness.slack.refuseNext("chat.update", "internal_error");
    await approveAll(actionIds);

    const latest = cardUpdates(harness, card.ts).at(-1);
    expect((cardText(latest!).match(/Executed/g) ?? []).length).toBe(10);
  });
});

async function approveAll(actionIds: number[]) {
  await Promise.all(
    actionIds.map((actionId) =>
      approveAction(harness.environment.deps, { actor: harness.tenant.approver, input: { actionId } }),
    ),
  );
  await waitFor(async () => (await Promise.all(actionIds.map(statusOf))).every((status) => status === "executed"), {
    what: "the approved actions to run",
  });
  await waitUntilSettled(harness, actionIds);
}
