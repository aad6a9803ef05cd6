import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, createTestTenant, waitFor, type TestTenant } from "@leash/core/testing";

import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;

beforeAll(async () => {
  stack = await startApiStack();
});

afterAll(() => stack.close());

const settled = (tenant: TestTenant, actionId: number, status: string) =>
  waitFor(
    async () => {
      const action = await stack.api.client(tenant.keys.agent).action.get.query({ actionId });
      return action.status === status ? action : undefined;
    },
    { what: `#${actionId} ${status}` },
  );

describe("approve-and-trust over the API never grants what a grant could not honour", () => {
  it("refuses, changing nothing, a scope that needs two approvers, an approval short of the quorum, and a permanent delete", async () => {
    const tenant = await createTestTenant(stack.environment.db);
    const admin = stack.api.client(tenant.keys.admin);
    const agent = stack.api.client(tenant.keys.agent);
    await admin.policy.set.mutate({ actionType: "create", targetType: "idea", requiredApprovals: 2 });
    const { action } = await agent.action.propose.mutate({
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Two approvers" },
    });
    const trust = (actionId: number) =>
      stack.api.call("POST", "trust.approveAndTrust", {
        apiKey: tenant.keys.approver,
        body: { actionId, days: 7 },
      });

    const twoApprovers = await trust(action.id);
    expect(twoApprovers.status).toBe(400);
    expect(twoApprovers.body.error?.message).toBe(
      `Cannot auto-approve create on idea: its policy requires 2 approvals; approve #${action.id} without trust`,
    );

    // The policy is relaxed, but the action keeps the quorum it was proposed under: this approval would be 1 of 2.
    await admin.policy.set.mutate({ actionType: "create", targetType: "idea", requiredApprovals: 1 });
    const short = await trust(action.id);
    expect(short.status).toBe(409);
    expect(short.body.error?.data.code).toBe("CONFLICT");
    expect(await agent.action.get.query({ actionId: action.id })).toMatchObject({
      status: "pending",
      approvals: { count: 0, required: 2 },
    });

    const item = await createTestItem(stack.environment.db, tenant.id, { kind: "idea", title: "Doomed" });
    const { action: permanent } = await agent.action.propose.mutate({
      actionType: "delete",
      targetType: "idea",
      targetId: item.id,
      parameters: { permanent: true },
    });
    const irreversible = await trust(permanent.id);
    expect(irreversible.status).toBe(400);
    expect(irreversible.body.error?.message).toContain(
      "cannot be undone (a permanent delete cannot be undone)",
    );

    expect(await stack.api.client(tenant.keys.viewer).trust.list.query()).toEqual([]);
    expect(
      (await agent.action.get.query({ actionId: permanent.id })).timeline.map((event) => event.type),
    ).toEqual(["proposed"]);
  });
});

describe("a retried proposal over the API", () => {
  it("answers the first action after it executed, and a retried batch answers the first batch", async () => {
    const tenant = await createTestTenant(stack.environment.db);
    const agent = stack.api.client(tenant.keys.agent);
    const input = {
      actionType: "create" as const,
      targetType: "idea" as const,
      parameters: { title: "Created once" },
      idempotencyKey: "import-42",
    };
    const first = await agent.action.propose.mutate(input);
    await stack.api.client(tenant.keys.approver).action.approve.mutate({ actionId: first.action.id });
    await settled(tenant, first.action.id, "executed");

    // The agent's first answer was lost to a timeout: it sends the same request again.
    const retried = await agent.action.propose.mutate(input);
    expect(retried).toMatchObject({ duplicate: true, action: { id: first.action.id, status: "executed" } });
    expect(
      await stack.environment.db.item.count({ where: { tenantId: tenant.id, title: "Created once" } }),
    ).toBe(1);

    const batch = { actions: [{ ...input, parameters: { title: "Batch" }, idempotencyKey: "import-43" }] };
    const proposed = await agent.action.proposeBatch.mutate(batch);
    const again = await agent.action.proposeBatch.mutate(batch);
    expect(again).toMatchObject({
      batchId: proposed.batchId,
      duplicate: true,
      actions: [{ id: proposed.actions[0]?.id }],
    });
  });
});

describe("an action sent back to pending over the API", () => {
  it("waits its policy's full time again from its return, and runs once approved again", async () => {
    const tenant = await createTestTenant(stack.environment.db);
    await stack.api
      .client(tenant.keys.admin)
      .policy.set.mutate({
        actionType: "update",
        targetType: "project",
        expiresAfterSeconds: 3600,
        expiryFallback: "reject",
      });
    const project = await createTestItem(stack.environment.db, tenant.id, {
      kind: "project",
      title: "Stale",
      data: { status: "active" },
    });
    const agent = stack.api.client(tenant.keys.agent);
    const approver = stack.api.client(tenant.keys.approver);
    const update = async (status: string) =>
      (
        await agent.action.propose.mutate({
          actionType: "update",
          targetType: "project",
          targetId: project.id,
          parameters: { data: { status } },
        })
      ).action;
    const older = await update("planned");
    // Proposed nearly an hour ago: its deadline is seconds away when it returns.
    await stack.environment.db.agentAction.update({
      where: { id: older.id },
      data: { expiresAt: new Date(Date.now() + 5_000) },
    });
    const newer = await update("done");
    await approver.action.approve.mutate({ actionId: newer.id });
    await settled(tenant, newer.id, "executed");
    await approver.action.approve.mutate({ actionId: older.id });

    const returned = await waitFor(
      async () => {
        const action = await agent.action.get.query({ actionId: older.id });
        return action.status === "pending" &&
          action.timeline.some((event) => event.type === "returned_to_pending")
          ? action
          : undefined;
      },
      { what: "the stale action back in pending" },
    );
    const returnedAt =
      returned.timeline.find((event) => event.type === "returned_to_pending")?.createdAt ?? "";
    // Counted from the return (the event's time is the database's, a moment after the worker's clock).
    expect(
      Math.abs(Date.parse(returned.expiresAt ?? "") - (Date.parse(returnedAt) + 3_600_000)),
    ).toBeLessThan(5_000);

    await approver.action.approve.mutate({ actionId: older.id });
    await settled(tenant, older.id, "executed");
  });
});
