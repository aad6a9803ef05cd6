import { Counter, Gauge, type Registry } from "prom-client";

/** What the worker's gauges read at each scrape; each may fail (Redis or Postgres away), which leaves its gauge empty for that scrape. */
export interface WorkerSamplers {
  /** Jobs of the execution queue per state (waiting, active, delayed, failed...). */
  jobCounts(): Promise<Record<string, number>>;
  /** Age of the oldest job waiting to be picked up, or null when none waits. */
  oldestWaitingJobSeconds(): Promise<number | null>;
  /** How long the oldest approved action that could run has been waiting (see oldestApprovedAge). */
  oldestApprovedSeconds(): Promise<number | null>;
  /** How far the audit sealer is behind (see measureSealingLag). */
  sealingLagSeconds(): Promise<number | null>;
}

export interface WorkerMetrics {
  /** Jobs the reconciler put back into Redis after Redis lost them. */
  requeued(kind: "action" | "reminder", count: number): void;
}

/** A gauge whose value is read at each scrape; a failed read leaves it without a value instead of failing the scrape. */
function sampledGauge(registry: Registry, name: string, help: string, read: () => Promise<number | null>) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.reset();
      const value = await read().catch(() => null);
      if (value !== null) this.set(value);
    },
  });
}

export function createWorkerMetrics(registry: Registry, samplers: WorkerSamplers): WorkerMetrics {
  new Gauge({
    name: "leash_queue_jobs",
    help: "Jobs of the execution queue per state, read from Redis at each scrape.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await samplers.jobCounts().catch(() => null);
      for (const [state, count] of Object.entries(counts ?? {})) this.set({ state }, count);
    },
  });
  sampledGauge(registry, "leash_queue_oldest_waiting_job_seconds", "Age of the oldest job waiting in the execution queue (0 when none waits).", async () => (await samplers.oldestWaitingJobSeconds()) ?? 0);
  sampledGauge(
    registry,
    "leash_actions_oldest_approved_seconds",
    "How long the oldest approved action has waited to run, from Postgres (0 when none waits); actions their agent performs and steps waiting for an earlier step are left out.",
    async () => (await samplers.oldestApprovedSeconds()) ?? 0,
  );
  sampledGauge(registry, "leash_audit_sealing_lag_seconds", "Age of the oldest audit event not yet sealed into its tenant's hash chain (0 when all are).", async () => (await samplers.sealingLagSeconds()) ?? 0);
  const requeued = new Counter({
    name: "leash_reconciler_requeued_total",
    help: "Jobs the reconciler enqueued again because Redis had lost them, by kind.",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  return {
    requeued(kind, count) {
      if (count > 0) requeued.inc({ kind }, count);
    },
  };
}
