import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { actionRefInputSchema } from "./action-inputs.ts";
import { toActionEventView, toActionView, type ActionEventView, type ActionView } from "./action-view.ts";
import { findActionOrThrow } from "./find-action.ts";

/** One action with its whole timeline. Another tenant's action is NOT_FOUND, like a missing one. */
export async function getAction(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: { actionId: number } },
): Promise<ActionView & { timeline: ActionEventView[] }> {
  assertCan(actor, "action.read");
  const { actionId } = parseInput(actionRefInputSchema, input, "action reference");
  const action = await findActionOrThrow(deps.db, actor.tenantId, actionId);
  const events = await deps.db.actionEvent.findMany({ where: { actionId, tenantId: actor.tenantId }, orderBy: { id: "asc" } });
  return { ...toActionView(action), timeline: events.map(toActionEventView) };
}

/** The audit trail of one action, oldest first. */
export async function actionHistory(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: { actionId: number } },
): Promise<ActionEventView[]> {
  assertCan(actor, "action.read");
  const { actionId } = parseInput(actionRefInputSchema, input, "action reference");
  await findActionOrThrow(deps.db, actor.tenantId, actionId);
  const events = await deps.db.actionEvent.findMany({ where: { actionId, tenantId: actor.tenantId }, orderBy: { id: "asc" } });
  return events.map(toActionEventView);
}
