import { describe, expect, it } from "vitest";

import { CoreError, type ActionEventView, type ActionView, type RollbackPreview, type SlackCard } from "@leash/core";

import { actionStateLines } from "../src/blocks/action-state.ts";
import { approvalCard } from "../src/blocks/approval-card.ts";
import { escapeText, localiseTimes } from "../src/blocks/format.ts";
import { refusalText } from "../src/blocks/refusal.ts";
import { rollbackPreviewMessage } from "../src/blocks/rollback-preview.ts";
import { ids } from "../src/ids.ts";

type Detailed = ActionView & { timeline: ActionEventView[] };

const AT = "2026-11-25T10:42:00.000Z";

function action(overrides: Partial<Detailed> = {}): Detailed {
  return {
    id: 4211,
    actionType: "update",
    targetType: "project",
    targetId: 128,
    parameters: { data: { dueDate: "2026-12-15", status: "at_risk" } },
    reason: "Deadline moved after the client call",
    status: "pending",
    requiresApproval: true,
    proposedBy: { kind: "api_key", id: "k", label: 'agent key "crm-sync"' },
    approvedBy: null,
    decidedBy: null,
    approvedAt: null,
    rejectedAt: null,
    rejectionReason: null,
    cancelledAt: null,
    attempts: 0,
    maxAttempts: 3,
    executedAt: null,
    result: null,
    errorMessage: null,
    rollbackData: null,
    rolledBackAt: null,
    rollbackActionId: null,
    rollbackOfId: null,
    dependsOnId: null,
    templateId: null,
    templateStep: null,
    batchId: null,
    idempotencyKey: null,
    approvals: { count: 0, required: 1, approvers: [] },
    policyId: null,
    originalParameters: null,
    expiresAt: null,
    escalatedTo: null,
    createdAt: AT,
    updatedAt: AT,
    timeline: [],
    ...overrides,
  };
}

function card(detail: Detailed, undoAction: Detailed | null = null): SlackCard {
  return {
    tenant: { id: "t", slug: "acme", name: "Acme" },
    teamId: "TACME",
    channelId: "CAPPROVALS",
    messageTs: null,
    action: detail,
    items: new Map([[128, { id: 128, kind: "project", title: "Website <relaunch>", data: { dueDate: "2026-12-01", status: "active" }, deleted: false }]]),
    undoAction,
    batch: null,
  };
}

const event = (type: ActionEventView["type"], label: string, details: ActionEventView["details"] = {}): ActionEventView => ({
  id: "1",
  actionId: 4211,
  type,
  actor: { kind: "system", id: null, label },
  details,
  createdAt: AT,
});

const slackDate = /<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-25 10:42 UTC>/;

describe("approvalCard", () => {
  it("shows a pending action with what, on what, the changes, who proposed it and why, and both buttons", () => {
    const message = approvalCard(card(action()), { webBaseUrl: "https://leash.example/", now: new Date(AT) });
    const text = JSON.stringify(message.blocks);
    expect(message.text).toBe('Approval needed: update project "Website &lt;relaunch&gt;"');
    expect(message.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: 'Approval needed: update project "Website <relaunch>"' } });
    expect(text).toContain("project #128 “Website &lt;relaunch&gt;”");
    expect(text).toContain("due date: 2026-12-01  →  2026-12-15");
    expect(text).toContain("Deadline moved after the client call");
    expect(text).toContain("yes (rollback restores the previous fields)");
    expect(text).toContain("Action #4211 · tenant Acme");
    const actions = message.blocks.find((block) => block.type === "actions");
    expect(actions).toMatchObject({
      elements: [
        { action_id: ids.actions.approve, style: "primary", value: "4211" },
        { action_id: ids.actions.editAndApprove, value: "4211" },
        { action_id: ids.actions.reject, style: "danger", value: "4211" },
        { action_id: ids.actions.approveAndTrust },
        { action_id: ids.actions.openInConsole, url: "https://leash.example/actions/4211" },
      ],
    });
  });

  it("asks Slack to confirm an approval that cannot be undone, saying why", () => {
    const permanent = approvalCard(card(action({ actionType: "delete", parameters: { permanent: true } })), { webBaseUrl: "https://leash.example", now: new Date(AT) });
    const buttons = permanent.blocks.find((block) => block.type === "actions");
    expect(buttons).toMatchObject({
      elements: expect.arrayContaining([
        expect.objectContaining({
          action_id: ids.actions.approve,
          confirm: {
            title: { type: "plain_text", text: "Approve #4211?" },
            text: { type: "plain_text", text: "This cannot be undone: a permanent delete cannot be undone." },
            confirm: { type: "plain_text", text: "Approve for good" },
            deny: { type: "plain_text", text: "Go back" },
            style: "danger",
          },
        }),
      ]),
    });
    const reversible = approvalCard(card(action({ actionType: "delete", parameters: {} })), { webBaseUrl: "https://leash.example", now: new Date(AT) });
    const approve = reversible.blocks.flatMap((block) => (block.type === "actions" ? block.elements : [])).find((element) => element.action_id === ids.actions.approve);
    expect(approve).toBeDefined();
    expect(approve).not.toHaveProperty("confirm");
  });

  it("shows a quorum's progress and until when a reminder can be rolled back", () => {
    const waiting = action({ approvals: { count: 1, required: 2, approvers: [{ label: "Dana", approvedAt: AT }] } });
    const message = approvalCard(card(waiting), { webBaseUrl: "https://leash.example", now: new Date(AT) });
    expect(message.text).toContain("(1 of 2 approvals)");
    expect(JSON.stringify(message.blocks)).toContain("*1 of 2 approvals* · approved by Dana");
    const back = action({
      timeline: [{ id: "9", actionId: 4211, type: "returned_to_pending", actor: { kind: "system", id: null, label: "worker" }, details: { reason: "project #128 changed after the proposal (version 3 -> 4)" }, createdAt: AT }],
    });
    expect(JSON.stringify(approvalCard(card(back), { webBaseUrl: "https://leash.example", now: new Date(AT) }).blocks)).toContain(
      "Back for a new decision: project #128 changed after the proposal (version 3 -&gt; 4); earlier approvals were cleared.",
    );
    const reminder = action({ actionType: "schedule", targetType: null, targetId: null, parameters: { dueAt: "2026-12-01T09:00:00.000Z", message: "Call" } });
    expect(JSON.stringify(approvalCard(card(reminder), { webBaseUrl: "https://leash.example", now: new Date(AT) }).blocks)).toContain("yes, until <!date^");
  });

  it("while it waits under a time limit, says how long is left and who it was escalated to", () => {
    const waiting = action({ expiresAt: "2026-11-25T12:02:00.000Z", escalatedTo: "Sam <backup>" });
    const text = JSON.stringify(approvalCard(card(waiting), { webBaseUrl: "https://leash.example", now: new Date(AT) }).blocks);
    expect(text).toContain("Expires in 1 h 20 min (<!date^");
    expect(text).toContain("Escalated to *Sam &lt;backup&gt;*");
    const decided = approvalCard(card({ ...waiting, status: "rejected", decidedBy: "Leash (expiry)", rejectedAt: AT, rejectionReason: "expired after 2 h" }), {
      webBaseUrl: "https://leash.example",
      now: new Date(AT),
    });
    expect(JSON.stringify(decided.blocks)).not.toContain("Expires in");
  });

  it("once decided, keeps no buttons and links the console in the text", () => {
    const message = approvalCard(card(action({ status: "rejected", decidedBy: "Dana", rejectedAt: AT, rejectionReason: "Not before the client confirms" })), {
      webBaseUrl: "https://leash.example",
      now: new Date(AT),
    });
    expect(message.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain("<https://leash.example/actions/4211|Open in console>");
  });
});

describe("actionStateLines", () => {
  const approved = { decidedBy: "Dana", approvedAt: AT };

  it.each([
    [action({ ...approved, status: "approved" }), /^Approved by Dana · <!date.*> · Executing…$/],
    [action({ ...approved, status: "approved", attempts: 1, errorMessage: "timeout" }), /· Retrying after attempt 1 of 3 failed: timeout$/],
    [action({ ...approved, status: "executed", executedAt: AT, timeline: [event("executed", "worker", { durationMs: 120 })] }), /· Executed <!date.*> \(120 ms\)$/],
    [action({ ...approved, status: "failed", attempts: 3, errorMessage: "project #128 changed" }), /· Failed after 3 attempts: project #128 changed$/],
    [action({ status: "rejected", decidedBy: "Dana", rejectedAt: AT, rejectionReason: "Not yet" }), /^Rejected by Dana · <!date.*> · “Not yet”$/],
    [action({ status: "cancelled", cancelledAt: AT, timeline: [event("cancelled", "research-agent")] }), /^Cancelled by research-agent · <!date.*>$/],
  ])("%#: says who decided, when, and what came of it", (detail, expected) => {
    const [line] = actionStateLines(detail, null);
    expect(line).toMatch(expected);
    expect(line).toMatch(slackDate);
  });

  it("adds who rolled the action back, with the undo action", () => {
    const undo = action({ id: 4230, status: "executed", proposedBy: { kind: "user", id: "u", label: "Sam" } });
    const lines = actionStateLines(action({ ...approved, status: "executed", executedAt: AT, rollbackActionId: 4230, rolledBackAt: AT }), undo);
    expect(lines[1]).toMatch(/^Rolled back by Sam · <!date.*> \(undo action #4230\)$/);
  });

  it("says a rollback failed or was cancelled, although the action no longer names that undo (it may be rolled back again)", () => {
    const executed = action({ ...approved, status: "executed", executedAt: AT });
    const by = { proposedBy: { kind: "user" as const, id: "u", label: "Sam" } };
    expect(actionStateLines(executed, action({ id: 4230, status: "failed", errorMessage: "project #128 has been deleted", ...by }))[1]).toBe(
      "Rollback by Sam failed: project #128 has been deleted (undo action #4230)",
    );
    expect(actionStateLines(executed, action({ id: 4231, status: "cancelled", ...by }))[1]).toBe("Rollback by Sam was cancelled (undo action #4231)");
  });
});

describe("refusalText", () => {
  const context = { tenantName: "Acme", attempt: "decide" as const };

  it("says who may decide, and how to become one", () => {
    expect(refusalText(new CoreError("FORBIDDEN", "Victor (viewer) may not approve or reject actions"), context)).toBe(
      "Only approvers of Acme can decide; ask an admin to link your Slack account",
    );
  });

  it("names who won a race, at a time Slack shows in the reader's zone", () => {
    expect(refusalText(new CoreError("CONFLICT", `#4211 was already approved by Dana at ${AT}`), context)).toMatch(
      /^#4211 was already approved by Dana at <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-25 10:42 UTC>$/,
    );
    expect(refusalText(new CoreError("CONFLICT", "#4211 was already approved by Dana at 2026-11-25 10:42 UTC"), context)).toBe(
      `#4211 was already approved by Dana at <!date^${Date.parse(AT) / 1000}^{date_short_pretty} {time}|2026-11-25 10:42 UTC>`,
    );
  });

  it("names the tenant of a missing action, and hides our own failures", () => {
    expect(refusalText(new CoreError("NOT_FOUND", "No action #99999"), context)).toBe("No action #99999 in Acme");
    expect(refusalText(new Error("connection reset"), context)).toMatch(/^Something went wrong on our side and nothing was changed/);
  });
});

describe("rollbackPreviewMessage", () => {
  const preview = (overrides: Partial<RollbackPreview>): RollbackPreview => ({
    actionId: 4211,
    cascade: false,
    canRollBack: true,
    refusal: null,
    laterActionIds: [],
    steps: [
      { actionId: 4211, actionType: "update", targetType: "project", targetId: 128, description: "restores the previous fields of project #128", changes: [{ field: "dueDate", current: "2026-12-15", restored: "2026-12-01" }] },
    ],
    ...overrides,
  });
  const executed = action({ status: "executed", decidedBy: "Dana", approvedAt: AT });
  const approver = { mayRollBack: true, tenantName: "Acme" };

  it("asks to confirm what will be restored", () => {
    const message = rollbackPreviewMessage(preview({}), executed, card(executed).items, approver);
    expect(message.text).toBe('Roll back #4211: update project "Website &lt;relaunch&gt;" (approved by Dana)?');
    expect(JSON.stringify(message.blocks)).toContain("dueDate: 2026-12-15  →  2026-12-01");
    expect(message.blocks.at(-1)).toMatchObject({
      elements: [
        { action_id: ids.actions.confirmRollback, style: "danger", value: JSON.stringify({ actionId: 4211, cascade: false }) },
        { action_id: ids.actions.cancelRollback },
      ],
    });
  });

  it("refuses in one sentence, and shows the cascade command when later changes are in the way", () => {
    const message = rollbackPreviewMessage(
      preview({ canRollBack: false, laterActionIds: [4219, 4220], refusal: { code: "CONFLICT", message: "#4211 was changed later by #4219 and #4220" } }),
      executed,
      card(executed).items,
      approver,
    );
    expect(message.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(message.text).toContain("#4211 was changed later by #4219 and #4220\nTo undo them too, newest first: `/rollback 4211 cascade`");
  });

  it("shows someone who may not roll back what it would restore and why they cannot, with nothing to click", () => {
    const message = rollbackPreviewMessage(preview({}), executed, card(executed).items, { mayRollBack: false, tenantName: "Acme <Ops>" });
    expect(message.text).toBe('Only approvers and admins of Acme &lt;Ops&gt; can roll back #4211: update project "Website &lt;relaunch&gt;" (approved by Dana)');
    expect(JSON.stringify(message.blocks)).toContain("dueDate: 2026-12-15  →  2026-12-01");
    expect(message.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(message.blocks.at(-1)).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Only approvers and admins of Acme &lt;Ops&gt; can roll back." }] });
  });
});

describe("format", () => {
  it("escapes Slack markup in text from people and agents", () => {
    expect(escapeText("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
  });

  it("localises every ISO time in a sentence", () => {
    expect(localiseTimes(`at ${AT} and ${AT}`).match(/<!date/g)).toHaveLength(2);
  });
});
