import { actorRole, type Actor } from "../actor.ts";
import { can } from "../authorization.ts";
import { describeDecision } from "../actions/action-view.ts";
import { approverIdentity } from "./approver-identity.ts";
import { assertSeparationOfDuties, SeparationOfDutiesError } from "./check-separation-of-duties.ts";
import type { DecisionFacts } from "./may-decide.ts";

/**
 * Why the actor may not approve the action now, as one sentence and a kind media can group by;
 * null when the decision waits for them. The rules approveAction enforces (role, state, a quorum
 * counts each person once, separation of duties), asked ahead so a medium shows the reason
 * instead of a button that can only fail; approveAction still decides for real.
 */
export interface DecisionRefusal {
  kind: "role" | "not_pending" | "already_approved" | "proposed_by_you";
  message: string;
}

export function decisionRefusalFor(actor: Actor, { action, approverKeys, duties }: DecisionFacts): DecisionRefusal | null {
  if (action.tenantId !== actor.tenantId) return { kind: "not_pending", message: `No action #${action.id}` };
  if (!can(actor, "action.decide")) {
    return { kind: "role", message: `Approvers decide; ${actor.label} (${actorRole(actor)}) may read #${action.id} but not approve or reject it` };
  }
  if (action.status !== "pending") return { kind: "not_pending", message: describeDecision(action) };
  if (approverKeys.includes(approverIdentity(actor).key)) {
    return { kind: "already_approved", message: `You approved #${action.id}; it waits for ${action.requiredApprovals - approverKeys.length} more approval${action.requiredApprovals - approverKeys.length === 1 ? "" : "s"} from others` };
  }
  try {
    assertSeparationOfDuties(action, actor, duties);
  } catch (error) {
    if (error instanceof SeparationOfDutiesError) return { kind: "proposed_by_you", message: error.message };
    throw error;
  }
  return null;
}
