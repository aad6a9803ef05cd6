import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction, setPreference } from "@leash/core";
import { createTestItem, waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import { BOT } from "./fake-slack.ts";
import {
  APPROVAL_CHANNEL,
  buttonsOf,
  cardPosts,
  cardText,
  cardUpdates,
  clickOnCard,
  SLACK_USERS,
  startSlackHarness,
  waitForCard,
  waitUntilSettled,
  WEB_BASE_URL,
  type SlackHarness,
} from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

const statusOf = async (actionId: number) => (await harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status;

describe("the approval card", () => {
  it("an action that needs approval produces one chat.postMessage to the approval channel, with both buttons and the item's title", async () => {
    const project = await createTestItem(harness.environment.db, harness.tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active", dueDate: "2026-12-01" } });
    const { action } = await proposeAction(harness.environment.deps, {
      actor: harness.tenant.agent,
      input: { actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { dueDate: "2026-12-15", status: "at_risk" } }, reason: "Deadline moved after the client call" },
    });

    const card = await waitForCard(harness, action.id);
    expect(card.post.args.channel).toBe(APPROVAL_CHANNEL);
    expect(card.post.token).toBe(BOT.token);
    expect(buttonsOf(card.post)).toEqual([ids.actions.approve, ids.actions.editAndApprove, ids.actions.reject, ids.actions.openInConsole]);
    const text = cardText(card.post);
    expect(text).toContain("Website relaunch");
    expect(text).toContain("Deadline moved after the client call");
    expect(text).toContain(`agent key \\"agent-${harness.tenant.slug}\\"`);
    expect(text).toContain("2026-12-01  →  2026-12-15");
    expect(text).toContain(`${WEB_BASE_URL}/actions/${action.id}`);
    expect(card.post.args.text).toBe('Approval needed: update project "Website relaunch"');

    // Only one card once the bot has handled every event: the proposal is the only one so far.
    await waitUntilSettled(harness, [action.id]);
    expect(cardPosts(harness, action.id)).toHaveLength(1);
    expect(cardUpdates(harness, card.ts)).toHaveLength(0);
  });

  it("an auto-approved action gets no card", async () => {
    await setPreference(harness.environment.deps, { actor: harness.tenant.admin, input: { actionType: "notify", autoApprove: true } });
    const { action } = await proposeAction(harness.environment.deps, {
      actor: harness.tenant.agent,
      input: { actionType: "notify", parameters: { channel: "email", recipient: "dana@example.com", message: "Deploy done" } },
    });
    await waitFor(async () => (await statusOf(action.id)) === "executed");
    await setPreference(harness.environment.deps, { actor: harness.tenant.admin, input: { actionType: "notify", autoApprove: false } });
    await waitUntilSettled(harness, [action.id]);
    expect(cardPosts(harness, action.id)).toHaveLength(0);
  });

  it("Approve from a mapped approver: the action executes, and the card is updated twice (approved, then executed) and ends without buttons", async () => {
    const { action } = await proposeAction(harness.environment.deps, {
      actor: harness.tenant.agent,
      input: { actionType: "create", targetType: "person", parameters: { title: "Grace Hopper", data: { email: "grace@example.com" } } },
    });
    const card = await waitForCard(harness, action.id);

    const response = await clickOnCard(harness, card, { slackUserId: SLACK_USERS.approver, actionId: ids.actions.approve, value: String(action.id) });
    expect(response.status).toBe(200);

    await waitFor(async () => (await statusOf(action.id)) === "executed", { what: "execution" });
    const updates = await harness.slack.waitForCalls("chat.update", 2, (call) => call.args.ts === card.ts);
    const [first, last] = updates;
    expect(updates).toHaveLength(2);
    expect(first?.args.channel).toBe(APPROVAL_CHANNEL);
    expect(cardText(first!)).toContain(`Approved by ${harness.tenant.approver.label}`);
    expect(cardText(last!)).toMatch(/Executed <!date\^\d+\^/);
    expect(buttonsOf(first!)).toEqual([]);
    expect(buttonsOf(last!)).toEqual([]);
    expect(cardText(last!)).toContain(`<${WEB_BASE_URL}/actions/${action.id}|Open in console>`);

    const row = await harness.environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(row.approvedBy).toBe(harness.tenant.approver.userId);
    expect(await harness.environment.db.item.count({ where: { tenantId: harness.tenant.id, title: "Grace Hopper" } })).toBe(1);
    expect(cardPosts(harness, action.id)).toHaveLength(1);
    expect(harness.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
  });
});
