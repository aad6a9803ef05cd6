import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  approveAndTrust,
  CoreError,
  getAction,
  listAutoApprovalGrants,
  proposeAction,
  revokeAutoApprovalGrant,
  rollbackAction,
  type ProposeActionInput,
} from "@leash/core";
import { waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startWorkerStack, type WorkerStack } from "./support.ts";

let stack: WorkerStack;
let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  stack = await startWorkerStack();
  ({ environment, tenant } = stack);
});

afterAll(() => stack.close());

const idea = (title: string): ProposeActionInput => ({
  actionType: "create",
  targetType: "idea",
  parameters: { title },
});
const propose = async (input: ProposeActionInput) =>
  (await proposeAction(environment.deps, { actor: tenant.agent, input })).action;
const waitForStatus = (actionId: number, status: string) =>
  waitFor(
    async () => {
      const action = await getAction(environment.deps, { actor: tenant.viewer, input: { actionId } });
      return action.status === status ? action : undefined;
    },
    { what: `#${actionId} to be ${status}` },
  );

describe("the trust ramp", () => {
  it("approve-and-trust approves, and later actions like it from the same agent are auto-approved naming the grant; a rollback suspends the grant", async () => {
    const first = await propose(idea("First"));
    const { action, grant } = await approveAndTrust(environment.deps, {
      actor: tenant.approver,
      input: { actionId: first.id, days: 7 },
    });
    expect(action.status).toBe("approved");
    expect(grant).toMatchObject({
      proposer: { kind: "api_key", id: tenant.agent.apiKeyId },
      actionType: "create",
      targetType: "idea",
      state: "active",
      sourceActionId: first.id,
    });
    const granted = await getAction(environment.deps, {
      actor: tenant.viewer,
      input: { actionId: first.id },
    });
    expect(granted.timeline.find((event) => event.type === "auto_approval_granted")?.details).toMatchObject({
      grantId: grant.id,
      days: 7,
    });

    const second = await propose(idea("Second"));
    expect(second.status).toBe("approved");
    expect(second.requiresApproval).toBe(false);
    const other = await propose({
      actionType: "create",
      targetType: "project",
      parameters: { title: "Not covered" },
    });
    expect(other.status).toBe("pending");

    const executed = await waitForStatus(second.id, "executed");
    const auto = executed.timeline.find((event) => event.type === "auto_approved");
    expect(auto?.details).toMatchObject({ grantId: grant.id });
    expect(
      (await environment.db.agentAction.findUniqueOrThrow({ where: { id: second.id } })).autoApprovalGrantId,
    ).toBe(grant.id);

    const rollback = await rollbackAction(environment.deps, {
      actor: tenant.approver,
      input: { actionId: second.id, confirm: true },
    });
    expect(rollback.suspendedAutoApprovals).toEqual([
      `The auto-approval of create on idea granted by ${tenant.approver.label} is suspended: #${second.id}, which it auto-approved, was rolled back by ${tenant.approver.label}.`,
    ]);
    const rolledBack = await getAction(environment.deps, {
      actor: tenant.viewer,
      input: { actionId: second.id },
    });
    expect(rolledBack.timeline.map((event) => event.type)).toContain("auto_approval_suspended");
    const [listed] = (await listAutoApprovalGrants(environment.deps, { actor: tenant.viewer })).filter(
      (row) => row.id === grant.id,
    );
    expect(listed?.state).toBe("suspended");

    const third = await propose(idea("Third"));
    expect(third.status).toBe("pending");
  });

  it("a policy's hourly budget caps auto-approvals; beyond it the action waits and its timeline says why", async () => {
    await environment.db.approvalPolicy.create({
      data: { tenantId: tenant.id, actionType: "create", targetType: "person", autoApproveBudgetPerHour: 2 },
    });
    const person = (title: string): ProposeActionInput => ({ actionType: "create", targetType: "person", parameters: { title } });
    const first = await propose(person("one"));
    await approveAndTrust(environment.deps, { actor: tenant.admin, input: { actionId: first.id, days: 1 } });

    const within = [await propose(person("two")), await propose(person("three"))];
    expect(within.map((action) => action.status)).toEqual(["approved", "approved"]);
    const beyond = await propose(person("four"));
    expect(beyond.status).toBe("pending");
    const detail = await getAction(environment.deps, {
      actor: tenant.viewer,
      input: { actionId: beyond.id },
    });
    expect(detail.timeline[0]?.details).toMatchObject({
      waitingBecause:
        "the auto-approval budget for create on person (2 per hour) is used up, so a person decides",
    });
  });

  it("approvers revoke a grant; viewers may list but not revoke; the grant's proposer may not trust itself", async () => {
    const first = await propose(idea("Revocable"));
    const { grant } = await approveAndTrust(environment.deps, {
      actor: tenant.approver,
      input: { actionId: first.id, days: 3 },
    });
    await expect(
      revokeAutoApprovalGrant(environment.deps, { actor: tenant.viewer, input: { grantId: grant.id } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const revoked = await revokeAutoApprovalGrant(environment.deps, {
      actor: tenant.admin,
      input: { grantId: grant.id },
    });
    expect(revoked).toMatchObject({
      state: "suspended",
      suspendedReason: `revoked by ${tenant.admin.label}`,
    });
    expect((await propose(idea("After revoke"))).status).toBe("pending");

    const own = await proposeAction(environment.deps, { actor: tenant.approver, input: idea("Mine") });
    const refused = await approveAndTrust(environment.deps, {
      actor: tenant.approver,
      input: { actionId: own.action.id, days: 3 },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CoreError);
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
  });
});
