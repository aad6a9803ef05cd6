import type { AgentAction, Db } from "@leash/db";

import { systemActor } from "../actor.ts";
import type { AfterCommitEffect } from "../actions/action-definition.ts";
import type { ActionRegistry } from "../actions/action-registry.ts";
import type { JsonObject } from "../actions/json.ts";
import { recordEvent } from "../actions/record-event.ts";
import type { Clock } from "../clock.ts";
import { CoreError, isCoreError } from "../errors.ts";

export class ClaimLostError extends Error {
  constructor(actionId: number) {
    super(`Claim on action #${actionId} was taken over by another worker`);
    this.name = "ClaimLostError";
  }
}

export interface RunOutcome {
  result: JsonObject;
  targetId: number | null;
  effects: AfterCommitEffect[];
}

/**
 * Runs the handler of a claimed action. Its writes, the result, the state before (rollbackData),
 * the `executed` status and the audit event commit in one transaction, and only while this
 * worker's claim still holds: the first statement locks the row and checks the claim token, so a
 * worker that was presumed dead and taken over can never commit a second effect.
 */
export async function runClaimedAction(
  deps: { db: Db; clock: Clock; registry: ActionRegistry },
  { action, claimToken, startedAt }: { action: AgentAction; claimToken: string; startedAt: number },
): Promise<RunOutcome> {
  const definition = deps.registry[action.actionType];
  return deps.db.$transaction(
    async (tx) => {
      const held = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM agent_action
        WHERE id = ${action.id} AND status = 'executing' AND claim_token = ${claimToken}::uuid
        FOR UPDATE`;
      if (held.length === 0) throw new ClaimLostError(action.id);

      const parsed = definition.parametersSchema.safeParse(action.parameters);
      if (!parsed.success) {
        throw new CoreError("INVALID", `Stored parameters of #${action.id} are invalid: ${parsed.error.message}`);
      }
      const now = deps.clock.now();
      const outcome = await definition.execute({
        tx,
        tenantId: action.tenantId,
        actionId: action.id,
        targetType: action.targetType,
        targetId: action.targetId,
        parameters: parsed.data,
        now,
      });
      const targetId = outcome.targetId ?? action.targetId;
      await tx.agentAction.update({
        where: { id: action.id },
        data: {
          status: "executed",
          executedAt: now,
          result: outcome.result,
          rollbackData: outcome.rollbackData ?? undefined,
          targetId,
          errorMessage: null,
          claimToken: null,
          updatedAt: now,
        },
      });
      await recordEvent(tx, {
        tenantId: action.tenantId,
        actionId: action.id,
        type: "executed",
        actor: systemActor(action.tenantId, "worker"),
        details: { attempt: action.attempts, durationMs: Date.now() - startedAt, result: outcome.result },
      });
      return { result: outcome.result, targetId, effects: outcome.effects ?? [] };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

export function errorMessageOf(error: unknown): string {
  if (isCoreError(error)) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
