import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, createTestTenant, startInMemoryTracing, waitFor, type InMemoryTracing, type ReadableSpan, type TestTenant } from "@leash/core/testing";

import { startApiStack } from "./support.ts";

let tracing: InMemoryTracing;
let stack: Awaited<ReturnType<typeof startApiStack>>;
let tenant: TestTenant;

beforeAll(async () => {
  // Registered first, as main.ts does, so that the API and the worker below run with the SDK in place.
  tracing = await startInMemoryTracing();
  stack = await startApiStack();
  tenant = await createTestTenant(stack.environment.db, "traced");
});

afterAll(async () => {
  await stack.close();
  await tracing.shutdown();
});

const actionOf = (span: ReadableSpan) => span.attributes["leash.action.id"];

/** The spans of the trace the API call `procedure` for `actionId` started, once its job's span has ended. */
async function traceOf(procedure: string, actionId: number): Promise<Map<string, ReadableSpan>> {
  const call = await waitFor(() => Promise.resolve(tracing.spans().find((span) => span.name === `trpc ${procedure}` && actionOf(span) === actionId)), { what: `the ${procedure} span` });
  const traceId = call.spanContext().traceId;
  const inTrace = () => tracing.spans().filter((span) => span.spanContext().traceId === traceId);
  await waitFor(() => Promise.resolve(inTrace().some((span) => span.name === "process actions" && actionOf(span) === actionId)), { what: "the worker's job span" });
  return new Map(inTrace().map((span) => [span.name, span]));
}

/** Asserts that each span is the child of the one before it. */
function expectChain(spans: Map<string, ReadableSpan>, names: string[]) {
  for (const [index, name] of names.entries()) {
    const span = spans.get(name);
    expect(span, name).toBeDefined();
    const parent = index === 0 ? undefined : spans.get(names[index - 1] ?? "")?.spanContext().spanId;
    expect(span?.parentSpanContext?.spanId, `parent of ${name}`).toBe(parent);
  }
}

describe("one trace follows an action from the API call through the queue into the worker's transaction", () => {
  it("an auto-approved proposal: request, procedure, propose, enqueue, job, claim and the execution transaction", async () => {
    const admin = stack.api.client(tenant.keys.admin);
    await admin.preference.set.mutate({ actionType: "update", targetType: "project", autoApprove: true });
    const project = await createTestItem(stack.environment.db, tenant.id, { kind: "project", title: "Traced relaunch", data: { status: "active" } });

    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      reason: "Follow me through the queue",
    });
    expect(action.status).toBe("approved");

    const spans = await traceOf("action.propose", action.id);
    expectChain(spans, ["POST action.propose", "trpc action.propose", "propose action", "send actions", "process actions", "execute action"]);
    expect(spans.get("claim action")?.parentSpanContext?.spanId).toBe(spans.get("process actions")?.spanContext().spanId);
    for (const name of ["trpc action.propose", "propose action", "send actions", "process actions", "claim action", "execute action"]) {
      expect(actionOf(spans.get(name) as ReadableSpan), name).toBe(action.id);
    }
    expect(spans.get("trpc action.propose")?.attributes).toMatchObject({ "rpc.method": "action.propose", "rpc.response.status_code": "OK", "leash.tenant.id": tenant.id });
    expect(spans.get("POST action.propose")?.attributes).toMatchObject({ "http.response.status_code": 200 });
    expect(spans.get("send actions")?.attributes).toMatchObject({ "messaging.system": "bullmq", "messaging.destination.name": "actions" });
    expect(spans.get("process actions")?.attributes).toMatchObject({ "leash.execution.outcome": "executed", "messaging.message.id": `action-${action.id}` });
    expect(spans.get("claim action")?.attributes).toMatchObject({ "leash.claim.result": "claimed" });
    expect(spans.get("execute action")?.attributes).toMatchObject({ "leash.action.type": "update", "leash.tenant.id": tenant.id });
    expect(await stack.environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).toMatchObject({ status: "executed" });
  });

  it("a person's approval starts the trace the worker continues, and so does a rollback's undo action", async () => {
    const person = await createTestItem(stack.environment.db, tenant.id, { kind: "person", title: "Ada", data: {} });
    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "update", targetType: "person", targetId: person.id, parameters: { title: "Ada Lovelace" } });
    expect(action.status).toBe("pending");
    const approver = stack.api.client(tenant.keys.approver);
    await approver.action.approve.mutate({ actionId: action.id });
    const approved = await traceOf("action.approve", action.id);
    expectChain(approved, ["POST action.approve", "trpc action.approve", "approve action", "send actions", "process actions", "execute action"]);
    expect(actionOf(approved.get("approve action") as ReadableSpan)).toBe(action.id);
    await waitFor(async () => (await stack.environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status === "executed", { what: "the update to execute" });

    const { undoActions } = await approver.action.rollback.mutate({ actionId: action.id, confirm: true });
    const [undo] = undoActions;
    if (!undo) throw new Error("no undo action");
    const rolledBack = await traceOf("action.rollback", undo.id);
    expectChain(rolledBack, ["POST action.rollback", "trpc action.rollback", "send actions", "process actions", "execute action"]);
    expect(rolledBack.get("process actions")?.attributes).toMatchObject({ "leash.execution.outcome": "executed" });
  });
});
