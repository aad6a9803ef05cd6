import { Prisma, sqlFor, type AgentAction, type ExpiryFallback } from "@leash/db";

import { systemActor } from "../actor.ts";
import { enqueueApproved } from "../proposals/enqueue-approved.ts";
import { findActionOrThrow } from "../actions/find-action.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";
import type { CoreDeps } from "../deps.ts";
import { failDependents } from "../execution/fail-dependents.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { actionReversibility } from "../presentation/action-presentation.ts";
import { describeDuration } from "./duration-wording.ts";

/** Who reminders, escalations and expiries are by, in timelines and on cards. */
export const DEADLINE_ACTOR_LABEL = "Leash";
/** How many actions of each step one sweep handles; the next sweep takes the rest. */
const DEFAULT_BATCH = 200;

export interface SweepResult {
  reminded: number[];
  escalated: number[];
  expired: { actionId: number; outcome: "rejected" | "auto_approved" }[];
}

type Deps = Pick<CoreDeps, "db" | "queue" | "clock" | "logger" | "delivery">;
type Touched = { id: number; tenantId: string; requiresApproval: boolean };

/**
 * Reminds about, escalates and expires pending actions whose time has come, in that order, so
 * their timelines keep that order even when a sweep finds all three due at once. Each step is one
 * conditional update (of a column it clears, or of the status), so with several workers sweeping
 * at the same time every step happens exactly once. On a server that sends email, the statement
 * that records a reminder or an escalation also leaves it in the `deadline_notice` outbox, which
 * `sendDeadlineNotices` empties: the mail is never lost between the two.
 */
export async function sweepPendingDeadlines(
  deps: Deps,
  options: { batch?: number } = {},
): Promise<SweepResult> {
  const batch = options.batch ?? DEFAULT_BATCH;
  const reminded = await sendReminders(deps, batch);
  const escalated = await escalate(deps, batch);
  const expired = await expire(deps, batch);
  return {
    reminded: reminded.map((action) => action.id),
    escalated: escalated.map((action) => action.id),
    expired,
  };
}

/** Whether the statements leave their notices for email in the outbox: only where email is sent. */
const mailsNotices = (deps: Deps) => Boolean(deps.delivery?.email);

/** Clears `remind_at` of due pending actions and records `reminder_sent` (and its notice to email), in one statement. */
async function sendReminders(deps: Deps, batch: number): Promise<Touched[]> {
  const now = deps.clock.now();
  const reminded = await deps.db.$queryRaw<Touched[]>`
    WITH due AS (
      SELECT id FROM agent_action
      WHERE status = 'pending' AND remind_at <= ${now}::timestamptz
      ORDER BY remind_at, id LIMIT ${batch} FOR UPDATE SKIP LOCKED
    ),
    reminded AS (
      UPDATE agent_action a SET remind_at = NULL, updated_at = ${now}::timestamptz
      FROM due WHERE a.id = due.id AND a.status = 'pending' AND a.remind_at IS NOT NULL
      RETURNING a.id, a.tenant_id, a.requires_approval, a.expires_at
    ),
    events AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label, details, created_at)
      SELECT tenant_id, id, 'reminder_sent'::"ActionEventType", 'system'::"ActorKind", ${DEADLINE_ACTOR_LABEL},
             jsonb_build_object('expiresAt', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), ${now}::timestamptz
      FROM reminded ORDER BY id
    ),
    notices AS (
      INSERT INTO deadline_notice (tenant_id, action_id, kind, next_attempt_at, created_at)
      SELECT tenant_id, id, 'reminder', ${now}::timestamptz, ${now}::timestamptz FROM reminded WHERE ${mailsNotices(deps)}::boolean ORDER BY id
    )
    SELECT id, tenant_id AS "tenantId", requires_approval AS "requiresApproval" FROM reminded ORDER BY id`;
  await publishActionEvents(deps, reminded, "reminder_sent");
  return reminded;
}

/**
 * Clears `escalate_at` of due pending actions, records who they went to (the policy's backup
 * approver), the `escalated` event and its notice to email, in one statement.
 */
async function escalate(deps: Deps, batch: number): Promise<Touched[]> {
  const now = deps.clock.now();
  const escalated = await deps.db.$queryRaw<Touched[]>`
    WITH due AS (
      SELECT a.id, u.id AS user_id, u.name AS user_name
      FROM agent_action a
      LEFT JOIN approval_policy p ON p.id = a.policy_id
      LEFT JOIN app_user u ON u.id = p.escalate_to_user_id
      WHERE a.status = 'pending' AND a.escalate_at <= ${now}::timestamptz
      ORDER BY a.escalate_at, a.id LIMIT ${batch} FOR UPDATE OF a SKIP LOCKED
    ),
    escalated AS (
      UPDATE agent_action a
      SET escalate_at = NULL, escalated_to_label = COALESCE(due.user_name, 'nobody (the policy has no backup approver any more)'), updated_at = ${now}::timestamptz
      FROM due WHERE a.id = due.id AND a.status = 'pending' AND a.escalate_at IS NOT NULL
      RETURNING a.id, a.tenant_id, a.requires_approval, due.user_id, due.user_name
    ),
    events AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label, details, created_at)
      SELECT tenant_id, id, 'escalated'::"ActionEventType", 'system'::"ActorKind", ${DEADLINE_ACTOR_LABEL},
             jsonb_build_object('userId', user_id, 'to', user_name), ${now}::timestamptz
      FROM escalated ORDER BY id
    ),
    notices AS (
      INSERT INTO deadline_notice (tenant_id, action_id, kind, user_id, next_attempt_at, created_at)
      SELECT tenant_id, id, 'escalation', user_id, ${now}::timestamptz, ${now}::timestamptz FROM escalated
      WHERE ${mailsNotices(deps)}::boolean AND user_id IS NOT NULL ORDER BY id
    )
    SELECT id, tenant_id AS "tenantId", requires_approval AS "requiresApproval" FROM escalated ORDER BY id`;
  await publishActionEvents(deps, escalated, "escalated");
  return escalated;
}

/**
 * The pending actions whose expiry has come, by id, in the order they expire. The status is written
 * into the text like the other steps': bound, the prepared statement's generic plan cannot use the
 * partial index of pending actions' expiries and walked the table (about 0.4 s per sweep, every 5 s,
 * on two million finished actions).
 */
export function expiriesDue({ now, limit }: { now: Date; limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT id FROM agent_action WHERE status = 'pending' AND expires_at <= ${now}::timestamptz
    ORDER BY expires_at, id LIMIT ${limit}`;
}

async function expire(deps: Deps, batch: number): Promise<SweepResult["expired"]> {
  const now = deps.clock.now();
  const dueIds = await sqlFor(deps.db).query<{ id: number }>(expiriesDue({ now, limit: batch }));
  if (dueIds.length === 0) return [];
  const due = await deps.db.agentAction.findMany({
    where: { id: { in: dueIds.map((row) => row.id) } },
    include: { policy: { select: { expiryFallback: true } } },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
  });
  const expired: SweepResult["expired"] = [];
  for (const action of due) {
    const outcome = await expireOne(deps, action, action.policy?.expiryFallback ?? "reject");
    if (outcome) expired.push({ actionId: action.id, outcome });
  }
  return expired;
}

/**
 * Applies the policy's fallback to one expired action. Auto-approval is checked once more against
 * the action itself (a policy may mark a type reversible, but a permanent delete of it is not):
 * an action that cannot be undone is rejected instead, and the reason says why.
 */
async function expireOne(
  deps: Deps,
  action: AgentAction,
  fallback: ExpiryFallback,
): Promise<"rejected" | "auto_approved" | null> {
  const now = deps.clock.now();
  const waited = `expired after ${describeDuration((action.expiresAt ?? now).getTime() - action.createdAt.getTime())}`;
  const reversible = actionReversibility(action);
  const approve = fallback === "auto_approve" && reversible.reversible;
  const reason =
    fallback === "auto_approve" && !approve
      ? `${waited}; not auto-approved because ${reversible.explanation}`
      : waited;
  const actor = systemActor(action.tenantId, DEADLINE_ACTOR_LABEL);
  const decidedByLabel = `${DEADLINE_ACTOR_LABEL} (expiry)`;
  const clear = { expiresAt: null, remindAt: null, escalateAt: null, decidedByLabel, updatedAt: now };

  const settled = await deps.db.$transaction(async (tx) => {
    const won = await transitionAction(tx, {
      id: action.id,
      tenantId: action.tenantId,
      from: ["pending"],
      to: approve ? "approved" : "rejected",
      data: approve ? { ...clear, approvedAt: now } : { ...clear, rejectedAt: now, rejectionReason: reason },
    });
    // A person decided (or another worker expired it) since it was read: nothing to do.
    if (!won) return null;
    await recordEvent(tx, {
      tenantId: action.tenantId,
      actionId: action.id,
      type: "expired",
      actor,
      details: { fallback, reason },
    });
    if (approve) {
      await recordEvent(tx, {
        tenantId: action.tenantId,
        actionId: action.id,
        type: "auto_approved",
        actor,
        details: { expiryFallback: waited },
      });
      return { action: await findActionOrThrow(tx, action.tenantId, action.id), stopped: [] };
    }
    await recordEvent(tx, {
      tenantId: action.tenantId,
      actionId: action.id,
      type: "rejected",
      actor,
      details: { reason },
    });
    const rejected = await findActionOrThrow(tx, action.tenantId, action.id);
    // Later template steps waiting for this one can never run now.
    return { action: rejected, stopped: await failDependents(tx, rejected, now) };
  });
  if (!settled) return null;
  if (approve) {
    await enqueueApproved(deps, [settled.action]);
    await publishActionEvents(deps, [settled.action], "approved");
    return "auto_approved";
  }
  await publishActionEvents(deps, [settled.action], "rejected");
  await publishActionEvents(deps, settled.stopped, "failed");
  return "rejected";
}
