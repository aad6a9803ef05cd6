import { Prisma, sqlFor } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";

/** How many actions a tenant may have waiting for a person, unless the deployment sets its own figure. */
export const DEFAULT_MAX_PENDING_ACTIONS = 10_000;

/**
 * How many actions the tenant has waiting for a person, counted up to the cap (an index range of at
 * most `cap` entries), so it costs little however large the table grows.
 */
export async function countPending(
  deps: Pick<CoreDeps, "db" | "maxPendingActions">,
  tenantId: string,
): Promise<number> {
  const cap = deps.maxPendingActions ?? DEFAULT_MAX_PENDING_ACTIONS;
  const [row] = await sqlFor(deps.db).query<{ pending: number }>(Prisma.sql`
    SELECT count(*)::int AS pending FROM (
      SELECT 1 FROM agent_action WHERE tenant_id = ${tenantId}::uuid AND status = 'pending' LIMIT ${cap}
    ) AS waiting`);
  return row?.pending ?? 0;
}

/** The refusal of `adding` more waiting proposals when `pending` already wait, or null when the cap allows them. */
export function pendingCapRefusal(
  deps: Pick<CoreDeps, "maxPendingActions">,
  { pending, adding, proposed }: { pending: number; adding: number; proposed: number },
): CoreError | null {
  const cap = deps.maxPendingActions ?? DEFAULT_MAX_PENDING_ACTIONS;
  if (pending + adding <= cap) return null;
  const counted = pending >= cap ? `${cap} or more` : String(pending);
  return new CoreError(
    "LIMIT_EXCEEDED",
    `Too many pending actions: this tenant has ${counted} waiting for a decision and may have at most ${cap}; ` +
      `${proposed === 1 ? "this proposal was" : `these ${proposed} proposals were`} not stored. Approve, reject or cancel some first.`,
    { retryable: true },
  );
}

/**
 * Refuses new proposals when the tenant already has as many pending actions as it may, so that a
 * runaway agent cannot bury its approvers (or the database) under a backlog. Only proposals that
 * will wait count (`adding`): it is checked once the approval decision is made, so auto-approved
 * work, which buries no approver, neither pays for the count nor is refused by it (the per-key rate
 * limit bounds that). Concurrent writes can overshoot the cap by their own number; the API's
 * proposal batcher writes one batch at a time and counts the earlier proposals of its batch, so
 * single proposals through one API process cannot.
 */
export async function checkPendingCap(
  deps: Pick<CoreDeps, "db" | "maxPendingActions">,
  tenantId: string,
  { adding, proposed }: { adding: number; proposed: number },
): Promise<void> {
  const refusal = pendingCapRefusal(deps, { pending: await countPending(deps, tenantId), adding, proposed });
  if (refusal) throw refusal;
}
