import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createNotificationDelivery, createSlackSender, type NotificationDelivery } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";
import { startFakeSlackApi, type FakeSlackApi } from "./support/fake-slack-api.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
let slack: FakeSlackApi;
let delivery: NotificationDelivery;

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "slackacme");
  globex = await createTestTenant(environment.db, "slackglobex");
  slack = await startFakeSlackApi({ teamId: "TACME" });
  delivery = createNotificationDelivery({ slack: createSlackSender({ token: "xoxb-test", apiUrl: slack.apiUrl }) });
  await environment.db.slackWorkspace.create({ data: { teamId: "TACME", tenantId: acme.id, approvalChannelId: "CAPPROVALS" } });
  await environment.db.slackUserLink.create({ data: { teamId: "TACME", slackUserId: "UDANA", userId: acme.approver.userId } });
  await environment.db.slackWorkspace.create({ data: { teamId: "TGLOBEX", tenantId: globex.id, approvalChannelId: "CGLOBEX" } });
});

afterAll(async () => {
  await slack.close();
  await environment.close();
});

const newNotification = async (tenantId: string, recipient: string, fields: { subject?: string; actionId?: number } = {}) =>
  environment.db.notification.create({
    data: { tenantId, channel: "slack", recipient, subject: fields.subject ?? null, message: "Deploy <done>", actionId: fields.actionId ?? null },
  });

describe("Slack delivery", () => {
  it("posts to a channel id with the bot token, the escaped text and the action id in the message metadata", async () => {
    const action = await environment.db.agentAction.create({ data: { tenantId: acme.id, proposerLabel: "agent", actionType: "notify", parameters: {}, status: "executing" } });
    const notification = await newNotification(acme.id, "CGENERAL", { subject: "Release", actionId: action.id });

    const delivered = await delivery.deliver(environment.db, notification);

    expect(delivered).toMatchObject({ channel: "slack", delivery: { channel: "CGENERAL", ts: expect.stringMatching(/^\d+\.\d+$/) }, userId: null });
    const [post] = slack.callsTo("chat.postMessage").slice(-1);
    expect(post).toMatchObject({
      token: "xoxb-test",
      args: { channel: "CGENERAL", text: "*Release*\nDeploy &lt;done&gt;", metadata: { event_type: "leash_notification", event_payload: { actionId: action.id } } },
    });
    const row = await environment.db.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row.delivery).toEqual(delivered.delivery);
  });

  it("sends a direct message to a Slack user id, and to a Leash user through their Slack link", async () => {
    const bySlackId = await delivery.deliver(environment.db, await newNotification(acme.id, "UGRACE"));
    expect(bySlackId).toMatchObject({ delivery: { channel: "DUGRACE" }, userId: null });

    const byEmail = await delivery.deliver(environment.db, await newNotification(acme.id, "approver@slackacme.test"));
    expect(byEmail).toMatchObject({ delivery: { channel: "DUDANA" }, userId: acme.approver.userId });
    const byId = await delivery.deliver(environment.db, await newNotification(acme.id, acme.approver.userId));
    expect(byId).toMatchObject({ delivery: { channel: "DUDANA" }, userId: acme.approver.userId });

    expect(slack.callsTo("conversations.open").map((call) => call.args.users)).toEqual(["UGRACE", "UDANA", "UDANA"]);
    expect(slack.callsTo("chat.postMessage").slice(-3).map((call) => call.args.channel)).toEqual(["DUGRACE", "DUDANA", "DUDANA"]);
    // The bot's workspace is asked once.
    expect(slack.callsTo("auth.test")).toHaveLength(1);
  });

  it("fails for good, with Slack's reason, on a channel Slack does not know", async () => {
    slack.channelErrors.set("CGONE", "channel_not_found");
    await expect(delivery.deliver(environment.db, await newNotification(acme.id, "CGONE"))).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      retryable: false,
      message: "Slack refused the message to CGONE: channel_not_found",
    });
  });

  it("fails for good for a user without a Slack link or a recipient that is neither", async () => {
    await expect(delivery.deliver(environment.db, await newNotification(acme.id, "viewer@slackacme.test"))).rejects.toMatchObject({
      retryable: false,
      message: "Slack message to viewer@slackacme.test not sent: viewer@slackacme.test has no linked Slack account",
    });
    await expect(delivery.deliver(environment.db, await newNotification(acme.id, "#general"))).rejects.toMatchObject({
      retryable: false,
      message: "Slack recipient #general is neither a channel id, a Slack user id nor a user of this tenant",
    });
  });

  it("never posts for a tenant whose linked workspace is not the bot's, or that has none", async () => {
    const posts = slack.callsTo("chat.postMessage").length;
    await expect(delivery.deliver(environment.db, await newNotification(globex.id, "CGENERAL"))).rejects.toMatchObject({
      retryable: false,
      message: "Slack message to CGENERAL not sent: this tenant's Slack workspace TGLOBEX is not the bot's (TACME)",
    });
    const loner = await createTestTenant(environment.db, "slackloner");
    await expect(delivery.deliver(environment.db, await newNotification(loner.id, "CGENERAL"))).rejects.toMatchObject({
      retryable: false,
      message: "Slack message to CGENERAL not sent: this tenant has no linked Slack workspace",
    });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(posts);
  });

  it("retries when Slack rate-limits, after the Retry-After it gave", async () => {
    slack.setRateLimit(7);
    try {
      await expect(delivery.deliver(environment.db, await newNotification(acme.id, "CGENERAL"))).rejects.toMatchObject({ code: "DELIVERY_FAILED", retryable: true, retryAfterMs: 7000 });
    } finally {
      slack.setRateLimit(null);
    }
  });

  it("retries when Slack cannot be reached", async () => {
    const unreachable = createNotificationDelivery({ slack: createSlackSender({ token: "xoxb-test", apiUrl: "http://127.0.0.1:9/api/" }) });
    await expect(unreachable.deliver(environment.db, await newNotification(acme.id, "CGENERAL"))).rejects.toMatchObject({ code: "DELIVERY_FAILED", retryable: true });
  });
});
