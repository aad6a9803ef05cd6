import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sealAuditChain } from "../src/audit/seal-audit-chain.ts";
import { enqueueReadyWebhookDeliveries } from "../src/webhooks/enqueue-ready-webhook-deliveries.ts";
import { CoreError } from "../src/errors.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";
import { createWebhookEndpoint } from "../src/webhooks/create-webhook-endpoint.ts";
import { getWebhookEndpoint } from "../src/webhooks/get-webhook-endpoint.ts";
import { listWebhookDeliveries } from "../src/webhooks/list-webhook-deliveries.ts";
import { redeliverWebhook } from "../src/webhooks/redeliver-webhook.ts";
import { updateWebhookEndpoint } from "../src/webhooks/update-webhook-endpoint.ts";
import type { CreateWebhookEndpointInput } from "../src/webhooks/webhook-inputs.ts";
import { webhookEventTypes } from "../src/webhooks/webhook-event-types.ts";
import { makeAction } from "./support/webhooks.ts";

// Which deliveries the audit sealer makes, and of what: no receiver is involved (nothing is enqueued).
let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  acme = await createTestTenant(environment.db, "acme-hooks");
  globex = await createTestTenant(environment.db, "globex-hooks");
});

afterAll(async () => {
  await environment.close();
});

async function endpoint(tenant: TestTenant, input: Partial<CreateWebhookEndpointInput> = {}) {
  const { endpoint: created } = await createWebhookEndpoint(environment.deps, {
    actor: tenant.admin,
    input: { url: "https://hooks.example.com/leash", eventTypes: [...webhookEventTypes], ...input },
  });
  return created;
}

/** A promise fired from elsewhere (Node 20 has no Promise.withResolvers). */
function signal() {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire: () => fire() };
}

async function deliveriesTo(endpointId: string) {
  return environment.db.webhookDelivery.findMany({ where: { endpointId }, orderBy: { id: "asc" } });
}

describe("webhook dispatch from the audit sealer", () => {
  it("makes one delivery per offered event, in event order, with the documented payload; bookkeeping events are not offered", async () => {
    const target = await endpoint(acme);
    const action = await makeAction(environment, acme, { actionType: "notify", events: ["proposed", "auto_approved", "queued", "started", "executed"] });
    const sealed = await sealAuditChain(environment.deps);
    const made = await deliveriesTo(target.id);
    expect(made.map((delivery) => delivery.eventType)).toEqual(["action.proposed", "action.approved", "action.executed"]);
    expect(sealed.webhookDeliveries).toEqual(made.map((delivery) => ({ deliveryId: Number(delivery.id), tenantId: acme.id })));
    // Only the first of the action's deliveries is enqueued: the others follow it, in order.
    expect(await enqueueReadyWebhookDeliveries(environment.deps, sealed.webhookDeliveries)).toBe(1);
    const events = await environment.db.actionEvent.findMany({ where: { actionId: action.id }, orderBy: { id: "asc" } });
    const executed = events.at(-1);
    if (!executed) throw new Error("no event");
    expect(made.at(-1)).toMatchObject({ eventId: executed.id, actionId: action.id, messageId: `evt_${executed.id}`, status: "pending", attempts: 0 });
    expect(made.at(-1)?.payload).toEqual({
      type: "action.executed",
      timestamp: executed.createdAt.toISOString(),
      data: {
        eventId: String(executed.id),
        actionId: action.id,
        actionType: "notify",
        targetType: null,
        targetId: null,
        status: "executed",
        actor: { kind: "user", label: acme.approver.label },
        details: { step: "executed" },
        tenant: acme.slug,
      },
    });
    expect(made[1]?.payload).toMatchObject({ type: "action.approved", data: { status: "approved", auto: true } });
  });

  it("gives an expiry the status its fallback chose", async () => {
    const target = await endpoint(acme, { eventTypes: ["action.expired"] });
    await makeAction(environment, acme, { events: ["proposed", "expired", "auto_approved"] });
    await makeAction(environment, acme, { events: ["proposed", "expired", "rejected"] });
    await sealAuditChain(environment.deps);
    const made = await deliveriesTo(target.id);
    expect(made.map((delivery) => (delivery.payload as { data: { status: string } }).data.status)).toEqual(["approved", "rejected"]);
  });

  it("sends an endpoint only the event types it wants and, with a filter, only its action types", async () => {
    const executedOnly = await endpoint(acme, { eventTypes: ["action.executed", "action.failed"] });
    const updatesOnly = await endpoint(acme, { eventTypes: ["action.proposed"], actionTypes: ["update"] });
    await makeAction(environment, acme, { actionType: "notify", events: ["proposed", "approved", "executed"] });
    await makeAction(environment, acme, { actionType: "update", events: ["proposed", "approved", "failed"] });
    await sealAuditChain(environment.deps);
    expect((await deliveriesTo(executedOnly.id)).map((delivery) => delivery.eventType)).toEqual(["action.executed", "action.failed"]);
    const updates = await deliveriesTo(updatesOnly.id);
    expect(updates.map((delivery) => [delivery.eventType, (delivery.payload as { data: { actionType: string } }).data.actionType])).toEqual([["action.proposed", "update"]]);
  });

  it("never sends a tenant's events to another tenant's endpoint, nor lets its admins see or resend them", async () => {
    const acmeEndpoint = await endpoint(acme, { eventTypes: ["action.cancelled"] });
    const globexEndpoint = await endpoint(globex, { eventTypes: ["action.cancelled"] });
    await makeAction(environment, acme, { events: ["proposed", "cancelled"] });
    await sealAuditChain(environment.deps);
    expect(await deliveriesTo(globexEndpoint.id)).toEqual([]);
    const [acmeDelivery] = await deliveriesTo(acmeEndpoint.id);
    if (!acmeDelivery) throw new Error("no delivery");
    expect((acmeDelivery.payload as { data: { tenant: string } }).data.tenant).toBe(acme.slug);

    const notFound = new CoreError("NOT_FOUND", `No webhook endpoint ${acmeEndpoint.id}`);
    await expect(getWebhookEndpoint(environment.deps, { actor: globex.admin, input: { endpointId: acmeEndpoint.id } })).rejects.toEqual(notFound);
    await expect(listWebhookDeliveries(environment.deps, { actor: globex.admin, input: { endpointId: acmeEndpoint.id } })).rejects.toEqual(notFound);
    await expect(updateWebhookEndpoint(environment.deps, { actor: globex.admin, input: { endpointId: acmeEndpoint.id, enabled: false } })).rejects.toEqual(notFound);
    await environment.db.webhookDelivery.update({ where: { id: acmeDelivery.id }, data: { status: "delivered" } });
    await expect(redeliverWebhook(environment.deps, { actor: globex.admin, input: { deliveryId: Number(acmeDelivery.id) } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await environment.db.webhookDelivery.findUnique({ where: { id: acmeDelivery.id } })).toMatchObject({ status: "delivered" });
  });

  it("makes nothing for an event of a rolled-back transaction, and an event committed after a pass is dispatched by the next", async () => {
    const target = await endpoint(acme, { eventTypes: ["action.proposed"] });
    await expect(
      environment.db.$transaction(async (tx) => {
        await tx.agentAction.create({
          data: {
            tenantId: acme.id,
            proposerLabel: "agent",
            actionType: "notify",
            parameters: {},
            events: { create: [{ tenantId: acme.id, type: "proposed", actorKind: "system", actorLabel: "test", details: {} }] },
          },
        });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");

    // A transaction still open while a pass runs: its event is not seen, and is dispatched once committed.
    const held = signal();
    const inserted = signal();
    const open = environment.db.$transaction(
      async (tx) => {
        await tx.agentAction.create({
          data: {
            tenantId: acme.id,
            proposerLabel: "agent",
            actionType: "notify",
            parameters: {},
            events: { create: [{ tenantId: acme.id, type: "proposed", actorKind: "system", actorLabel: "late", details: {} }] },
          },
        });
        inserted.fire();
        await held.fired;
      },
      { timeout: 20_000 },
    );
    await inserted.fired;
    await sealAuditChain(environment.deps);
    expect(await deliveriesTo(target.id)).toEqual([]);
    held.fire();
    await open;
    await sealAuditChain(environment.deps);
    const made = await deliveriesTo(target.id);
    expect(made.map((delivery) => (delivery.payload as { data: { actor: { label: string } } }).data.actor.label)).toEqual(["late"]);
  });

  it("sends nothing to a disabled endpoint", async () => {
    const target = await endpoint(acme, { eventTypes: ["action.rejected"] });
    await updateWebhookEndpoint(environment.deps, { actor: acme.admin, input: { endpointId: target.id, enabled: false } });
    await makeAction(environment, acme, { events: ["proposed", "rejected"] });
    await sealAuditChain(environment.deps);
    expect(await deliveriesTo(target.id)).toEqual([]);
    expect(await getWebhookEndpoint(environment.deps, { actor: acme.admin, input: { endpointId: target.id } })).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining(`disabled by ${acme.admin.label}`),
      pendingDeliveries: 0,
    });
  });
});
