import { randomBytes } from "node:crypto";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { deliverWebhookJob, queueNames } from "../src/queue/queue-definitions.ts";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";
import { createWebhookEndpoint } from "../src/webhooks/create-webhook-endpoint.ts";
import { getWebhookEndpoint } from "../src/webhooks/get-webhook-endpoint.ts";
import { listWebhookDeliveries } from "../src/webhooks/list-webhook-deliveries.ts";
import { reconcileWebhookDeliveries } from "../src/webhooks/reconcile-webhook-deliveries.ts";
import { redeliverWebhook } from "../src/webhooks/redeliver-webhook.ts";
import { rotateWebhookSecret } from "../src/webhooks/rotate-webhook-secret.ts";
import { sendTestWebhook } from "../src/webhooks/send-test-webhook.ts";
import { updateWebhookEndpoint } from "../src/webhooks/update-webhook-endpoint.ts";
import type { CreateWebhookEndpointInput } from "../src/webhooks/webhook-inputs.ts";
import type { WebhookPolicy } from "../src/webhooks/webhook-policy.ts";
import { makeAction, sealAndEnqueue, startReceiver, startWebhookConsumer, verifySignature, type Answer, type Received } from "./support/webhooks.ts";

// Deliveries to real receivers on 127.0.0.1, through the webhooks queue, with a policy in
// milliseconds: "a day" of failures is a few hundred of them.
const policy: WebhookPolicy = { retryScheduleMs: [40, 40, 40, 40, 40, 40, 40, 40, 40, 40], disableAfterMs: 60_000, timeoutMs: 2_000 };

let environment: TestEnvironment;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
});

// A tenant per test: an earlier test's endpoints (their receivers gone) would take this test's events too.
beforeEach(async () => {
  tenant = await createTestTenant(environment.db);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await environment.close();
});

async function receiver(answer?: (request: Received, index: number) => Answer) {
  const started = await startReceiver(answer);
  cleanups.push(() => started.close());
  return started;
}

function consumer(options: Partial<WebhookPolicy> = {}) {
  const started = startWebhookConsumer(environment, { ...policy, ...options });
  cleanups.push(() => started.close());
  return started;
}

async function subscribe(url: string, input: Partial<CreateWebhookEndpointInput> = {}) {
  return createWebhookEndpoint(environment.deps, {
    actor: tenant.admin,
    input: { url, eventTypes: ["action.proposed", "action.approved", "action.executed"], allowPrivateNetwork: true, ...input },
  });
}

const statusOf = async (deliveryId: bigint) => (await environment.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).status;

describe("webhook delivery", () => {
  it("signs each delivery as the README says, with the event's id as webhook-id", async () => {
    const hooks = await receiver();
    const { endpoint, signingSecret } = await subscribe(hooks.url);
    consumer();
    const action = await makeAction(environment, tenant, { events: ["proposed"] });
    await sealAndEnqueue(environment);
    await waitFor(async () => Promise.resolve(hooks.received.length === 1), { what: "the delivery" });

    const [request] = hooks.received;
    if (!request) throw new Error("nothing received");
    const [event] = await environment.db.actionEvent.findMany({ where: { actionId: action.id } });
    expect(request.headers).toMatchObject({
      "webhook-id": `evt_${event?.id}`,
      "content-type": "application/json",
      "user-agent": "Leash-Webhooks/1",
    });
    expect(verifySignature(signingSecret, request.headers, request.body)).toBe(true);
    expect(verifySignature(signingSecret, request.headers, request.body.replace("proposed", "approved"))).toBe(false);
    expect(request.json).toMatchObject({ type: "action.proposed", data: { actionId: action.id, tenant: tenant.slug } });
    await waitFor(async () => (await statusOf((await environment.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } })).id)) === "delivered", {
      what: "delivered",
    });
    const log = await listWebhookDeliveries(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
    expect(log.items[0]).toMatchObject({ status: "delivered", attemptCount: 1, attempts: [{ statusCode: 200, error: null }] });

  });

  it("signs with the old secret too for a day after a rotation, unless it is revoked", async () => {
    const hooks = await receiver();
    const { endpoint, signingSecret } = await subscribe(hooks.url);
    consumer();
    const next = async () => {
      const before = hooks.received.length;
      await makeAction(environment, tenant, { events: ["proposed"] });
      await sealAndEnqueue(environment);
      await waitFor(async () => Promise.resolve(hooks.received.length > before), { what: "the next delivery" });
      const request = hooks.received.at(-1);
      if (!request) throw new Error("nothing received");
      return { signatures: String(request.headers["webhook-signature"]).split(" ").length, verifies: (secret: string) => verifySignature(secret, request.headers, request.body) };
    };

    const rotatedAt = Date.now();
    const { signingSecret: rotated, endpoint: view } = await rotateWebhookSecret(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
    const until = Date.parse(view.previousSecretExpiresAt ?? "");
    expect(until - rotatedAt).toBeGreaterThanOrEqual(24 * 3_600_000 - 1_000);
    expect(until - rotatedAt).toBeLessThanOrEqual(24 * 3_600_000 + 1_000);
    const duringGrace = await next();
    expect(duringGrace.signatures).toBe(2);
    expect(duringGrace.verifies(rotated)).toBe(true);
    expect(duringGrace.verifies(signingSecret)).toBe(true);

    // A day later the old one no longer signs.
    await environment.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1) } });
    expect((await getWebhookEndpoint(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } })).previousSecretExpiresAt).toBeNull();
    const afterGrace = await next();
    expect(afterGrace.signatures).toBe(1);
    expect(afterGrace.verifies(rotated)).toBe(true);
    expect(afterGrace.verifies(signingSecret)).toBe(false);

    // Revoked at once (it leaked): only the new one signs, from the next attempt on.
    const { signingSecret: newest, endpoint: revoked } = await rotateWebhookSecret(environment.deps, {
      actor: tenant.admin,
      input: { endpointId: endpoint.id, revokePrevious: true },
    });
    expect(revoked.previousSecretExpiresAt).toBeNull();
    const afterRevoke = await next();
    expect(afterRevoke.signatures).toBe(1);
    expect(afterRevoke.verifies(newest)).toBe(true);
    expect(afterRevoke.verifies(rotated)).toBe(false);

    // Only admins of the endpoint's tenant rotate; bad input changes nothing.
    const stranger = await createTestTenant(environment.db);
    await expect(rotateWebhookSecret(environment.deps, { actor: stranger.admin, input: { endpointId: endpoint.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(rotateWebhookSecret(environment.deps, { actor: tenant.approver, input: { endpointId: endpoint.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      rotateWebhookSecret(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id, revokePrevious: "yes" } as never }),
    ).rejects.toMatchObject({ code: "INVALID" });
    const after = await next();
    expect(after.verifies(newest)).toBe(true);
  });

  it("retries after a 500 with the same webhook-id, and logs each attempt with the start of the answer", async () => {
    const hooks = await receiver((_request, index) => (index === 0 ? { status: 500, body: `database down\n${"x".repeat(3000)}` } : { status: 204 }));
    const { endpoint } = await subscribe(hooks.url, { eventTypes: ["action.executed"] });
    consumer();
    await makeAction(environment, tenant, { events: ["executed"] });
    await sealAndEnqueue(environment);
    await waitFor(async () => (await environment.db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "delivered" } })) ?? undefined, { what: "delivered" });

    expect(hooks.received.map((request) => request.headers["webhook-id"])).toEqual([hooks.received[0]?.headers["webhook-id"], hooks.received[0]?.headers["webhook-id"]]);
    const log = await listWebhookDeliveries(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
    const [delivery] = log.items;
    expect(delivery).toMatchObject({ status: "delivered", attemptCount: 2 });
    expect(delivery?.attempts.map((attempt) => [attempt.statusCode, attempt.error])).toEqual([
      [204, null],
      [500, "HTTP 500 Internal Server Error"],
    ]);
    expect(delivery?.attempts[1]?.responseExcerpt).toMatch(/^database down x+…$/);
    expect(delivery?.attempts[1]?.responseExcerpt).toHaveLength(1024);
    expect((await getWebhookEndpoint(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } })).failingSince).toBeNull();
  });

  it("keeps each action's events in order through failures, while other actions go on", async () => {
    // The first two requests about action A fail: its later events wait behind the first.
    let failuresLeft = 2;
    let slowAction = 0;
    const hooks = await receiver((request) => {
      if (request.json.data.actionId === slowAction && failuresLeft > 0) {
        failuresLeft -= 1;
        return { status: 503 };
      }
      return { status: 200 };
    });
    const { endpoint } = await subscribe(hooks.url);
    consumer({ retryScheduleMs: [500, 500, 500] });
    const slow = await makeAction(environment, tenant, { events: ["proposed", "approved", "executed"] });
    slowAction = slow.id;
    const others = [];
    for (let index = 0; index < 4; index += 1) others.push(await makeAction(environment, tenant, { events: ["proposed", "approved", "executed"] }));
    await sealAndEnqueue(environment);
    await waitFor(async () => (await environment.db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "delivered" } })) === 15, { what: "15 deliveries" });

    const typesFor = (actionId: number) => hooks.received.filter((request) => request.json.data.actionId === actionId).map((request) => request.json.type);
    expect(typesFor(slow.id)).toEqual(["action.proposed", "action.proposed", "action.proposed", "action.approved", "action.executed"]);
    for (const other of others) expect(typesFor(other.id)).toEqual(["action.proposed", "action.approved", "action.executed"]);
    // The other actions did not wait for the failing one: all of theirs came during its second's backoff.
    const slowArrivals = hooks.received.flatMap((request, index) => (request.json.data.actionId === slow.id ? [index] : []));
    const lastOther = hooks.received.findLastIndex((request) => request.json.data.actionId !== slow.id);
    expect(lastOther).toBeLessThan(slowArrivals[2] ?? -1);
  });

  it("disables an endpoint failing for too long, tells its admins, keeps its deliveries, and resumes them in order when enabled again", async () => {
    let healthy = false;
    const hooks = await receiver(() => (healthy ? { status: 200 } : { status: 500, body: "down" }));
    const { endpoint } = await subscribe(hooks.url);
    consumer({ retryScheduleMs: [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50], disableAfterMs: 300 });
    const action = await makeAction(environment, tenant, { events: ["proposed", "approved"] });
    await sealAndEnqueue(environment);

    const disabled = await waitFor(
      async () => {
        const row = await getWebhookEndpoint(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
        return row.enabled ? undefined : row;
      },
      { what: "the endpoint disabled" },
    );
    expect(disabled.disabledReason).toMatch(/^disabled on \d{4}-\d\d-\d\d \d\d:\d\d UTC after failing for \d+ ms: last error HTTP 500 Internal Server Error$/);
    expect(disabled.pendingDeliveries).toBe(2);
    const attemptsWhenDisabled = hooks.received.length;
    expect(hooks.received.every((request) => request.json.type === "action.proposed")).toBe(true);

    const bell = await environment.db.notification.findMany({ where: { tenantId: tenant.id, channel: "in_app", subject: "Webhook endpoint disabled" } });
    expect(bell).toEqual([expect.objectContaining({ userId: tenant.admin.userId, deliveredAt: expect.any(Date), message: expect.stringContaining(endpoint.url) })]);
    const mail = await waitFor(async () => Promise.resolve(environment.smtp.mails.find((caught) => caught.envelope.to.includes(tenant.inbox))), { what: "the email" });
    expect(mail.envelope.to).toEqual([tenant.inbox]);
    expect(mail.parsed.text).toContain(disabled.disabledReason ?? "?");

    // Nothing is sent while it is disabled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.received).toHaveLength(attemptsWhenDisabled);

    healthy = true;
    const enabled = await updateWebhookEndpoint(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id, enabled: true } });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
    await waitFor(async () => (await environment.db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "delivered" } })) === 2, { what: "both delivered" });
    expect(hooks.received.slice(attemptsWhenDisabled).map((request) => [request.json.type, request.json.data.actionId])).toEqual([
      ["action.proposed", action.id],
      ["action.approved", action.id],
    ]);
  });

  it("fails a delivery whose schedule is spent, then sends the action's next one; 'send again' resends with the same id", async () => {
    const hooks = await receiver((request) => (request.json.type === "action.proposed" ? { status: 410 } : { status: 200 }));
    const { endpoint } = await subscribe(hooks.url);
    consumer({ retryScheduleMs: [20, 20] });
    await makeAction(environment, tenant, { events: ["proposed", "approved"] });
    await sealAndEnqueue(environment);
    await waitFor(async () => (await environment.db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: { in: ["delivered", "failed"] } } })) === 2, {
      what: "both settled",
    });
    const [approved, proposed] = (await listWebhookDeliveries(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } })).items;
    expect(proposed).toMatchObject({ eventType: "action.proposed", status: "failed", attemptCount: 3, nextAttemptAt: null });
    expect(approved).toMatchObject({ eventType: "action.approved", status: "delivered" });
    if (!approved || !proposed) throw new Error("missing deliveries");
    expect(hooks.received.map((request) => request.json.type)).toEqual(["action.proposed", "action.proposed", "action.proposed", "action.approved"]);

    const again = await redeliverWebhook(environment.deps, { actor: tenant.admin, input: { deliveryId: approved.id } });
    expect(again).toMatchObject({ status: "pending", attemptCount: 0 });
    await expect(redeliverWebhook(environment.deps, { actor: tenant.admin, input: { deliveryId: approved.id } })).rejects.toMatchObject({ code: "CONFLICT" });
    await waitFor(async () => (await statusOf(BigInt(approved.id))) === "delivered", { what: "delivered again" });
    expect(hooks.received.at(-1)?.headers["webhook-id"]).toBe(approved.messageId);
    expect(hooks.received.at(-1)?.body).toBe(hooks.received.at(-2)?.body);
    const log = await listWebhookDeliveries(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id, status: "delivered" } });
    expect(log.items[0]).toMatchObject({ id: approved.id, attemptCount: 1, attempts: [{ statusCode: 200 }, { statusCode: 200 }] });
  });

  it("sends a test event with an id of its own", async () => {
    const hooks = await receiver();
    const { endpoint, signingSecret } = await subscribe(hooks.url);
    consumer();
    const made = await sendTestWebhook(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
    expect(made).toMatchObject({ eventType: "webhook.test", eventId: null, actionId: null, status: "pending", messageId: expect.stringMatching(/^test_[0-9a-f-]{36}$/) });
    await waitFor(async () => (await statusOf(BigInt(made.id))) === "delivered", { what: "the test event delivered" });
    const [request] = hooks.received;
    expect(request?.headers["webhook-id"]).toBe(made.messageId);
    expect(request?.json).toMatchObject({ type: "webhook.test", data: { endpointId: endpoint.id, tenant: tenant.slug } });
    expect(request && verifySignature(signingSecret, request.headers, request.body)).toBe(true);
  });

  it("enqueues again a pending delivery whose job Redis lost", async () => {
    const hooks = await receiver();
    const { endpoint } = await subscribe(hooks.url);
    await makeAction(environment, tenant, { events: ["proposed"] });
    const sealed = await sealAndEnqueue(environment);
    const [lost] = sealed.webhookDeliveries;
    if (!lost) throw new Error("no delivery");
    // As after a Redis restart: the job is gone, the delivery is still pending in Postgres.
    const { Queue } = await import("bullmq");
    const queue = new Queue(queueNames.webhooks, { connection: environment.redis, prefix: environment.queuePrefix });
    await queue.remove(deliverWebhookJob.jobId(lost.deliveryId));
    await queue.close();
    expect(await environment.deps.queue.hasLiveWebhookDelivery(lost.deliveryId)).toBe(false);

    // Just written, it is within the grace: its enqueue could still be on its way.
    expect((await reconcileWebhookDeliveries(environment.deps, { graceMs: 5_000 })).requeued).not.toContain(lost.deliveryId);
    expect(await environment.deps.queue.hasLiveWebhookDelivery(lost.deliveryId)).toBe(false);

    // Overdue by more than the grace, it has been lost.
    const later = { ...environment.deps, clock: { now: () => new Date(Date.now() + 6_000) } };
    const { requeued } = await reconcileWebhookDeliveries(later, { graceMs: 5_000 });
    expect(requeued).toContain(lost.deliveryId);
    expect(await reconcileWebhookDeliveries(later, { graceMs: 5_000 })).toEqual({ requeued: [] });
    consumer();
    await waitFor(async () => (await statusOf(BigInt(lost.deliveryId))) === "delivered", { what: "delivered after the reconciler" });
    expect(hooks.received).toHaveLength(1);
    expect((await environment.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } })).attempts).toBe(1);
  });

  it("refuses to connect to a private address unless the endpoint allows it", async () => {
    await expect(subscribe("http://127.0.0.1:9/hooks", { allowPrivateNetwork: false })).rejects.toMatchObject({ code: "INVALID", issues: [{ path: ["url"] }] });
    await expect(subscribe("http://169.254.169.254/latest", { allowPrivateNetwork: true })).rejects.toMatchObject({ code: "INVALID" });
    // A host name is checked when it is resolved: the attempt fails and says why.
    const { endpoint } = await subscribe("http://localhost:9/hooks", { allowPrivateNetwork: false });
    consumer();
    const made = await sendTestWebhook(environment.deps, { actor: tenant.admin, input: { endpointId: endpoint.id } });
    const attempt = await waitFor(async () => (await environment.db.webhookAttempt.findFirst({ where: { deliveryId: BigInt(made.id) } })) ?? undefined, { what: "an attempt" });
    expect(attempt).toMatchObject({ statusCode: null, error: expect.stringContaining("may not connect to localhost") });
  });
});
