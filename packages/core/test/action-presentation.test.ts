import { describe, expect, it, vi } from "vitest";

import type { ActionView } from "../src/actions/action-view.ts";
import { presentAction } from "../src/presentation/action-presentation.ts";
import { truncate, type ItemFacts } from "../src/presentation/present-values.ts";

const base: ActionView = {
  id: 1, actionType: "update", targetType: "project", targetId: 128, parameters: {}, reason: null, status: "pending",
  requiresApproval: true, proposedBy: { kind: "api_key", id: "k", label: "agent" }, approvedBy: null, decidedBy: null,
  approvedAt: null, rejectedAt: null, rejectionReason: null, cancelledAt: null, attempts: 0, maxAttempts: 3, executedAt: null,
  result: null, errorMessage: null, rollbackData: null, rolledBackAt: null, rollbackActionId: null, rollbackOfId: null,
  dependsOnId: null, templateId: null, templateStep: null,
  batchId: null, idempotencyKey: null, approvals: { count: 0, required: 1, approvers: [] }, policyId: null, originalParameters: null, expiresAt: null, escalatedTo: null, createdAt: "2026-11-25T10:00:00.000Z", updatedAt: "2026-11-25T10:00:00.000Z",
};
const project: ItemFacts = { id: 128, kind: "project", title: "Website relaunch", data: { dueDate: "2026-12-01", status: "active" }, deleted: false };
const person: ItemFacts = { id: 7, kind: "person", title: "Ada Lovelace", data: {}, deleted: false };
const items = new Map([[128, project], [7, person]]);

describe("presentAction", () => {
  it("shows an update as before -> after on the item by its title", () => {
    const view = presentAction({ ...base, parameters: { data: { dueDate: "2026-12-15", status: "at_risk" } } }, items);
    expect(view.headline).toBe('update project "Website relaunch"');
    expect(view.changes).toEqual([
      { field: "due date", before: "2026-12-01", after: "2026-12-15" },
      { field: "status", before: "active", after: "at_risk" },
    ]);
    expect(view.reversible).toEqual({ reversible: true, until: null, explanation: "rollback restores the previous fields" });
  });

  it("reads a link as a sentence and a notify as irreversible", () => {
    const link = presentAction({ ...base, actionType: "link", targetType: "person", targetId: 7, parameters: { toType: "project", toId: 128, relation: "works_on" } }, items);
    expect(link.details).toEqual(["Ada Lovelace (person) -- works on -> Website relaunch (project)"]);
    expect(link.changes).toEqual([{ field: "works on", before: null, after: "Website relaunch (project)" }]);
    const notify = presentAction({ ...base, actionType: "notify", targetType: null, targetId: null, parameters: { channel: "email", recipient: "dana@example.com", message: "Hi" } }, items);
    expect(notify.headline).toBe("notify dana@example.com by email");
    expect(notify.reversible.reversible).toBe(false);
    const reminder = presentAction({ ...base, actionType: "schedule", targetType: null, targetId: null, parameters: { dueAt: "2026-12-01T09:00:00.000Z", message: "Call" } }, items);
    expect(reminder.reversible).toMatchObject({ reversible: true, until: "2026-12-01T09:00:00.000Z" });
    // People read the due time without guessing a zone; the console and Slack show it in the reader's.
    expect(reminder.headline).toBe("schedule a reminder for 2026-12-01 09:00 UTC");
    expect(reminder.details[0]).toBe("When: 2026-12-01 09:00 UTC");
  });

  it("lists what a delete removes and names an unknown target by id", () => {
    const removal = presentAction({ ...base, actionType: "delete", parameters: { permanent: true } }, items);
    expect(removal.headline).toBe('permanently delete project "Website relaunch"');
    expect(removal.changes[0]).toEqual({ field: "title", before: "Website relaunch", after: null });
    expect(removal.reversible.reversible).toBe(false);
    expect(presentAction({ ...base, targetId: 999, parameters: { title: "x" } }, items).headline).toBe("update project #999");
  });

  it("cuts long values with an ellipsis", () => {
    expect(truncate("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
    expect(truncate("short")).toBe("short");
  });

  it("counts graphemes, not code units, and cuts only past the limit", () => {
    const family = "👨‍👩‍👧";
    expect(truncate(family.repeat(10), 10)).toBe(family.repeat(10));
    expect(truncate(family.repeat(11), 10)).toBe(`${family.repeat(9)}…`);
    expect(truncate("x".repeat(10), 10)).toBe("x".repeat(10));
    expect(truncate("x".repeat(11), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("leaves a value within the limit as it is without segmenting it, and segments with one segmenter", () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, "segment");
    const construct = vi.spyOn(Intl, "Segmenter");
    try {
      for (let call = 0; call < 100; call += 1) truncate(`a title of a project #${call}`);
      expect(segment).not.toHaveBeenCalled();
      truncate("y".repeat(500), 20);
      truncate("z".repeat(500), 20);
      expect(segment).toHaveBeenCalledTimes(2);
      expect(construct).not.toHaveBeenCalled();
    } finally {
      segment.mockRestore();
      construct.mockRestore();
    }
  });
});
