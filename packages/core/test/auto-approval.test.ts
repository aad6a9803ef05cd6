import { describe, expect, it } from "vitest";

import type { ApprovalPreference } from "@leash/db";

import { resolveAutoApproval } from "../src/preferences/resolve-auto-approval.ts";
import { retryDelayMs } from "../src/queue/queue-definitions.ts";

const preference = (actionType: ApprovalPreference["actionType"], targetType: ApprovalPreference["targetType"], autoApprove: boolean): ApprovalPreference => ({
  id: `${actionType}-${targetType ?? "any"}`,
  tenantId: "t",
  actionType,
  targetType,
  autoApprove,
  updatedAt: new Date(0),
});

describe("resolveAutoApproval", () => {
  it("waits for a person when no preference matches", () => {
    expect(resolveAutoApproval([], { actionType: "update", targetType: "project" })).toEqual({ autoApprove: false, preference: null });
  });

  it("prefers the rule for the target type over the rule for any target", () => {
    const preferences = [preference("update", null, true), preference("update", "project", false)];
    expect(resolveAutoApproval(preferences, { actionType: "update", targetType: "project" })).toMatchObject({ autoApprove: false, preference: { id: "update-project" } });
    expect(resolveAutoApproval(preferences, { actionType: "update", targetType: "idea" })).toMatchObject({ autoApprove: true, preference: { id: "update-any" } });
    expect(resolveAutoApproval(preferences, { actionType: "delete", targetType: "idea" }).autoApprove).toBe(false);
    expect(resolveAutoApproval([preference("notify", null, true)], { actionType: "notify", targetType: null }).autoApprove).toBe(true);
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base delay and stops at the cap", () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, policy))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
