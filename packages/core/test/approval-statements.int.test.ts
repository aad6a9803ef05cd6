import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "../src/actor.ts";
import { approvalsInclude } from "../src/decisions/action-approvals.ts";
import { readActionToApprove, readPendingToDecide, writeApproval } from "../src/decisions/approval-statements.ts";
import { approveAction } from "../src/decisions/approve-action.ts";
import { approverIdentity } from "../src/decisions/approver-identity.ts";
import { findActionOrThrow } from "../src/actions/find-action.ts";
import { isCoreError } from "../src/errors.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let approvers: (Actor & { kind: "user" })[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "approval-statements");
  approvers = await Promise.all(
    Array.from({ length: 8 }, async (_, index) => {
      const user = await environment.db.user.create({
        data: { tenantId: tenant.id, email: `approver${index}@statements.test`, name: `Approver ${index}`, role: "approver", passwordHash: "unused" },
      });
      return { kind: "user" as const, tenantId: tenant.id, userId: user.id, role: "approver" as const, label: `Approver ${index}` };
    }),
  );
});

afterAll(async () => {
  await environment.close();
});

/** A pending notification proposed by the tenant's agent key, needing `requiredApprovals` people. */
async function pendingAction(requiredApprovals: number) {
  return environment.db.agentAction.create({
    data: {
      tenantId: tenant.id,
      apiKeyId: tenant.agent.apiKeyId,
      proposerLabel: tenant.agent.label,
      actionType: "notify",
      parameters: { channel: "in_app", recipient: tenant.inbox, message: "Quorum" },
      requiredApprovals,
    },
  });
}

async function stateOf(actionId: number) {
  const action = await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId }, include: approvalsInclude });
  const events = await environment.db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } });
  return { action, events };
}

describe("the approval's statements", () => {
  it("writes nothing when the action changed after it was read, and the approval then counts what changed it", async () => {
    const action = await pendingAction(2);
    const [first, second] = approvers;
    if (!first || !second) throw new Error("no approvers");
    const read = await readActionToApprove(environment.db, tenant.id, action.id);
    expect(read.approvals).toEqual([]);

    // Someone else approves between this approval's read and its write.
    const other = await approveAction(environment.deps, { actor: second, input: { actionId: action.id } });
    expect(other.approvals.count).toBe(1);
    const before = await stateOf(action.id);

    const stale = await writeApproval(environment.db, {
      action: read,
      actor: first,
      approver: approverIdentity(first),
      now: new Date(),
      approvedBy: first.label,
      event: { type: "approved", details: {} },
      ifVersion: read.version,
    });
    expect(stale).toBeNull();
    expect(await stateOf(action.id)).toEqual(before);

    const approved = await approveAction(environment.deps, { actor: first, input: { actionId: action.id } });
    expect(approved.status).toBe("approved");
    expect(approved.approvals).toMatchObject({ count: 2, required: 2, approvers: [{ label: second.label }, { label: first.label }] });
    const after = await stateOf(action.id);
    expect(after.action).toMatchObject({ status: "approved", decidedByLabel: `${second.label}, ${first.label}`, approvedBy: first.userId });
    expect(after.events.map((event) => [event.type, event.actorLabel, event.details])).toEqual([
      ["approval_added", second.label, { approvals: 1, required: 2 }],
      ["approved", first.label, { approvals: 2, required: 2 }],
    ]);
  });

  it("answers the action as it stored it, every column as the model API reads it", async () => {
    const action = await pendingAction(1);
    const [approver] = approvers;
    if (!approver) throw new Error("no approver");
    const read = await readActionToApprove(environment.db, tenant.id, action.id);
    const written = await writeApproval(environment.db, {
      action: read,
      actor: approver,
      approver: approverIdentity(approver),
      now: new Date("2026-12-05T07:00:00.123Z"),
      approvedBy: approver.label,
      event: { type: "approved", details: {} },
      ifVersion: read.version,
    });
    const stored = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(written?.action).toEqual(stored);
    expect(stored).toMatchObject({ status: "approved", approvedAt: new Date("2026-12-05T07:00:00.123Z"), updatedAt: new Date("2026-12-05T07:00:00.123Z") });
  });

  it("findActionOrThrow reads an action with its approvals as the model API's include does, and nothing of another tenant", async () => {
    const action = await pendingAction(3);
    const [first, second] = approvers;
    if (!first || !second) throw new Error("no approvers");
    for (const actor of [first, second]) await approveAction(environment.deps, { actor, input: { actionId: action.id } });
    const read = await findActionOrThrow(environment.db, tenant.id, action.id);
    const model = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id }, include: approvalsInclude });
    expect(read).toEqual(model);
    expect(read.approvals.map((approval) => approval.approverLabel)).toEqual([first.label, second.label]);
    const other = await createTestTenant(environment.db);
    await expect(findActionOrThrow(environment.db, other.id, action.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("concurrent approvals by eight people reach a quorum of three exactly once, and the rest are refused without a trace", async () => {
    const action = await pendingAction(3);
    const results = await Promise.allSettled(approvers.map((actor) => approveAction(environment.deps, { actor, input: { actionId: action.id } })));
    const answers = results.map((result) => (result.status === "fulfilled" ? result.value.status : isCoreError(result.reason) ? result.reason.code : "error"));
    expect(answers.filter((answer) => answer === "approved")).toHaveLength(1);
    expect(answers.filter((answer) => answer === "pending")).toHaveLength(2);
    expect(answers.filter((answer) => answer === "CONFLICT")).toHaveLength(5);

    const { action: stored, events } = await stateOf(action.id);
    expect(stored.status).toBe("approved");
    expect(stored.approvals).toHaveLength(3);
    // Each approval is stamped when its request came, so the label's order (the order they counted) may differ.
    expect(stored.decidedByLabel?.split(", ").sort()).toEqual(stored.approvals.map((approval) => approval.approverLabel).sort());
    expect(events.map((event) => event.type)).toEqual(["approval_added", "approval_added", "approved"]);
    expect(events.map((event) => event.details)).toEqual([
      { approvals: 1, required: 3 },
      { approvals: 2, required: 3 },
      { approvals: 3, required: 3 },
    ]);
  });

  it("the same person twice, at once, counts once", async () => {
    const action = await pendingAction(2);
    const [approver] = approvers;
    if (!approver) throw new Error("no approver");
    const results = await Promise.allSettled([0, 1, 2].map(() => approveAction(environment.deps, { actor: approver, input: { actionId: action.id } })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(String(result.reason)).toContain(`${approver.label} already approved #${action.id}`);
    }
    const { action: stored, events } = await stateOf(action.id);
    expect(stored).toMatchObject({ status: "pending", approvals: [{ approverLabel: approver.label }] });
    expect(events.map((event) => event.type)).toEqual(["approval_added"]);
  });

  it("a refusal (the proposer approving, an action of another tenant) changes nothing", async () => {
    const action = await pendingAction(1);
    const before = await stateOf(action.id);
    const proposer = { ...tenant.agent, role: "approver" as const };
    await expect(approveAction(environment.deps, { actor: proposer, input: { actionId: action.id } })).rejects.toThrow("separation of duties");
    const stranger = await createTestTenant(environment.db, "approval-stranger");
    await expect(approveAction(environment.deps, { actor: stranger.approver, input: { actionId: action.id } })).rejects.toThrow(`No action #${action.id}`);
    expect(await stateOf(action.id)).toEqual(before);
  });

  it("reads a tenant's pending actions as the read of one does, newest first, and only the tenant's", async () => {
    const own = await createTestTenant(environment.db, "approval-statements-many");
    const stranger = await createTestTenant(environment.db, "approval-statements-other");
    const propose = (on: typeof own, requiredApprovals: number) =>
      environment.db.agentAction.create({
        data: {
          tenantId: on.id,
          apiKeyId: on.agent.apiKeyId,
          proposerLabel: on.agent.label,
          actionType: "notify",
          parameters: { channel: "in_app", recipient: on.inbox, message: "Many" },
          requiredApprovals,
        },
      });
    const first = await propose(own, 2);
    const decided = await propose(own, 1);
    const last = await propose(own, 2);
    const elsewhere = await propose(stranger, 1);
    await approveAction(environment.deps, { actor: own.approver, input: { actionId: first.id } });
    await approveAction(environment.deps, { actor: own.approver, input: { actionId: decided.id } });

    const pending = await readPendingToDecide(environment.db, own.id, { limit: 10 });
    expect(pending.map((action) => action.id)).toEqual([last.id, first.id]);
    for (const action of pending) expect(action).toEqual(await readActionToApprove(environment.db, own.id, action.id));
    expect(pending[1]?.approvals.map((approval) => approval.approverLabel)).toEqual([own.approver.label]);

    expect((await readPendingToDecide(environment.db, own.id, { limit: 1 })).map((action) => action.id)).toEqual([last.id]);
    const asked = await readPendingToDecide(environment.db, own.id, { limit: 10, actionIds: [first.id, decided.id, elsewhere.id] });
    expect(asked.map((action) => action.id)).toEqual([first.id]);
  });
});
