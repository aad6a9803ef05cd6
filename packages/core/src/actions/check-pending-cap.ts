import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";

/** How many actions a tenant may have waiting for a person, unless the deployment sets its own figure. */
export const DEFAULT_MAX_PENDING_ACTIONS = 10_000;

/**
 * Refuses new proposals when the tenant already has as many pending actions as it may, so that a
 * runaway agent cannot bury its approvers (or the database) under a backlog. The count stops at the
 * cap (an index range of at most `cap` entries), so it costs little however large the table grows.
 * Checked before the approval decision: at the cap, proposals are refused whether or not a
 * preference would approve them. Concurrent proposals can overshoot the cap by their own number.
 */
export async function checkPendingCap(deps: Pick<CoreDeps, "db" | "maxPendingActions">, tenantId: string, adding: number): Promise<void> {
  const cap = deps.maxPendingActions ?? DEFAULT_MAX_PENDING_ACTIONS;
  const [row] = await deps.db.$queryRaw<{ pending: number }[]>`
    SELECT count(*)::int AS pending FROM (
      SELECT 1 FROM agent_action WHERE tenant_id = ${tenantId}::uuid AND status = 'pending' LIMIT ${cap}
    ) AS waiting`;
  const pending = row?.pending ?? 0;
  if (pending + adding <= cap) return;
  const counted = pending >= cap ? `${cap} or more` : String(pending);
  throw new CoreError(
    "LIMIT_EXCEEDED",
    `Too many pending actions: this tenant has ${counted} waiting for a decision and may have at most ${cap}; ` +
      `${adding === 1 ? "this proposal was" : `these ${adding} proposals were`} not stored. Approve, reject or cancel some first.`,
    { retryable: true },
  );
}
