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

/** What separation of duties needs beyond the action: whether its policy keeps the rule on, and who owns the key that proposed it. */
export interface DutiesFacts {
  separationOfDuties: boolean;
  proposerKeyOwnerId: string | null;
}

/** Reads the facts of `DutiesFacts`; the approval's locking read gets them in its own statement instead. */
export async function readDutiesFacts(tx: Db | DbTransaction, action: AgentAction): Promise<DutiesFacts> {
  const policy = action.policyId ? await tx.approvalPolicy.findUnique({ where: { id: action.policyId }, select: { separationOfDuties: true } }) : null;
  const key = action.apiKeyId ? await tx.apiKey.findUnique({ where: { id: action.apiKeyId }, select: { ownerId: true } }) : null;
  return { separationOfDuties: policy?.separationOfDuties ?? true, proposerKeyOwnerId: key?.ownerId ?? null };
}

/**
 * Separation of duties: whoever proposed an action (a user, an agent key, or the owner of that key)
 * may not approve it. On unless the action's policy turns it off; the system itself is never barred.
 */
export function assertSeparationOfDuties(action: AgentAction, actor: Actor, facts: DutiesFacts): void {
  if (actor.kind === "system" || !facts.separationOfDuties) return;
  const refuse = (why: string) => new SeparationOfDutiesError(`${why}: separation of duties requires another approver for #${action.id}`);
  const approver = approverIdentity(actor).userId;
  if (action.userId !== null && approver === action.userId) throw refuse(`${actor.label} proposed #${action.id}`);
  if (action.apiKeyId === null) return;
  if (actor.kind === "api_key" && actor.apiKeyId === action.apiKeyId) throw refuse(`${actor.label} proposed #${action.id}`);
  if (facts.proposerKeyOwnerId !== null && approver === facts.proposerKeyOwnerId) {
    throw refuse(`${actor.label} owns ${action.proposerLabel}, which proposed #${action.id}`);
  }
}

/** `assertSeparationOfDuties`, reading its facts first. */
export async function checkSeparationOfDuties(tx: Db | DbTransaction, action: AgentAction, actor: Actor): Promise<void> {
  if (actor.kind === "system") return;
  assertSeparationOfDuties(action, actor, await readDutiesFacts(tx, action));
}
