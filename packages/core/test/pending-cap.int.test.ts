import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CoreError, proposeAction, proposeBatch, rejectAction, type CoreDeps } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let deps: CoreDeps;

beforeAll(async () => {
  environment = await createTestEnvironment();
  deps = { ...environment.deps, maxPendingActions: 3 };
});

afterAll(async () => {
  await environment.close();
});

const notify = (message: string) => ({ actionType: "notify" as const, parameters: { channel: "email" as const, recipient: "x@example.com", message } });
const actionCount = (tenant: TestTenant) => environment.db.agentAction.count({ where: { tenantId: tenant.id } });
const eventCount = (tenant: TestTenant) => environment.db.actionEvent.count({ where: { tenantId: tenant.id } });

describe("the cap on pending actions per tenant", () => {
  it("refuses a proposal beyond the cap with the count, writes nothing, and accepts again once people decide", async () => {
    const tenant = await createTestTenant(environment.db);
    const first = await proposeAction(deps, { actor: tenant.agent, input: notify("one") });
    await proposeBatch(deps, { actor: tenant.agent, input: { actions: [notify("two"), notify("three")] } });
    const [actions, events] = [await actionCount(tenant), await eventCount(tenant)];

    const refusal = await proposeAction(deps, { actor: tenant.agent, input: notify("four") }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CoreError);
    expect(refusal).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: true, message: expect.stringMatching(/has 3 or more waiting .* at most 3; this proposal was not stored/) });
    expect([await actionCount(tenant), await eventCount(tenant)]).toEqual([actions, events]);

    await rejectAction(deps, { actor: tenant.approver, input: { actionId: first.action.id, reason: "no" } });
    await expect(proposeAction(deps, { actor: tenant.agent, input: notify("four") })).resolves.toMatchObject({ action: { status: "pending" } });
  });

  it("refuses a whole batch that would cross the cap, naming the pending count", async () => {
    const tenant = await createTestTenant(environment.db);
    await proposeAction(deps, { actor: tenant.agent, input: notify("one") });
    await expect(proposeBatch(deps, { actor: tenant.agent, input: { actions: [notify("two"), notify("three"), notify("four")] } })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringMatching(/has 1 waiting .* at most 3; these 3 proposals were not stored/),
    });
    expect(await actionCount(tenant)).toBe(1);
  });

  it("does not count or refuse proposals that a preference approves on the spot", async () => {
    const tenant = await createTestTenant(environment.db);
    await proposeBatch(deps, { actor: tenant.agent, input: { actions: [notify("a"), notify("b"), notify("c")] } });
    await expect(proposeAction(deps, { actor: tenant.agent, input: notify("d") })).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });

    await environment.db.approvalPreference.create({ data: { tenantId: tenant.id, actionType: "notify", autoApprove: true } });
    await expect(proposeAction(deps, { actor: tenant.agent, input: notify("d") })).resolves.toMatchObject({ action: { status: "approved" } });
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id, status: "pending" } })).toBe(3);
  });

  it("counts each tenant on its own", async () => {
    const [full, other] = [await createTestTenant(environment.db), await createTestTenant(environment.db)];
    await proposeBatch(deps, { actor: full.agent, input: { actions: [notify("a"), notify("b"), notify("c")] } });
    await expect(proposeAction(deps, { actor: full.agent, input: notify("d") })).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await expect(proposeAction(deps, { actor: other.agent, input: notify("a") })).resolves.toMatchObject({ duplicate: false });
  });
});
