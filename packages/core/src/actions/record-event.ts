import type { ActionEventType, DbTransaction } from "@leash/db";

import { actorRef, type Actor } from "../actor.ts";
import type { JsonObject } from "./json.ts";

/** Appends one event to an action's audit trail, inside the caller's transaction. */
export async function recordEvent(
  tx: DbTransaction,
  event: { tenantId: string; actionId: number; type: ActionEventType; actor: Actor; details?: JsonObject },
): Promise<void> {
  await tx.actionEvent.create({
    data: {
      tenantId: event.tenantId,
      actionId: event.actionId,
      type: event.type,
      ...actorRef(event.actor),
      details: event.details ?? {},
    },
  });
}
