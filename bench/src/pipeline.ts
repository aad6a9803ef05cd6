import type { MeasuredProcess } from "./process-cpu.ts";

/** One implementation of "propose, approve, execute": Leash through its real apps, or the bare-library baseline. */
export interface Pipeline {
  name: "leash" | "raw";
  /** The processes doing the pipeline's work (not the load generator), whose CPU time is reported per action. */
  processes: MeasuredProcess[];
  /** Proposes one auto-approved action of the mixed workload; answers its id once the call returned. */
  propose(index: number): Promise<number>;
  /** Creates actions that wait for a person, for the approval scenarios. */
  proposePending(count: number): Promise<number[]>;
  approve(actionId: number): Promise<void>;
  /** Puts `count` approved actions into the queue at once; answers their ids and when enqueuing began. */
  burst(count: number): Promise<{ ids: number[]; enqueuedAt: number }>;
  /** Execution time (wall-clock ms) of each executed action among `ids`; missing ids have not executed. */
  executedAt(ids: readonly number[]): Promise<Map<number, number>>;
  /** How many of `ids` may still execute: waiting for a person, approved or running. */
  unfinished(ids: readonly number[]): Promise<number>;
  /** Actions approved or running but not finished yet, across the pipeline's tenants. */
  backlog(): Promise<number>;
}
