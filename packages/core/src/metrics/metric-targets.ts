import type { Headline, HeadlineMetric, MetricSet } from "./metric-inputs.ts";

interface Target {
  metric: HeadlineMetric;
  label: string;
  target: number;
  direction: "above" | "below";
  read: (set: MetricSet) => number | null;
}

/** The seed's success metrics: success rate above 95%, average execution under 5 s, approval rate above 80%, rollbacks under 5%. */
export const seedTargets: readonly Target[] = [
  { metric: "successRate", label: "Success rate", target: 0.95, direction: "above", read: (set) => set.successRate },
  { metric: "executionMeanMs", label: "Average execution time", target: 5_000, direction: "below", read: (set) => set.executionMs.mean },
  { metric: "approvalRate", label: "Approval rate", target: 0.8, direction: "above", read: (set) => set.approvalRate },
  { metric: "rollbackRate", label: "Rollback rate", target: 0.05, direction: "below", read: (set) => set.rollbackRate },
];

export function targetStatus(value: number | null, target: { target: number; direction: "above" | "below" }): Headline["status"] {
  if (value === null) return "no_data";
  const met = target.direction === "above" ? value > target.target : value < target.target;
  return met ? "met" : "missed";
}

/** How a figure moved since the window before; null when either side has no data. */
export function change(value: number | null, previous: number | null): number | null {
  return value === null || previous === null ? null : value - previous;
}

export function headline(current: MetricSet, previous: MetricSet): Headline[] {
  return seedTargets.map((target) => {
    const value = target.read(current);
    const before = target.read(previous);
    return {
      metric: target.metric,
      label: target.label,
      value,
      previous: before,
      change: change(value, before),
      target: target.target,
      direction: target.direction,
      status: targetStatus(value, target),
    };
  });
}
