import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createEmailSender, createNotificationDelivery, type EmailSender } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, startDroppingServer, startSmtpCatcher, type SmtpCatcher, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let smtp: SmtpCatcher;
let sender: EmailSender;
const from = "Leash <leash@leash.test>";

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "mail");
  smtp = await startSmtpCatcher();
  sender = createEmailSender({ smtpUrl: smtp.url, from });
});

afterAll(async () => {
  sender.close();
  await smtp.close();
  await environment.close();
});

const newNotification = async (fields: { recipient: string; subject?: string; message: string; actionId?: number }) =>
  environment.db.notification.create({
    data: { tenantId: acme.id, channel: "email", recipient: fields.recipient, subject: fields.subject ?? null, message: fields.message, actionId: fields.actionId ?? null },
  });

describe("email delivery over SMTP", () => {
  it("sends the text, an escaped HTML alternative, the subject and the action's Message-ID, and records what the server took", async () => {
    const delivery = createNotificationDelivery({ email: sender });
    const action = await environment.db.agentAction.create({ data: { tenantId: acme.id, proposerLabel: "agent", actionType: "notify", parameters: {}, status: "executing" } });
    const notification = await newNotification({ recipient: "grace@client.test", subject: "Deploy done", message: "Shipped <v2> & friends\nsee you", actionId: action.id });

    const delivered = await delivery.deliver(environment.db, notification);

    const messageId = `<leash-action-${action.id}@leash.test>`;
    expect(delivered).toMatchObject({ channel: "email", notificationId: notification.id, userId: null, delivery: { messageId, accepted: ["grace@client.test"] } });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.envelope).toEqual({ from: "leash@leash.test", to: ["grace@client.test"] });
    expect(mail?.parsed.messageId).toBe(messageId);
    expect(mail?.parsed.subject).toBe("Deploy done");
    expect(mail?.parsed.from?.text).toBe('"Leash" <leash@leash.test>');
    expect(mail?.parsed.to).toMatchObject({ text: "grace@client.test" });
    expect(mail?.parsed.text?.trim()).toBe("Shipped <v2> & friends\nsee you");
    expect(mail?.parsed.html).toContain("<p>Shipped &lt;v2&gt; &amp; friends<br>see you</p>");

    const row = await environment.db.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row.delivery).toEqual({ messageId, accepted: ["grace@client.test"] });
    expect(row.deliveredAt).not.toBeNull();
  });

  it("sends to a user of the tenant named by id at their address, with the default subject", async () => {
    const delivery = createNotificationDelivery({ email: sender });
    const notification = await newNotification({ recipient: acme.approver.userId, message: "Please look at #12" });
    const delivered = await delivery.deliver(environment.db, notification);
    expect(delivered).toMatchObject({ userId: acme.approver.userId, delivery: { accepted: ["approver@mail.test"] } });
    expect(smtp.mails.at(-1)?.parsed.subject).toBe("Message from Leash");
    expect(smtp.mails.at(-1)?.parsed.messageId).toBe(`<leash-notification-${notification.id}@leash.test>`);
  });

  it("fails for good when the server refuses the mailbox (550), with the server's reason", async () => {
    smtp.refuse.set("nobody@client.test", { code: 550, message: "5.1.1 No such user here" });
    await expect(sender.send({ to: "nobody@client.test", subject: null, text: "hello", reference: { actionId: 1 } })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      retryable: false,
      message: expect.stringMatching(/^Email to nobody@client.test was refused: the mail server answered 550 5\.1\.1 No such user here/),
    });
  });

  it("retries when the server defers (4xx)", async () => {
    smtp.refuse.set("busy@client.test", { code: 451, message: "4.3.0 Try again later" });
    await expect(sender.send({ to: "busy@client.test", subject: null, text: "hello", reference: { actionId: 1 } })).rejects.toMatchObject({ code: "DELIVERY_FAILED", retryable: true });
  });

  it("retries when the connection drops or nothing listens", async () => {
    const dropping = await startDroppingServer();
    try {
      const droppedSender = createEmailSender({ smtpUrl: dropping.url, from });
      await expect(droppedSender.send({ to: "grace@client.test", subject: null, text: "hello", reference: { actionId: 1 } })).rejects.toMatchObject({
        code: "DELIVERY_FAILED",
        retryable: true,
        message: expect.stringContaining("could not reach the mail server"),
      });
      droppedSender.close();
    } finally {
      await dropping.close();
    }
    const closed = createEmailSender({ smtpUrl: dropping.url, from });
    await expect(closed.send({ to: "grace@client.test", subject: null, text: "hello", reference: { actionId: 1 } })).rejects.toMatchObject({ retryable: true });
    closed.close();
  });

  it("sends one message after another on the same connection, and many at once on a few", async () => {
    const pooled = await startSmtpCatcher();
    const pooledSender = createEmailSender({ smtpUrl: pooled.url, from });
    try {
      const send = (index: number) => pooledSender.send({ to: `reader${index}@client.test`, subject: null, text: `hello ${index}`, reference: { actionId: index + 1 } });
      for (let index = 0; index < 5; index += 1) await send(index);
      expect(pooled.connections).toBe(1);
      await Promise.all(Array.from({ length: 20 }, (_, index) => send(index + 5)));
      expect(pooled.mails.map((mail) => mail.parsed.text?.trim()).sort()).toEqual(Array.from({ length: 25 }, (_, index) => `hello ${index}`).sort());
      expect(pooled.connections).toBeGreaterThan(1);
      expect(pooled.connections).toBeLessThanOrEqual(4);
    } finally {
      pooledSender.close();
      await pooled.close();
    }
  });

  it("sends again on a new connection when the server dropped an idle one", async () => {
    const dropping = await startSmtpCatcher();
    const droppedSender = createEmailSender({ smtpUrl: dropping.url, from });
    try {
      await droppedSender.send({ to: "first@client.test", subject: null, text: "first", reference: { actionId: 1 } });
      dropping.dropConnections();
      await droppedSender.send({ to: "second@client.test", subject: null, text: "second", reference: { actionId: 2 } });
      expect(dropping.mails.map((mail) => mail.envelope.to)).toEqual([["first@client.test"], ["second@client.test"]]);
      expect(dropping.connections).toBe(2);
    } finally {
      droppedSender.close();
      await dropping.close();
    }
  });

  it("refuses a From without a domain at start", () => {
    expect(() => createEmailSender({ smtpUrl: smtp.url, from: "Leash" })).toThrow(/SMTP_FROM must hold an address with a domain/);
  });

  it("refuses email on a server without SMTP, saying what to set", async () => {
    const notification = await newNotification({ recipient: "grace@client.test", message: "hello" });
    await expect(createNotificationDelivery({}).deliver(environment.db, notification)).rejects.toMatchObject({
      code: "INVALID",
      message: "email is not configured on this server: set SMTP_URL",
    });
  });
});
