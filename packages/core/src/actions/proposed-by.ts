import type { AgentAction } from "@leash/db";

import type { Actor } from "../actor.ts";

/** Whether the actor is who proposed the action (the same user, or the same API key). */
export function proposedBy(action: Pick<AgentAction, "userId" | "apiKeyId">, actor: Actor): boolean {
  return (actor.kind === "user" && action.userId === actor.userId) || (actor.kind === "api_key" && action.apiKeyId === actor.apiKeyId);
}
