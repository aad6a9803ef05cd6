import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeBatch } from "@leash/core";

import { ids } from "../src/ids.ts";
import { buttonClick, sendToBot, signed } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, SLACK_USERS, startSlackHarness, waitForLog, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness({ worker: false });
});

afterAll(async () => {
  await harness.slack.close();
  await harness.environment.close();
});

describe("stopping the bot (SIGTERM) while approvals are clicked", () => {
  it("finishes the work of every click it acknowledged before close() returns", async () => {
    const { actions } = await proposeBatch(harness.environment.deps, {
      actor: harness.tenant.agent,
      input: {
        actions: Array.from({ length: 10 }, (_, index) => ({
          actionType: "notify" as const,
          parameters: { channel: "in_app" as const, recipient: harness.tenant.inbox, message: `click ${index}` },
        })),
      },
    });
    const actionIds = actions.map((action) => action.id);

    // Hold the actions' rows, so each decision is still on its way when Slack has its acknowledgement.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const rowsLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = harness.environment.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM agent_action WHERE id = ANY(${actionIds}) FOR UPDATE`;
        locked();
        await released;
      },
      { timeout: 60_000 },
    );
    await rowsLocked;

    const responses = await Promise.all(
      actionIds.map((actionId) =>
        sendToBot(
          harness.bot.baseUrl,
          signed(
            buttonClick({
              slackUserId: SLACK_USERS.approver,
              actionId: ids.actions.approve,
              value: String(actionId),
              channelId: APPROVAL_CHANNEL,
              messageTs: "1700000000.000100",
              responseUrl: harness.slack.responseUrl(`shutdown-${actionId}`),
            }),
          ),
        ),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(actionIds.map(() => 200));

    const closing = harness.bot.close();
    // It stopped listening and waits for the work it acknowledged, which is still held: let it go.
    await waitForLog(harness, "finishing the requests it acknowledged", 1);
    release();
    await closing;
    const approvedAtClose = await harness.environment.db.agentAction.count({ where: { id: { in: actionIds }, status: "approved" } });
    await holder;
    expect(approvedAtClose).toBe(actionIds.length);
  });
});
