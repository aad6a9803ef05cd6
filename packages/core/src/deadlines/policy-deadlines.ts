import type { ApprovalPolicy } from "@leash/db";

export type DeadlinePolicy = Pick<
  ApprovalPolicy,
  "expiresAfterSeconds" | "remindAfterSeconds" | "escalateAfterSeconds" | "escalateToUserId"
>;

export interface PendingDeadlines {
  expiresAt: Date | null;
  remindAt: Date | null;
  escalateAt: Date | null;
}

const after = (start: Date, seconds: number | null) =>
  seconds === null ? null : new Date(start.getTime() + seconds * 1000);

/**
 * When an action proposed at `proposedAt` under `policy` is reminded about, escalated and expires.
 * A reminder or escalation due at or after the expiry is dropped (the action is decided by then),
 * and there is no escalation without a backup approver to escalate to.
 */
export function policyDeadlines(policy: DeadlinePolicy | null, proposedAt: Date): PendingDeadlines {
  if (!policy) return { expiresAt: null, remindAt: null, escalateAt: null };
  const expiresAt = after(proposedAt, policy.expiresAfterSeconds);
  const beforeExpiry = (at: Date | null) =>
    at !== null && (expiresAt === null || at < expiresAt) ? at : null;
  return {
    expiresAt,
    remindAt: beforeExpiry(after(proposedAt, policy.remindAfterSeconds)),
    escalateAt:
      policy.escalateToUserId === null ? null : beforeExpiry(after(proposedAt, policy.escalateAfterSeconds)),
  };
}
