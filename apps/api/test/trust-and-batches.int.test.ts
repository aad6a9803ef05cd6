import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestTenant, waitFor, type TestTenant } from "@leash/core/testing";

import { startApiStack } from "./support.ts";

let stack: Awaited<ReturnType<typeof startApiStack>>;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  tenant = await createTestTenant(stack.environment.db, "trust");
});

afterAll(() => stack.close());

const idea = (title: string) => ({
  actionType: "create" as const,
  targetType: "idea" as const,
  parameters: { title },
});

describe("bulk decisions over the API", () => {
  it("batch.decide approves a batch except what is left out", async () => {
    const { batchId, actions } = await stack.api
      .client(tenant.keys.agent)
      .action.proposeBatch.mutate({ actions: [idea("Batch one"), idea("Batch two")] });
    const [kept, leftOut] = actions.map((action) => action.id) as [number, number];
    const result = await stack.api
      .client(tenant.keys.approver)
      .batch.decide.mutate({ batchId, decision: "approve", excludeActionIds: [leftOut] });
    expect(result.decided.map((action) => action.id)).toEqual([kept]);
    expect(result.leftOut).toEqual([leftOut]);
    const noReason = await stack.api.call("POST", "batch.decide", {
      apiKey: tenant.keys.approver,
      body: { batchId, decision: "reject" },
    });
    expect(noReason.body.error?.data.code).toBe("BAD_REQUEST");
  });
});

describe("trust ramp over the API", () => {
  it("approve-and-trust, auto-approval of the next one, a rollback that says it suspended the grant, the list and a revoke", async () => {
    const agent = stack.api.client(tenant.keys.agent);
    const approver = stack.api.client(tenant.keys.approver);
    const { action: first } = await agent.action.propose.mutate(idea("First"));

    const forbidden = await stack.api.call("POST", "trust.approveAndTrust", {
      apiKey: tenant.keys.agent,
      body: { actionId: first.id, days: 7 },
    });
    expect(forbidden.body.error?.data.code).toBe("FORBIDDEN");
    const tooLong = await stack.api.call("POST", "trust.approveAndTrust", {
      apiKey: tenant.keys.approver,
      body: { actionId: first.id, days: 91 },
    });
    expect(tooLong.body.error?.data.code).toBe("BAD_REQUEST");

    const { grant } = await approver.trust.approveAndTrust.mutate({ actionId: first.id, days: 7 });
    const { action: second } = await agent.action.propose.mutate(idea("Second"));
    expect(second.status).toBe("approved");
    await waitFor(async () => (await agent.action.get.query({ actionId: second.id })).status === "executed", {
      what: "the auto-approved action to execute",
    });

    const rollback = await approver.action.rollback.mutate({ actionId: second.id, confirm: true });
    expect(rollback.suspendedAutoApprovals).toHaveLength(1);
    expect(rollback.suspendedAutoApprovals[0]).toContain("is suspended");

    const listed = await stack.api.client(tenant.keys.viewer).trust.list.query();
    expect(listed.find((row) => row.id === grant.id)?.state).toBe("suspended");

    const { action: third } = await agent.action.propose.mutate(idea("Third"));
    const { grant: renewed } = await approver.trust.approveAndTrust.mutate({ actionId: third.id, days: 1 });
    const revoked = await approver.trust.revoke.mutate({ grantId: renewed.id });
    expect(revoked.state).toBe("suspended");
    const again = await stack.api.call("POST", "trust.revoke", {
      apiKey: tenant.keys.approver,
      body: { grantId: renewed.id },
    });
    expect(again.body.error?.data.code).toBe("CONFLICT");
  });
});
