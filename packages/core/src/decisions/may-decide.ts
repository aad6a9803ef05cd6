import type { AgentAction } from "@leash/db";

import type { Actor } from "../actor.ts";
import type { DutiesFacts } from "./check-separation-of-duties.ts";
import { decisionRefusalFor } from "./decision-refusal-for.ts";

/** What says whether someone may decide an action now: the action, who approved it so far, and the facts separation of duties needs. */
export interface DecisionFacts {
  action: AgentAction;
  /** The approvals so far, as `approverIdentity` keys (`user:<id>`, `api_key:<id>`). */
  approverKeys: readonly string[];
  duties: DutiesFacts;
}

/**
 * Whether the decision on the action waits for this actor: it is pending in their tenant, their
 * role decides, separation of duties does not bar them, and they have not approved it already (a
 * quorum counts each person once). The rules approveAction enforces, asked ahead to tell people
 * what waits for them; approveAction still decides for real, since anything may change in between.
 */
export function mayDecide(actor: Actor, facts: DecisionFacts): boolean {
  return decisionRefusalFor(actor, facts) === null;
}
