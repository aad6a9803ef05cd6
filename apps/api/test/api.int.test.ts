import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey, revokeTenantApiKey } from "@leash/core";
import { createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { TRPCClientError } from "../src/client.ts";
import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let api: typeof stack.api;
let tenantA: TestTenant;
let tenantB: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  ({ environment, api } = stack);
  tenantA = await createTestTenant(environment.db, "acme");
  tenantB = await createTestTenant(environment.db, "globex");
});

afterAll(() => stack.close());

const actionCount = () => environment.db.agentAction.count();

describe("the agent path over HTTP", () => {
  it("an agent proposes with the typed client, an approver key approves, the worker executes", async () => {
    const project = await createTestItem(environment.db, tenantA.id, { kind: "project", title: "Website relaunch", data: { status: "active" } });
    const agent = api.client(tenantA.keys.agent);
    const { action, duplicate } = await agent.action.propose.mutate({
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
      reason: "Deadline moved after the client call",
    });
    expect(duplicate).toBe(false);
    expect(action.status).toBe("pending");
    await api.client(tenantA.keys.approver).action.approve.mutate({ actionId: action.id });
    const done = await waitFor(async () => {
      const current = await agent.action.get.query({ actionId: action.id });
      return current.status === "executed" ? current : undefined;
    });
    expect(done.timeline.map((event) => event.type)).toEqual(["proposed", "approved", "started", "executed"]);
    expect(await agent.action.history.query({ actionId: action.id })).toHaveLength(4);
    const list = await agent.action.list.query({ status: "executed", actionType: "update", targetType: "project" });
    expect(list.items.map((item) => item.id)).toContain(action.id);
  });

  it("the same idempotencyKey twice gives one action", async () => {
    const agent = api.client(tenantA.keys.agent);
    const input = {
      actionType: "notify" as const,
      parameters: { channel: "email" as const, recipient: "team@example.com", message: "Deploy done" },
      idempotencyKey: "deploy-2026-11-25",
    };
    const first = await agent.action.propose.mutate(input);
    const second = await agent.action.propose.mutate(input);
    expect(second.duplicate).toBe(true);
    expect(second.action.id).toBe(first.action.id);
    expect(await environment.db.agentAction.count({ where: { idempotencyKey: "deploy-2026-11-25" } })).toBe(1);
    await expect(agent.action.propose.mutate({ ...input, parameters: { ...input.parameters, message: "other" } })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
    });
  });

  it("proposeBatch with one invalid action creates none and names the invalid one and why", async () => {
    const before = await actionCount();
    const response = await api.call("POST", "action.proposeBatch", {
      apiKey: tenantA.keys.agent,
      body: {
        actions: [
          { actionType: "create", targetType: "person", parameters: { title: "Grace Hopper" } },
          { actionType: "create", targetType: "person", parameters: { title: "Alan", data: { email: "not-an-email" } } },
          { actionType: "notify", parameters: { channel: "email", recipient: "x@example.com", message: "hi" } },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.code).toBe("BAD_REQUEST");
    expect(response.body.error?.data.issues).toEqual([
      expect.objectContaining({ path: ["actions", "1", "parameters", "data", "email"], message: expect.stringMatching(/email/i) }),
    ]);
    expect(await actionCount()).toBe(before);

    const missingTarget = await api.client(tenantA.keys.agent).action.proposeBatch
      .mutate({
        actions: [
          { actionType: "create", targetType: "person", parameters: { title: "Fine" } },
          { actionType: "delete", targetType: "project", targetId: 999_999, parameters: {} },
        ],
      })
      .catch((error: unknown) => error);
    expect(missingTarget).toBeInstanceOf(TRPCClientError);
    expect((missingTarget as TRPCClientError<never>).message).toBe("actions[1]: No project #999999");
    expect(await actionCount()).toBe(before);

    const ok = await api.client(tenantA.keys.agent).action.proposeBatch.mutate({
      actions: [
        { actionType: "create", targetType: "person", parameters: { title: "Grace Hopper" } },
        { actionType: "create", targetType: "project", parameters: { title: "COBOL" } },
      ],
      reason: "Onboarding",
    });
    expect(ok.actions).toHaveLength(2);
    expect(new Set(ok.actions.map((action) => action.batchId))).toEqual(new Set([ok.batchId]));
  });

  it("healthz and readyz answer", async () => {
    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api.baseUrl}/readyz`)).json()).toMatchObject({ ok: true });
  });
});

describe("bad input: BAD_REQUEST with the zod issues, nothing written", () => {
  const cases: [string, unknown, string[]][] = [
    ["unknown type", { actionType: "explode", parameters: {} }, ["actionType"]],
    ["wrong parameter types", { actionType: "notify", parameters: { channel: "email", recipient: 42, message: true } }, ["parameters", "recipient"]],
    ["missing target", { actionType: "update", targetType: "project", parameters: { title: "x" } }, ["targetId"]],
    ["unknown fields", { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m", cc: "boss" } }, ["parameters"]],
    ["unknown top-level field", { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" }, priority: 1 }, []],
    ["an oversized field", { actionType: "create", targetType: "idea", parameters: { title: "big", data: { description: "x".repeat(4001) } } }, ["parameters", "data", "description"]],
    ["parameters over 16 KiB", { actionType: "delete", targetType: "idea", targetId: 1, parameters: { permanent: false, padding: "x".repeat(20_000) } }, ["parameters"]],
    ["a dueAt that is not a date", { actionType: "schedule", parameters: { dueAt: "not-a-date", message: "m" } }, ["parameters", "dueAt"]],
    ["a reminder due in the past", { actionType: "schedule", parameters: { dueAt: "2020-01-01T00:00:00Z", message: "m" } }, []],
    ["deeply nested data", { actionType: "create", targetType: "idea", parameters: { title: "t", data: { description: { a: { b: { c: [1, [2, [3]]] } } } } } }, ["parameters", "data", "description"]],
    ["unicode-heavy title over the limit", { actionType: "create", targetType: "idea", parameters: { title: "🦜".repeat(301) } }, ["parameters", "title"]],
  ];
  it.each(cases)("%s", async (_name, input, expectedPath) => {
    const before = await actionCount();
    const response = await api.call("POST", "action.propose", { apiKey: tenantA.keys.agent, body: input });
    expect(response.status).toBe(400);
    expect(response.body.error?.data.code).toBe("BAD_REQUEST");
    expect(response.body.error?.message.length).toBeGreaterThan(0);
    const issues = response.body.error?.data.issues ?? [];
    expect(issues.length).toBeGreaterThan(0);
    if (expectedPath.length) expect(issues.map((issue) => issue.path.slice(0, expectedPath.length))).toContainEqual(expectedPath);
    expect(await actionCount()).toBe(before);
  });

  it("parameters at the field limits are accepted, and a batch over 100 actions is refused", async () => {
    const response = await api.call("POST", "action.propose", {
      apiKey: tenantA.keys.agent,
      body: { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "y".repeat(4000), subject: "z".repeat(300) } },
    });
    expect(response.status).toBe(200);
    const huge = await api.call("POST", "action.proposeBatch", {
      apiKey: tenantA.keys.agent,
      body: { actions: Array.from({ length: 101 }, () => ({ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } })) },
    });
    expect(huge.status).toBe(400);
  });

  it("a body that is not JSON is a 400, and a body over 2 MiB is refused", async () => {
    const malformed = await api.call("POST", "action.propose", { apiKey: tenantA.keys.agent, body: "{not json" });
    expect(malformed.status).toBe(400);
    const oversized = await fetch(`${api.trpcUrl}/action.propose`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tenantA.keys.agent}` },
      body: JSON.stringify({ padding: "x".repeat(3 * 1024 * 1024) }),
    });
    expect(oversized.status).toBe(413);
  });
});

describe("keys, roles and tenants", () => {
  it("no key, a wrong key or a revoked key is UNAUTHORIZED", async () => {
    const input = { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } };
    expect((await api.call("POST", "action.propose", { body: input })).status).toBe(401);
    expect((await api.call("POST", "action.propose", { apiKey: "lsh_nope", body: input })).status).toBe(401);
    const forged = tenantA.keys.agent.slice(0, -4) + "AAAA";
    expect((await api.call("POST", "action.propose", { apiKey: forged, body: input })).status).toBe(401);
    const { key, publicId } = await createApiKey(environment.db, { tenantId: tenantA.id, name: "temp", role: "agent" });
    expect((await api.call("POST", "action.propose", { apiKey: key, body: input })).status).toBe(200);
    await revokeTenantApiKey(environment.deps, { actor: tenantA.admin, input: { publicId } });
    const revoked = await api.call("POST", "action.propose", { apiKey: key, body: input });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.data.code).toBe("UNAUTHORIZED");
  });

  it("an agent key cannot approve (FORBIDDEN), a viewer key cannot propose, only an admin sets preferences", async () => {
    const { action } = await api.client(tenantA.keys.agent).action.propose.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "a@b.c", message: "m" },
    });
    const approve = await api.call("POST", "action.approve", { apiKey: tenantA.keys.agent, body: { actionId: action.id } });
    expect(approve.status).toBe(403);
    expect(approve.body.error?.data.code).toBe("FORBIDDEN");
    const viewerPropose = await api.call("POST", "action.propose", {
      apiKey: tenantA.keys.viewer,
      body: { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } },
    });
    expect(viewerPropose.status).toBe(403);
    const approverSets = await api.call("POST", "preference.set", { apiKey: tenantA.keys.approver, body: { actionType: "notify", autoApprove: true } });
    expect(approverSets.status).toBe(403);
    const adminSets = await api.call("POST", "preference.set", { apiKey: tenantA.keys.admin, body: { actionType: "notify", autoApprove: true } });
    expect(adminSets.status).toBe(200);
    const preferences = await api.client(tenantA.keys.viewer).preference.get.query();
    expect(preferences).toMatchObject([{ actionType: "notify", targetType: null, autoApprove: true, description: "notify on any target runs without a person" }]);
    await api.client(tenantA.keys.admin).preference.set.mutate({ actionType: "notify", autoApprove: false });
    expect(await api.client(tenantA.keys.viewer).preference.get.query()).toHaveLength(1);
  });

  it("tenant A's key gets NOT_FOUND for tenant B's action, and never sees it in lists", async () => {
    const { action } = await api.client(tenantB.keys.agent).action.propose.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "b@globex.test", message: "secret plans" },
    });
    for (const [path, method] of [["action.get", "GET"], ["action.history", "GET"], ["action.approve", "POST"], ["action.reject", "POST"], ["action.cancel", "POST"]] as const) {
      const key = path === "action.approve" || path === "action.reject" ? tenantA.keys.approver : tenantA.keys.agent;
      const input = path === "action.reject" ? { actionId: action.id, reason: "no" } : { actionId: action.id };
      const response = method === "GET" ? await api.call("GET", path, { apiKey: key, input }) : await api.call("POST", path, { apiKey: key, body: input });
      expect(response.status, path).toBe(404);
      expect(response.body.error?.message).toBe(`No action #${action.id}`);
    }
    const list = await api.client(tenantA.keys.agent).action.list.query({ limit: 200 });
    expect(list.items.some((item) => item.id === action.id)).toBe(false);
    const still = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(still.status).toBe("pending");
  });

  it("reject needs a reason; list paginates by cursor; queue stats answer", async () => {
    const agent = api.client(tenantB.keys.agent);
    const { action } = await agent.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } });
    const noReason = await api.call("POST", "action.reject", { apiKey: tenantB.keys.approver, body: { actionId: action.id, reason: "  " } });
    expect(noReason.status).toBe(400);
    const rejected = await api.client(tenantB.keys.approver).action.reject.mutate({ actionId: action.id, reason: "Not before the client confirms" });
    expect(rejected).toMatchObject({ status: "rejected", rejectionReason: "Not before the client confirms" });

    const first = await agent.action.list.query({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await agent.action.list.query({ limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items[0]?.id).toBeLessThan(first.items[0]?.id ?? 0);

    // The tenant's own counts; the execution queue the workers share with other tenants is not shown.
    const stats = await agent.queue.stats.query();
    expect(stats.actions.rejected).toEqual({ count: 1, capped: false });
    expect(Object.keys(stats).sort()).toEqual(["actions", "recentFailures"]);
  });
});
