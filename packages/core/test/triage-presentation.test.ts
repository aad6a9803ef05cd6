import { describe, expect, it } from "vitest";

import type { AgentAction } from "@leash/db";

import type { ActionView } from "../src/actions/action-view.ts";
import { decisionRefusalFor } from "../src/decisions/decision-refusal-for.ts";
import { presentAction } from "../src/presentation/action-presentation.ts";
import type { ItemFacts } from "../src/presentation/present-values.ts";
import type { Actor } from "../src/actor.ts";

const base: ActionView = {
  id: 9, actionType: "link", targetType: "person", targetId: 7, parameters: {}, reason: null, status: "pending",
  requiresApproval: true, proposedBy: { kind: "api_key", id: "k", label: "agent" }, approvedBy: null, decidedBy: null,
  approvedAt: null, rejectedAt: null, rejectionReason: null, cancelledAt: null, attempts: 0, maxAttempts: 3, executedAt: null,
  result: null, errorMessage: null, rollbackData: null, rolledBackAt: null, rollbackActionId: null, rollbackOfId: null,
  dependsOnId: 8, templateId: 1, templateStep: 1,
  batchId: "b", idempotencyKey: null, approvals: { count: 0, required: 1, approvers: [] }, policyId: null, originalParameters: null, expiresAt: null, escalatedTo: null, createdAt: "2026-11-25T10:00:00.000Z", updatedAt: "2026-11-25T10:00:00.000Z",
};
const person: ItemFacts = { id: 7, kind: "person", title: "Wile E. Coyote", data: {}, deleted: false };
const items = new Map([[7, person]]);

describe("presenting template steps and undo actions", () => {
  it("names a step's placeholder by what the earlier step makes, never raw", () => {
    const step = { ...base, parameters: { toType: "project", toId: "{{steps.0.result.itemId}}", relation: "works_on" } };
    const withRun = presentAction(step, items, { runSteps: [{ step: 0, actionType: "create", targetType: "project" }] });
    expect(withRun.headline).toBe('link person "Wile E. Coyote" to the project created by step 1');
    expect(withRun.details).toEqual(["Wile E. Coyote (person) -- works on -> the project created by step 1"]);
    const alone = presentAction(step, items);
    expect(alone.headline).toBe('link person "Wile E. Coyote" to the project from step 1');
    expect(JSON.stringify(alone)).not.toContain("{{");
  });

  it("reads an undo as what it undoes, with its changes the other way round and no rollback of its own", () => {
    const undo = presentAction({ ...base, id: 12, actionType: "create", rollbackOfId: 8, status: "approved", parameters: { title: "Wile E. Coyote", data: { role: "genius" } } }, items);
    expect(undo.headline).toBe('undo of #8: remove person "Wile E. Coyote"');
    expect(undo.changes).toContainEqual({ field: "title", before: "Wile E. Coyote", after: null });
    expect(undo.reversible.reversible).toBe(false);
    const original = presentAction({ ...base, actionType: "create", rollbackOfId: null, parameters: { title: "Wile E. Coyote", data: {} } }, items);
    expect(original.headline).toBe('create person "Wile E. Coyote"');
  });
});

describe("decisionRefusalFor", () => {
  const row = { id: 5, tenantId: "t", status: "pending", userId: "u1", apiKeyId: null, requiredApprovals: 2, proposerLabel: "Ada" } as unknown as AgentAction;
  const duties = { separationOfDuties: true, proposerKeyOwnerId: null };
  const approver = (userId: string, role: "approver" | "viewer" = "approver"): Actor => ({ kind: "user", tenantId: "t", userId, role, label: userId });

  it("says why each reader may not approve, and nothing for one who may", () => {
    expect(decisionRefusalFor(approver("u2"), { action: row, approverKeys: [], duties })).toBeNull();
    expect(decisionRefusalFor(approver("u1"), { action: row, approverKeys: [], duties })).toMatchObject({ kind: "proposed_by_you", message: expect.stringContaining("separation of duties") as unknown });
    expect(decisionRefusalFor(approver("u2"), { action: row, approverKeys: ["user:u2"], duties })).toMatchObject({ kind: "already_approved", message: "You approved #5; it waits for 1 more approval from others" });
    expect(decisionRefusalFor(approver("u3", "viewer"), { action: row, approverKeys: [], duties })?.kind).toBe("role");
    expect(decisionRefusalFor(approver("u1"), { action: row, approverKeys: [], duties: { ...duties, separationOfDuties: false } })).toBeNull();
  });
});
