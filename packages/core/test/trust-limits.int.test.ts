import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAction,
  approveAndTrust,
  getAction,
  proposeAction,
  type ProposeActionInput,
} from "../src/index.ts";
import {
  createTestEnvironment,
  createTestItem,
  createTestTenant,
  type TestEnvironment,
  type TestTenant,
} from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

const idea = (title: string): ProposeActionInput => ({
  actionType: "create",
  targetType: "idea",
  parameters: { title },
});
const propose = async (tenant: TestTenant, input: ProposeActionInput) =>
  (await proposeAction(environment.deps, { actor: tenant.agent, input })).action;
const trust = (tenant: TestTenant, actionId: number, actor: TestTenant["approver"] = tenant.approver) =>
  approveAndTrust(environment.deps, { actor, input: { actionId, days: 7 } }).catch((error: unknown) => error);

/** What a refused approve-and-trust must leave as it was: the action, its approvals and timeline, and the tenant's grants. */
async function stateOf(tenant: TestTenant, actionId: number) {
  const { db } = environment;
  return {
    action: await db.agentAction.findUniqueOrThrow({
      where: { id: actionId },
      select: { status: true, updatedAt: true },
    }),
    approvals: await db.actionApproval.count({ where: { actionId } }),
    events: await db.actionEvent.count({ where: { actionId } }),
    grants: await db.autoApprovalGrant.count({ where: { tenantId: tenant.id } }),
  };
}

describe("approve-and-trust refuses, changing nothing, what a grant could not honour", () => {
  it("an approval that leaves the quorum short (1 of 2) grants nothing and is not recorded either", async () => {
    const tenant = await createTestTenant(environment.db);
    const policy = await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", requiredApprovals: 2 },
    });
    const first = await propose(tenant, idea("Quorum of two"));
    // The scope's policy now asks for one approver, but the action keeps the quorum it was proposed under.
    await environment.db.approvalPolicy.update({ where: { id: policy.id }, data: { requiredApprovals: 1 } });
    const before = await stateOf(tenant, first.id);

    const refused = await trust(tenant, first.id);
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: `#${first.id} needs 2 approvals and has 0: only the approval that completes it may grant auto-approval; approve it without trust`,
    });
    expect(await stateOf(tenant, first.id)).toEqual(before);

    // The approval that completes the quorum may.
    await approveAction(environment.deps, { actor: tenant.admin, input: { actionId: first.id } });
    const { action, grant } = (await trust(tenant, first.id)) as Awaited<ReturnType<typeof approveAndTrust>>;
    expect(action.status).toBe("approved");
    expect(grant).toMatchObject({
      actionType: "create",
      targetType: "idea",
      sourceActionId: first.id,
      state: "active",
    });
  });

  it("a scope whose policy needs more than one approver is never trusted, even by the approval that completes a quorum", async () => {
    const tenant = await createTestTenant(environment.db);
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "idea", requiredApprovals: 2 },
    });
    const action = await propose(tenant, idea("Two approvers"));
    await approveAction(environment.deps, { actor: tenant.admin, input: { actionId: action.id } });
    const before = await stateOf(tenant, action.id);

    expect(await trust(tenant, action.id)).toMatchObject({
      code: "INVALID",
      message: `Cannot auto-approve create on idea: its policy requires 2 approvals; approve #${action.id} without trust`,
    });
    expect(await stateOf(tenant, action.id)).toEqual(before);
  });

  it("what cannot be undone is never trusted: a permanent delete, a notification", async () => {
    const tenant = await createTestTenant(environment.db);
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Doomed" });
    const permanent = await propose(tenant, {
      actionType: "delete",
      targetType: "idea",
      targetId: item.id,
      parameters: { permanent: true },
    });
    const notify = await propose(tenant, {
      actionType: "notify",
      parameters: { channel: "email", recipient: "ops@example.com", message: "hi" },
    });
    for (const [action, why] of [
      [permanent, "a permanent delete cannot be undone"],
      [notify, "a sent message cannot be recalled"],
    ] as const) {
      const before = await stateOf(tenant, action.id);
      expect(await trust(tenant, action.id)).toMatchObject({
        code: "INVALID",
        message: `Cannot auto-approve ${action.actionType} on ${action.targetType ?? "any target"}: #${action.id} cannot be undone (${why}); approve #${action.id} without trust`,
      });
      expect(await stateOf(tenant, action.id)).toEqual(before);
    }
  });

  it("a scope an approval preference keeps for people is not trusted", async () => {
    const tenant = await createTestTenant(environment.db);
    await environment.db.approvalPreference.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: null, autoApprove: false },
    });
    const action = await propose(tenant, idea("Kept for people"));
    const before = await stateOf(tenant, action.id);
    expect(await trust(tenant, action.id)).toMatchObject({
      code: "INVALID",
      message: `Cannot auto-approve create on idea: an approval preference says a person decides create on any target; approve #${action.id} without trust`,
    });
    expect(await stateOf(tenant, action.id)).toEqual(before);
  });
});

describe("at proposal time a grant never lets through", () => {
  /** A tenant whose agent is trusted with deletes of ideas, granted on a soft delete. */
  async function trustedWithDeletes() {
    const tenant = await createTestTenant(environment.db);
    const item = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Soft" });
    const soft = await propose(tenant, {
      actionType: "delete",
      targetType: "idea",
      targetId: item.id,
      parameters: {},
    });
    await approveAndTrust(environment.deps, {
      actor: tenant.approver,
      input: { actionId: soft.id, days: 7 },
    });
    const deletion = async (permanent: boolean) => {
      const target = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Next" });
      return propose(tenant, {
        actionType: "delete",
        targetType: "idea",
        targetId: target.id,
        parameters: { permanent },
      });
    };
    return { tenant, deletion };
  }

  const waitingBecause = async (tenant: TestTenant, actionId: number) =>
    (await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } })).timeline[0]?.details;

  it("what cannot be undone", async () => {
    const { tenant, deletion } = await trustedWithDeletes();
    expect((await deletion(false)).status).toBe("approved");
    const permanent = await deletion(true);
    expect(permanent.status).toBe("pending");
    expect(await waitingBecause(tenant, permanent.id)).toMatchObject({
      waitingBecause: `it cannot be undone (a permanent delete cannot be undone), so a person decides despite the auto-approval granted by ${tenant.approver.label}`,
    });
  });

  it("an action whose scope now needs more than one approver", async () => {
    const { tenant, deletion } = await trustedWithDeletes();
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "delete", targetType: null, requiredApprovals: 2 },
    });
    const soft = await deletion(false);
    expect(soft).toMatchObject({ status: "pending", approvals: { required: 2 } });
    expect(await waitingBecause(tenant, soft.id)).toMatchObject({
      waitingBecause: `its policy requires 2 approvals, so a person decides despite the auto-approval granted by ${tenant.approver.label}`,
    });
  });

  it("an action an explicit autoApprove: false preference covers", async () => {
    const { tenant, deletion } = await trustedWithDeletes();
    await environment.db.approvalPreference.create({
      data: { tenantId: tenant.id, actionType: "delete", targetType: "idea", autoApprove: false },
    });
    const soft = await deletion(false);
    expect(soft.status).toBe("pending");
    expect(await waitingBecause(tenant, soft.id)).toMatchObject({
      waitingBecause: `an approval preference says a person decides delete on idea, so a person decides despite the auto-approval granted by ${tenant.approver.label}`,
    });
  });
});
