import type { AgentAction, Db, DbTransaction } from "@leash/db";

import type { Actor } from "../actor.ts";
import { CoreError } from "../errors.ts";
import { approverIdentity } from "./approver-identity.ts";

/** A FORBIDDEN refusal that is about this action, not about the approver's role: media show its sentence as it is. */
export class SeparationOfDutiesError extends CoreError {
  constructor(message: string) {
    super("FORBIDDEN", message);
    this.name = "SeparationOfDutiesError";
  }
}

/**
 * Separation of duties: whoever proposed an action (a user, an agent key, or the owner of that key)
 * may not approve it. On unless the action's policy turns it off; the system itself is never barred.
 */
export async function checkSeparationOfDuties(tx: Db | DbTransaction, action: AgentAction, actor: Actor): Promise<void> {
  if (actor.kind === "system") return;
  const policy = action.policyId ? await tx.approvalPolicy.findUnique({ where: { id: action.policyId }, select: { separationOfDuties: true } }) : null;
  if (policy && !policy.separationOfDuties) return;
  const refuse = (why: string) => new SeparationOfDutiesError(`${why}: separation of duties requires another approver for #${action.id}`);
  const approver = approverIdentity(actor).userId;
  if (action.userId !== null && approver === action.userId) throw refuse(`${actor.label} proposed #${action.id}`);
  if (action.apiKeyId === null) return;
  if (actor.kind === "api_key" && actor.apiKeyId === action.apiKeyId) throw refuse(`${actor.label} proposed #${action.id}`);
  const key = await tx.apiKey.findUnique({ where: { id: action.apiKeyId }, select: { ownerId: true } });
  if (key?.ownerId != null && approver === key.ownerId) {
    throw refuse(`${actor.label} owns ${action.proposerLabel}, which proposed #${action.id}`);
  }
}
