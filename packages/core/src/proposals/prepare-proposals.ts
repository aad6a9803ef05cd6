import type { Db, DbTransaction } from "@leash/db";

import type { ActionServices } from "../action-types/action-definition.ts";
import { actionTypeOf } from "../action-types/action-type-registry.ts";
import type { JsonObject } from "../actions/json.ts";
import { CoreError, isCoreError } from "../errors.ts";
import type { ActionProposal } from "./proposal-schema.ts";

/**
 * Lets each proposal's type check what its schema cannot (the clock, the database, the server's
 * configuration) and settle the parameters to store. A refusal in a batch names the action.
 */
export async function prepareProposals<P extends ActionProposal>(
  context: { db: Db | DbTransaction; tenantId: string; now: Date; services: ActionServices },
  proposals: readonly P[],
  /** Where each proposal sits in the input (`["actions", 2]`), for a refusal to name it; none for a single proposal. */
  options: { pathOf?: (index: number) => (string | number)[] } = {},
): Promise<P[]> {
  const prepared: P[] = [];
  for (const [index, proposal] of proposals.entries()) {
    const definition = actionTypeOf(proposal.actionType);
    if (!definition.prepare) {
      prepared.push(proposal);
      continue;
    }
    try {
      const parameters = await definition.prepare({
        db: context.db,
        tenantId: context.tenantId,
        targetType: proposal.targetType,
        targetId: proposal.targetId,
        parameters: proposal.parameters,
        now: context.now,
        services: context.services,
      });
      prepared.push({ ...proposal, parameters: parameters as JsonObject });
    } catch (error) {
      if (!options.pathOf || !isCoreError(error)) throw error;
      const path = options.pathOf(index);
      const [list, at] = path;
      throw new CoreError(error.code, `${String(list)}[${String(at)}]: ${error.message}`, {
        retryable: error.retryable,
        issues: (error.issues ?? [{ path: [], message: error.message }]).map((issue) => ({ ...issue, path: [...path, ...issue.path] })),
        cause: error,
      });
    }
  }
  return prepared;
}
