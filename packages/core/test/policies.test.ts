import { describe, expect, it } from "vitest";

import type { ApprovalPolicy } from "@leash/db";

import { approverIdentity } from "../src/decisions/approver-identity.ts";
import { isReversibleType } from "../src/action-types/reversible-types.ts";
import { actionTypeNames } from "../src/action-types/action-type-registry.ts";
import { setPolicyInputSchema } from "../src/policies/policy-inputs.ts";
import { describePolicy } from "../src/policies/policy-view.ts";
import { resolvePolicy } from "../src/policies/resolve-policy.ts";

const policy = (overrides: Partial<ApprovalPolicy>): ApprovalPolicy => ({
  id: "p",
  tenantId: "t",
  actionType: "update",
  targetType: null,
  requiredApprovals: 1,
  separationOfDuties: true,
  expiresAfterSeconds: null,
  remindAfterSeconds: null,
  escalateAfterSeconds: null,
  escalateToUserId: null,
  expiryFallback: "reject",
  autoApproveBudgetPerHour: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

const issues = (input: unknown) => setPolicyInputSchema.safeParse(input).error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? [];

describe("approval policies", () => {
  it("resolve like preferences: the target type's policy wins over the one for any target, none means the defaults", () => {
    const policies = [policy({ id: "any", requiredApprovals: 2 }), policy({ id: "project", targetType: "project", requiredApprovals: 3 })];
    expect(resolvePolicy(policies, { actionType: "update", targetType: "project" })?.id).toBe("project");
    expect(resolvePolicy(policies, { actionType: "update", targetType: "idea" })?.id).toBe("any");
    expect(resolvePolicy(policies, { actionType: "delete", targetType: "idea" })).toBeNull();
  });

  it("refuse what cannot work: reminders and escalations after expiry, escalation without a backup, auto-approval of what cannot be undone", () => {
    expect(issues({ actionType: "update", requiredApprovals: 11 })).toEqual([["requiredApprovals", expect.stringContaining("<=10")]]);
    expect(issues({ actionType: "update", expiresAfterSeconds: 60, remindAfterSeconds: 60, escalateAfterSeconds: 90, escalateToUserId: "00000000-0000-4000-8000-000000000000" })).toEqual([
      ["remindAfterSeconds", "must come before the action expires (less than expiresAfterSeconds)"],
      ["escalateAfterSeconds", "must come before the action expires (less than expiresAfterSeconds)"],
    ]);
    expect(issues({ actionType: "update", escalateAfterSeconds: 30 })).toEqual([["escalateToUserId", "name the backup approver to escalate to"]]);
    expect(issues({ actionType: "update", expiryFallback: "auto_approve" })).toEqual([["expiryFallback", "auto-approval at expiry needs an expiry time"]]);
    expect(issues({ actionType: "notify", expiresAfterSeconds: 60, expiryFallback: "auto_approve" })).toEqual([
      ["expiryFallback", "notify cannot be rolled back, so it may not be auto-approved at expiry"],
    ]);
    expect(issues({ actionType: "schedule", expiresAfterSeconds: 60, expiryFallback: "auto_approve" })).toEqual([]);
    expect(actionTypeNames().filter(isReversibleType)).toEqual(["create", "update", "delete", "link", "schedule", "http"]);
  });

  it("read as one sentence", () => {
    expect(describePolicy(policy({ targetType: "project", requiredApprovals: 2, expiresAfterSeconds: 7200, remindAfterSeconds: 3600, escalateAfterSeconds: 5400 }), "Sam")).toBe(
      "update on project needs 2 distinct approvers; the proposer may not approve; reminder after 1 h; escalated to Sam after 90 min; rejected if undecided after 2 h",
    );
  });
});

describe("approver identity", () => {
  it("counts an API key with an owner as its owner, so one person never counts twice", () => {
    expect(approverIdentity({ kind: "user", tenantId: "t", userId: "u1", role: "approver", label: "Dana" }).key).toBe("user:u1");
    expect(approverIdentity({ kind: "api_key", tenantId: "t", apiKeyId: "k1", role: "approver", label: "key", ownerId: "u1" }).key).toBe("user:u1");
    expect(approverIdentity({ kind: "api_key", tenantId: "t", apiKeyId: "k1", role: "approver", label: "key", ownerId: null }).key).toBe("api_key:k1");
  });
});
