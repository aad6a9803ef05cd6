import type { ExecutionWatch } from "./execution-watch.ts";
import type { MeasuredProcess } from "./process-cpu.ts";

/** One implementation of "propose, approve, execute": Leash through its real apps, or the bare-library baseline. */
export interface Pipeline {
  name: "leash" | "raw";
  /** The processes doing the pipeline's work (not the load generator), whose CPU time is reported per action. */
  processes: MeasuredProcess[];
  /** Sees when actions end; every action `propose`, `approve` and `burst` start is added to it as soon as their call returns. */
  executions: ExecutionWatch;
  /** Proposes one auto-approved action of the mixed workload; answers its id once the call returned. */
  propose(index: number): Promise<number>;
  /** Creates actions that wait for a person, for the approval scenarios; answers once a person would see them (Leash: their Slack cards are posted). */
  proposePending(count: number): Promise<number[]>;
  approve(actionId: number): Promise<void>;
  /** Puts `count` approved actions into the queue at once; answers their ids and when enqueuing began. */
  burst(count: number): Promise<{ ids: number[]; enqueuedAt: number }>;
  /** Actions approved or running but not finished yet, across the pipeline's tenants. */
  backlog(): Promise<number>;
  /** Before each measured run: what autovacuum would have done by now when the server runs without it, and a checkpoint (`createRunMaintenance`). */
  maintain(): Promise<void>;
}
