import type { Actor } from "../actor.ts";
import { approveAction } from "../decisions/approve-action.ts";
import { rejectAction } from "../decisions/reject-action.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError, isCoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { decideBatchInputSchema, type DecideBatchInput, type DecideBatchResult } from "./batch-inputs.ts";

/**
 * One decision for a whole batch (`proposeBatch`) or template run: every pending action of it,
 * except the ones left out, is approved or rejected through `approveAction` / `rejectAction`, so
 * each follows the usual rules (quorum, separation of duties, one conditional update). An action
 * those rules refuse is reported and the rest are still decided; left-out actions stay pending.
 */
export async function decideBatch(
  deps: CoreDeps,
  { actor, input }: { actor: Actor; input: DecideBatchInput },
): Promise<DecideBatchResult> {
  assertCan(actor, "action.decide");
  const { batchId, decision, reason, excludeActionIds } = parseInput(
    decideBatchInputSchema,
    input,
    "batch decision",
  );
  const members = await deps.db.agentAction.findMany({
    where: { tenantId: actor.tenantId, batchId },
    select: { id: true, status: true },
    orderBy: { id: "asc" },
  });
  if (members.length === 0) throw new CoreError("NOT_FOUND", `No batch ${batchId}`);
  const excluded = new Set(excludeActionIds);
  const strangers = excludeActionIds.filter((id) => !members.some((member) => member.id === id));
  if (strangers.length > 0)
    throw new CoreError(
      "INVALID",
      `Invalid batch decision: ${strangers.map((id) => `#${id}`).join(", ")} is not in batch ${batchId}`,
    );
  const pending = members.filter((member) => member.status === "pending");
  if (pending.every((member) => excluded.has(member.id)))
    throw new CoreError("CONFLICT", `Nothing in batch ${batchId} is waiting for a decision`);

  const result: DecideBatchResult = {
    batchId,
    decided: [],
    refused: [],
    leftOut: pending.filter((member) => excluded.has(member.id)).map((member) => member.id),
  };
  // In id order, so template steps are approved in the order they run.
  for (const { id: actionId } of pending.filter((member) => !excluded.has(member.id))) {
    try {
      result.decided.push(
        decision === "approve"
          ? await approveAction(deps, { actor, input: { actionId } })
          : await rejectAction(deps, { actor, input: { actionId, reason: reason ?? "" } }),
      );
    } catch (error) {
      if (!isCoreError(error) || (error.code !== "CONFLICT" && error.code !== "FORBIDDEN")) throw error;
      result.refused.push({ actionId, message: error.message });
    }
  }
  return result;
}
