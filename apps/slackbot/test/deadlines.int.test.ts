import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction } from "@leash/core";
import { createTestItem } from "@leash/core/testing";

import {
  cardText,
  SLACK_USERS,
  startSlackHarness,
  waitForCard,
  waitForLatestCard,
  type SlackHarness,
} from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});

afterAll(async () => {
  await harness.close();
});

describe("a pending action with a time limit, in Slack", () => {
  it("gets a reminder in the card's thread, a direct message to the backup approver, then the card says it expired", async () => {
    const { environment, tenant, slack } = harness;
    await environment.db.approvalPolicy.create({
      data: {
        tenantId: tenant.id,
        actionType: "update",
        remindAfterSeconds: 1,
        escalateAfterSeconds: 2,
        escalateToUserId: tenant.admin.userId,
        expiresAfterSeconds: 3,
        expiryFallback: "reject",
      },
    });
    const item = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Website relaunch",
    });
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: {
        actionType: "update",
        targetType: "project",
        targetId: item.id,
        parameters: { title: "Website relaunch 2" },
      },
    });

    const card = await waitForCard(harness, action.id);
    expect(cardText(card.post)).toMatch(/Expires in \d s \(<!date\^/);

    const [reminder] = await slack.waitForCalls(
      "chat.postMessage",
      1,
      (call) => call.args.thread_ts === card.ts,
    );
    expect(reminder?.args.channel).toBe(card.channel);
    expect(String(reminder?.args.text)).toContain(
      `Reminder: #${action.id} (update project "Website relaunch") has been waiting for a decision since`,
    );

    const [direct] = await slack.waitForCalls(
      "chat.postMessage",
      1,
      (call) => call.args.channel === SLACK_USERS.admin,
    );
    expect(String(direct?.args.text)).toContain(`#${action.id} was escalated to you as the backup approver`);
    await waitForLatestCard(harness, card.ts, (text) =>
      text.includes(`Escalated to *${tenant.admin.label}*`),
    );

    const expired = await waitForLatestCard(harness, card.ts, (text) =>
      text.includes("Rejected by Leash (expiry)"),
    );
    expect(cardText(expired)).toContain("“expired after 3 s”");
    const order = [reminder, direct, expired].map((call) => slack.calls.indexOf(call!));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(slack.calls.filter((call) => call.args.thread_ts === card.ts)).toHaveLength(1);
  });
});
