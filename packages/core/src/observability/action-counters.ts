import { Counter, Histogram, type Registry } from "prom-client";

/**
 * What core counts about actions as it works, for the metrics of the process it runs in. An app that
 * serves /metrics passes one in CoreDeps (`counters`); without one, nothing is counted. Counters
 * only: adding one is a few additions in memory, never a query.
 */
export interface ActionCounters {
  proposed(actions: readonly { actionType: string; requiresApproval: boolean }[]): void;
  /** `seconds`: the attempt that executed it, from its claim to its commit. */
  executed(actionType: string, seconds: number): void;
  failed(actionType: string): void;
  retried(actionType: string): void;
}

export function createActionCounters(registry: Registry): ActionCounters {
  const proposed = new Counter({
    name: "leash_actions_proposed_total",
    help: "Actions proposed in this process, by type and whether they waited for a person (approval=person) or were approved on proposal (approval=auto).",
    labelNames: ["action_type", "approval"] as const,
    registers: [registry],
  });
  const executed = new Counter({ name: "leash_actions_executed_total", help: "Actions executed by this worker, by type.", labelNames: ["action_type"] as const, registers: [registry] });
  const failed = new Counter({ name: "leash_actions_failed_total", help: "Actions that failed for good in this worker (no retry left, or an error no retry can fix), by type.", labelNames: ["action_type"] as const, registers: [registry] });
  const retried = new Counter({ name: "leash_action_retries_total", help: "Failed attempts that will be retried, by type.", labelNames: ["action_type"] as const, registers: [registry] });
  const duration = new Histogram({
    name: "leash_action_execution_seconds",
    help: "The attempt that executed an action, from the worker's claim to its commit, by type.",
    labelNames: ["action_type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    proposed(actions) {
      for (const action of actions) proposed.inc({ action_type: action.actionType, approval: action.requiresApproval ? "person" : "auto" });
    },
    executed(actionType, seconds) {
      executed.inc({ action_type: actionType });
      duration.observe({ action_type: actionType }, seconds);
    },
    failed(actionType) {
      failed.inc({ action_type: actionType });
    },
    retried(actionType) {
      retried.inc({ action_type: actionType });
    },
  };
}
