import { durationPercentile, emptyDurations, meanDuration, mergeDurations, type DurationStats } from "./duration-histogram.ts";
import type { MetricSet } from "./metric-inputs.ts";

/**
 * What the metrics are computed from, for any set of actions: counts that add up, and durations as
 * histograms that add up too. Undo actions (rollbacks) are not among the actions counted; they
 * count as the rollbacks of the actions they undid.
 */
export type ActionFacts = {
  proposed: number;
  executed: number;
  failed: number;
  /** Has an approval time: approved by people, automatically or on expiry (whatever happened next). */
  approved: number;
  /** Approved on proposal, with no person asked. */
  autoApproved: number;
  rejected: number;
  /** Decided by the policy's fallback when its time ran out (approved or rejected). */
  expired: number;
  rolledBack: number;
  /** Approval to executed, for executed actions. */
  execution: DurationStats;
  /** Proposal to a person's approval or rejection. */
  decision: DurationStats;
};

export function emptyFacts(): ActionFacts {
  return { proposed: 0, executed: 0, failed: 0, approved: 0, autoApproved: 0, rejected: 0, expired: 0, rolledBack: 0, execution: emptyDurations(), decision: emptyDurations() };
}

const counts = ["proposed", "executed", "failed", "approved", "autoApproved", "rejected", "expired", "rolledBack"] as const;

export function mergeFacts(into: ActionFacts, from: ActionFacts): ActionFacts {
  for (const key of counts) into[key] += from[key];
  mergeDurations(into.execution, from.execution);
  mergeDurations(into.decision, from.decision);
  return into;
}

export function sumFacts(all: Iterable<ActionFacts>): ActionFacts {
  const total = emptyFacts();
  for (const facts of all) mergeFacts(total, facts);
  return total;
}

/** part / whole, or null when there is no whole to speak of (never NaN). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const durationFigures = (stats: DurationStats) => ({
  count: stats.count,
  mean: meanDuration(stats),
  p50: durationPercentile(stats, 0.5),
  p95: durationPercentile(stats, 0.95),
});

export function describeFacts(facts: ActionFacts): MetricSet {
  const decided = facts.approved + facts.rejected;
  return {
    proposed: facts.proposed,
    executed: facts.executed,
    failed: facts.failed,
    decided,
    approved: facts.approved,
    rejected: facts.rejected,
    autoApproved: facts.autoApproved,
    expired: facts.expired,
    rolledBack: facts.rolledBack,
    successRate: ratio(facts.executed, facts.executed + facts.failed),
    approvalRate: ratio(facts.approved, decided),
    rollbackRate: ratio(facts.rolledBack, facts.executed),
    autoApprovedShare: ratio(facts.autoApproved, decided),
    expiredShare: ratio(facts.expired, decided),
    executionMs: durationFigures(facts.execution),
    decisionMs: durationFigures(facts.decision),
  };
}
