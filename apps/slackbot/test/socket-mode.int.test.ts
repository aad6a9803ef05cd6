import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { ids } from "../src/ids.ts";
import { buttonClickPayload, slashCommandFields } from "./slack-requests.ts";
import { cardText, SLACK_USERS, startSlackHarness, waitForCard, waitForLatestCard, type SlackHarness } from "./support.ts";

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness({ socketMode: true });
});

afterAll(async () => {
  await harness.close();
});

describe("Socket Mode (SLACK_APP_TOKEN set)", () => {
  it("connects over the socket and serves /healthz on its own port", async () => {
    expect(harness.bot.mode).toBe("socket");
    await waitFor(() => Promise.resolve(harness.slack.socketMode.connected()), { what: "the socket connection" });
    expect(harness.slack.callsTo("apps.connections.open").map((call) => call.token)).toEqual(["xapp-test-token"]);
    const health = await fetch(`${harness.bot.baseUrl}/healthz`);
    expect(await health.json()).toEqual({ ok: true, slack: { enabled: true, mode: "socket" } });
  });

  it("an Approve delivered over the socket is acknowledged, decided and shown on the card", async () => {
    const { action } = await proposeAction(harness.environment.deps, {
      actor: harness.tenant.agent,
      input: { actionType: "create", targetType: "idea", parameters: { title: "Offline mode" } },
    });
    const card = await waitForCard(harness, action.id);
    await waitFor(() => Promise.resolve(harness.slack.socketMode.connected()), { what: "the socket connection" });
    const click = buttonClickPayload({
      slackUserId: SLACK_USERS.approver,
      actionId: ids.actions.approve,
      value: String(action.id),
      channelId: card.channel,
      messageTs: card.ts,
      responseUrl: harness.slack.responseUrl("socket-approve"),
    });
    await harness.slack.socketMode.deliver("interactive", click);
    const latest = await waitForLatestCard(harness, card.ts, (text) => text.includes("Executed"));
    expect(cardText(latest)).toContain(`Approved by ${harness.tenant.approver.label}`);
  });

  it("/rollback delivered over the socket answers through the response_url", async () => {
    await harness.slack.socketMode.deliver(
      "slash_commands",
      slashCommandFields({ slackUserId: SLACK_USERS.approver, text: "99999", channelId: "CGENERAL", responseUrl: harness.slack.responseUrl("socket-rollback") }),
    );
    const [reply] = await harness.slack.waitForCalls("response_url:socket-rollback", 1);
    expect(reply!.args).toMatchObject({ response_type: "ephemeral", text: "No action #99999 in Tenant acme" });
  });
});
