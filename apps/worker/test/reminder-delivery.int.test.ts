import { createServer, type AddressInfo } from "node:net";

import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configureDelivery, fireReminderJob, listMyNotifications, queueNames } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { startWorkerStack, type WorkerStack } from "./support.ts";

/** A port on 127.0.0.1 where nothing listens: a mail server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let delivered: WorkerStack;
let mailDown: WorkerStack;

beforeAll(async () => {
  delivered = await startWorkerStack();
  mailDown = await startWorkerStack({ delivery: configureDelivery({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, smtpFrom: "Leash <leash@worker.test>" }) });
});

afterAll(async () => {
  await delivered.close();
  await mailDown.close();
});

/**
 * What an executed `schedule` action leaves behind: its reminder, due in half a second, and the
 * reminder's delayed job (written directly: this file is about firing it, not proposing it).
 */
async function scheduleReminder(stack: WorkerStack, parameters: { recipient?: string }) {
  const { environment, tenant } = stack;
  const action = await environment.db.agentAction.create({
    data: { tenantId: tenant.id, apiKeyId: tenant.agent.apiKeyId, proposerLabel: tenant.agent.label, actionType: "schedule", parameters: {}, status: "executed" },
  });
  const dueAt = new Date(Date.now() + 500);
  const reminder = await environment.db.reminder.create({
    data: { tenantId: tenant.id, actionId: action.id, recipient: parameters.recipient ?? null, message: "Call the client back", dueAt },
  });
  await environment.deps.queue.enqueueReminder({ reminderId: reminder.id, tenantId: tenant.id, dueAt });
  return { actionId: action.id, reminderId: reminder.id };
}

describe("a fired reminder", () => {
  it("is delivered, and its action's timeline says where it went", async () => {
    const { environment, tenant } = delivered;
    // An agent's reminder without a recipient, on a tenant without Slack, goes to the admins' consoles.
    const { actionId, reminderId } = await scheduleReminder(delivered, {});
    const event = await waitFor(() => environment.db.actionEvent.findFirst({ where: { actionId, type: "reminder_fired" } }).then((found) => found ?? undefined), {
      what: "the reminder_fired event",
    });
    expect(event.details).toMatchObject({ reminderId, deliveries: [{ channel: "in_app", userId: tenant.admin.userId }] });
    const { notifications, unread } = await listMyNotifications(environment.deps, { actor: tenant.admin });
    expect(notifications[0]).toMatchObject({ actionId, subject: "Reminder", message: "Call the client back", readAt: null });
    expect(unread.count).toBeGreaterThanOrEqual(1);
  });

  it("whose mail server is down stays scheduled while its job retries", async () => {
    const { environment } = mailDown;
    const { actionId, reminderId } = await scheduleReminder(mailDown, { recipient: "client@elsewhere.test" });
    const queue = new Queue(queueNames.reminders, { connection: environment.redis, prefix: environment.queuePrefix });
    try {
      await waitFor(async () => ((await queue.getJob(fireReminderJob.jobId(reminderId)))?.attemptsMade ?? 0) >= 2, { what: "the reminder job to retry" });
      const job = await queue.getJob(fireReminderJob.jobId(reminderId));
      expect(job?.failedReason).toMatch(/could not reach the mail server/);
    } finally {
      await queue.close();
    }
    expect(await environment.db.reminder.findUniqueOrThrow({ where: { id: reminderId } })).toMatchObject({ status: "scheduled", firedAt: null });
    expect(await environment.db.actionEvent.count({ where: { actionId, type: "reminder_fired" } })).toBe(0);
    expect(await environment.db.notification.count({ where: { actionId } })).toBe(0);
  });
});
