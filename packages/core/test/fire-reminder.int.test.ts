import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configureDelivery, createNotificationDelivery, fireReminder, systemClock, type NotificationDelivery } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, startDroppingServer, startSmtpCatcher, type SmtpCatcher, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";
import { startFakeSlackApi, type FakeSlackApi } from "./support/fake-slack-api.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let slack: FakeSlackApi;
let smtp: SmtpCatcher;
let delivery: NotificationDelivery;

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "remind");
  slack = await startFakeSlackApi({ teamId: "TREMIND" });
  smtp = await startSmtpCatcher();
  delivery = configureDelivery({ smtpUrl: smtp.url, smtpFrom: "Leash <leash@remind.test>", slackBotToken: "xoxb-test", slackApiUrl: slack.apiUrl });
});

afterAll(async () => {
  delivery.close();
  await slack.close();
  await smtp.close();
  await environment.close();
});

/** An executed `schedule` action and its reminder, due a minute ago. */
async function scheduled(tenant: TestTenant, options: { recipient?: string; proposer: "user" | "agent" }) {
  const action = await environment.db.agentAction.create({
    data: {
      tenantId: tenant.id,
      proposerLabel: options.proposer === "user" ? tenant.approver.label : tenant.agent.label,
      ...(options.proposer === "user" ? { userId: tenant.approver.userId } : { apiKeyId: tenant.agent.apiKeyId }),
      actionType: "schedule",
      parameters: {},
      status: "executed",
    },
  });
  const reminder = await environment.db.reminder.create({
    data: { tenantId: tenant.id, actionId: action.id, recipient: options.recipient ?? null, message: "Call the client back", dueAt: new Date(Date.now() - 60_000) },
  });
  return { action, reminder };
}

const fire = (reminder: { id: number; tenantId: string }, using = delivery) =>
  fireReminder({ db: environment.db, clock: systemClock, delivery: using }, { reminderId: reminder.id, tenantId: reminder.tenantId });

const firedEvents = (actionId: number) => environment.db.actionEvent.findMany({ where: { actionId, type: "reminder_fired" } });

describe("fireReminder delivers", () => {
  it("to a user of the tenant named as recipient, in the console, and says so in the action's timeline", async () => {
    const { action, reminder } = await scheduled(acme, { recipient: "viewer@remind.test", proposer: "agent" });
    const outcome = await fire(reminder);
    expect(outcome).toMatchObject({ kind: "fired", deliveries: [{ channel: "in_app", recipient: "viewer@remind.test", userId: acme.viewer.userId }] });
    const [event] = await firedEvents(action.id);
    expect(event).toMatchObject({ actorKind: "system", actorLabel: "reminders", details: { reminderId: reminder.id, deliveries: [{ channel: "in_app", recipient: "viewer@remind.test" }] } });
    expect(await environment.db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).toMatchObject({ status: "fired" });
    expect(await environment.db.notification.count({ where: { actionId: action.id, userId: acme.viewer.userId, subject: "Reminder", message: "Call the client back" } })).toBe(1);
  });

  it("to any other address by email, with the action's Message-ID", async () => {
    const { action, reminder } = await scheduled(acme, { recipient: "client@elsewhere.test", proposer: "user" });
    expect(await fire(reminder)).toMatchObject({ kind: "fired", deliveries: [{ channel: "email", delivery: { accepted: ["client@elsewhere.test"] } }] });
    expect(smtp.mails.at(-1)?.parsed).toMatchObject({ messageId: `<leash-action-${action.id}@remind.test>`, subject: "Reminder", text: expect.stringContaining("Call the client back") });
  });

  it("to a Slack channel id on Slack", async () => {
    await environment.db.slackWorkspace.create({ data: { teamId: "TREMIND", tenantId: acme.id, approvalChannelId: "CAPPROVALS" } });
    try {
      const { reminder } = await scheduled(acme, { recipient: "CTEAM", proposer: "user" });
      expect(await fire(reminder)).toMatchObject({ kind: "fired", deliveries: [{ channel: "slack", delivery: { channel: "CTEAM" } }] });
      // Without a recipient, an agent's reminder goes to the tenant's approval channel when Slack is linked.
      const { reminder: agents } = await scheduled(acme, { proposer: "agent" });
      expect(await fire(agents)).toMatchObject({ kind: "fired", deliveries: [{ channel: "slack", recipient: "CAPPROVALS" }] });
    } finally {
      await environment.db.slackWorkspace.delete({ where: { tenantId: acme.id } });
    }
  });

  it("without a recipient, to the person who proposed it, or for an agent without Slack to every admin", async () => {
    const { reminder: persons } = await scheduled(acme, { proposer: "user" });
    expect(await fire(persons)).toMatchObject({ deliveries: [{ channel: "in_app", userId: acme.approver.userId }] });
    const { reminder: agents } = await scheduled(acme, { proposer: "agent" });
    expect(await fire(agents)).toMatchObject({ deliveries: [{ channel: "in_app", userId: acme.admin.userId }] });
  });

  it("once: a second job for the same reminder does nothing", async () => {
    const { action, reminder } = await scheduled(acme, { proposer: "user" });
    const [first, second] = await Promise.all([fire(reminder), fire(reminder)]);
    expect([first.kind, second.kind].sort()).toEqual(["fired", "skipped"]);
    expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(1);
    expect(await firedEvents(action.id)).toHaveLength(1);
  });

  it("or throws on a transient failure and leaves the reminder scheduled, with nothing written, for the job to retry", async () => {
    const dropping = await startDroppingServer();
    try {
      const down = configureDelivery({ smtpUrl: dropping.url, smtpFrom: "Leash <leash@remind.test>" });
      const { action, reminder } = await scheduled(acme, { recipient: "client@elsewhere.test", proposer: "user" });
      await expect(fire(reminder, down)).rejects.toMatchObject({ code: "DELIVERY_FAILED", retryable: true });
      expect(await environment.db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).toMatchObject({ status: "scheduled", firedAt: null });
      expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(0);
      expect(await firedEvents(action.id)).toEqual([]);
      // Once the server is back, the retry delivers it.
      expect(await fire(reminder)).toMatchObject({ kind: "fired", deliveries: [{ channel: "email" }] });
      down.close();
    } finally {
      await dropping.close();
    }
  });

  it("or, refused for good, fires it undelivered with the server's reason in the timeline", async () => {
    smtp.refuse.set("gone@elsewhere.test", { code: 550, message: "5.1.1 Mailbox gone" });
    const { action, reminder } = await scheduled(acme, { recipient: "gone@elsewhere.test", proposer: "user" });
    const outcome = await fire(reminder);
    expect(outcome).toMatchObject({ kind: "undelivered", error: expect.stringContaining("550 5.1.1 Mailbox gone") });
    const [event] = await firedEvents(action.id);
    expect(event?.details).toMatchObject({ reminderId: reminder.id, deliveries: [], error: expect.stringContaining("was refused") });
    expect(await environment.db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).toMatchObject({ status: "fired" });
    expect(await environment.db.notification.count({ where: { actionId: action.id } })).toBe(0);
  });

  it("or refuses email for good on a server without SMTP", async () => {
    const { reminder } = await scheduled(acme, { recipient: "client@elsewhere.test", proposer: "user" });
    expect(await fire(reminder, createNotificationDelivery({}))).toMatchObject({ kind: "undelivered", error: "email is not configured on this server: set SMTP_URL" });
  });

  it("not before it is due", async () => {
    const { reminder } = await scheduled(acme, { proposer: "user" });
    await environment.db.reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date(Date.now() + 60_000) } });
    expect(await fire(reminder)).toMatchObject({ kind: "not_due", retryInMs: expect.any(Number) });
  });
});
