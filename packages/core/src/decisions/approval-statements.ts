import { randomUUID } from "node:crypto";

import { z } from "zod";

import { isUniqueViolation, Prisma, sqlFor, type AgentAction, type Db, type DbTransaction } from "@leash/db";

import { actionFromRow } from "../actions/action-columns.ts";
import type { JsonObject } from "../actions/json.ts";
import { actorRef, type Actor } from "../actor.ts";
import { CoreError } from "../errors.ts";
import type { ActionWithApprovals, ApprovalRow } from "./action-approvals.ts";
import type { DutiesFacts } from "./check-separation-of-duties.ts";

/*
 * The statements of an approval, written as SQL where Prisma's model API would cost more: the read
 * is one statement (the model API's include costs two), and the write of the approval, the action's
 * new state and its audit event is one statement, atomic without an interactive transaction, which
 * on this path cost three more round trips and most of the approval's CPU time.
 * test/approval-statements.int.test.ts holds them to what approvals need.
 */

/** An approval already given: its approver's identity (see approverIdentity) tells whether someone approves twice. */
export type GivenApproval = ApprovalRow & { approverKey: string };

/** A pending action as an approval reads it: its approvals (oldest first), what separation of duties needs, and its row version. */
export type ActionToApprove = Omit<ActionWithApprovals, "approvals"> & {
  approvals: readonly GivenApproval[];
  duties: DutiesFacts;
  /**
   * The row's version (its `xmin`, the transaction that wrote it). Every write of an approval also
   * updates its action's row, so while the version stands the approvals read with it stand too.
   */
  version: string;
};

const givenApprovalsSchema = z.array(z.object({ approverKey: z.string(), approverLabel: z.string(), createdAt: z.coerce.date() }));

/** What a decision reads of each action beside its row: its version, its policy's and its key's duties facts, its approvals. */
const toDecideColumns = Prisma.sql`a.*, a.xmin::text AS "rowVersion",
  (SELECT separation_of_duties FROM approval_policy WHERE id = a.policy_id) AS "policySeparationOfDuties",
  (SELECT owner_id FROM api_key WHERE id = a.api_key_id) AS "proposerKeyOwnerId",
  (SELECT coalesce(json_agg(json_build_object('approverKey', p.approver_key, 'approverLabel', p.approver_label, 'createdAt', p.created_at) ORDER BY p.created_at), '[]')
   FROM action_approval p WHERE p.action_id = a.id) AS approvals`;

function toActionToApprove(row: Record<string, unknown>): ActionToApprove {
  const separationOfDuties = row.policySeparationOfDuties;
  const owner = row.proposerKeyOwnerId;
  return {
    ...actionFromRow(row),
    approvals: givenApprovalsSchema.parse(row.approvals),
    duties: {
      separationOfDuties: typeof separationOfDuties === "boolean" ? separationOfDuties : true,
      proposerKeyOwnerId: typeof owner === "string" ? owner : null,
    },
    version: String(row.rowVersion),
  };
}

/**
 * Reads an action with its approvals, its duties facts and its version in one statement, which sees
 * one snapshot: the version and the approvals agree. Under the caller's row lock (`lockAction`
 * first, in the same transaction) they are also the latest.
 */
export async function readActionToApprove(db: Db | DbTransaction, tenantId: string, actionId: number): Promise<ActionToApprove> {
  const [row] = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${toDecideColumns} FROM agent_action a WHERE a.id = ${actionId} AND a.tenant_id = ${tenantId}::uuid`);
  if (!row) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  return toActionToApprove(row);
}

/**
 * The tenant's pending actions as `readActionToApprove` reads one, newest first, at most `limit`
 * (only `actionIds` among them when given): what the inbox lists, in one statement where the model
 * API's includes cost four and most of the inbox's time turning their rows into objects.
 */
export async function readPendingToDecide(
  db: Db,
  tenantId: string,
  { limit, actionIds }: { limit: number; actionIds?: readonly number[] | undefined },
): Promise<ActionToApprove[]> {
  const only = actionIds ? Prisma.sql`AND a.id = ANY(${[...actionIds]}::int[])` : Prisma.empty;
  const rows = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${toDecideColumns} FROM agent_action a
    WHERE a.tenant_id = ${tenantId}::uuid AND a.status = 'pending' ${only}
    ORDER BY a.id DESC LIMIT ${limit}`);
  return rows.map(toActionToApprove);
}

/**
 * Locks an action's row for the rest of the caller's transaction; read it afterwards, in a statement
 * of its own (`readActionToApprove`): a statement sees the data of its start, so one that waited for
 * the lock would miss an approval committed meanwhile.
 */
export async function lockAction(tx: DbTransaction, tenantId: string, actionId: number): Promise<void> {
  const rows = await sqlFor(tx).query<unknown>(Prisma.sql`SELECT 1 FROM agent_action WHERE id = ${actionId} AND tenant_id = ${tenantId}::uuid FOR UPDATE`);
  if (rows.length === 0) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
}

export interface ApprovalWrite {
  action: Pick<AgentAction, "id" | "tenantId">;
  actor: Actor;
  approver: { key: string; userId: string | null };
  now: Date;
  /** Set when the approval reaches the quorum: the action becomes approved, decided by these people. */
  approvedBy: string | null;
  event: { type: "approval_added" | "approved"; details: JsonObject };
  /**
   * Writes only while the action's row is still this version (read without a lock); null under the
   * caller's row lock, where nobody else can change it.
   */
  ifVersion: string | null;
}

/**
 * Adds the approval, moves the pending action on (to approved when `approvedBy` is set, else only its
 * `updatedAt`) and appends its audit event, in one statement: all of it or nothing. Answers the
 * updated action, and whether its tenant has a linked Slack workspace (whose card the decision
 * updates: the same statement answers it, so that the decision's news costs no lookup of its own), or
 * null when the action was no longer pending at `ifVersion` (someone changed it since it was read)
 * and nothing was written. The same approver twice is a CONFLICT.
 */
export async function writeApproval(db: Db | DbTransaction, write: ApprovalWrite): Promise<{ action: AgentAction; slackLinked: boolean } | null> {
  const { action, actor, approver, now, event } = write;
  const actorColumns = actorRef(actor);
  const decision =
    write.approvedBy === null
      ? Prisma.sql`updated_at = ${now}`
      : Prisma.sql`status = 'approved', approved_by = ${approver.userId}::uuid, approved_at = ${now}, decided_by_label = ${write.approvedBy}, updated_at = ${now}`;
  const unchanged = write.ifVersion === null ? Prisma.empty : Prisma.sql`AND a.xmin::text = ${write.ifVersion}`;
  try {
    const [row] = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
      WITH decided AS (
        UPDATE agent_action a SET ${decision}
        WHERE a.id = ${action.id} AND a.tenant_id = ${action.tenantId}::uuid AND a.status = 'pending' ${unchanged}
        RETURNING a.*
      ),
      approval AS (
        INSERT INTO action_approval (id, tenant_id, action_id, approver_key, approver_label, user_id, created_at)
        SELECT ${randomUUID()}::uuid, tenant_id, id, ${approver.key}, ${actor.label}, ${approver.userId}::uuid, ${now} FROM decided
      ),
      event AS (
        INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details)
        SELECT tenant_id, id, ${event.type}::"ActionEventType", ${actorColumns.actorKind}::"ActorKind", ${actorColumns.actorId}, ${actorColumns.actorLabel}, ${JSON.stringify(event.details)}::jsonb
        FROM decided
      )
      SELECT d.*, EXISTS (SELECT 1 FROM slack_workspace w WHERE w.tenant_id = d.tenant_id) AS "slackLinked" FROM decided d`);
    return row ? { action: actionFromRow(row), slackLinked: row.slackLinked === true } : null;
  } catch (error) {
    if (isUniqueViolation(error)) throw new CoreError("CONFLICT", `${actor.label} already approved #${action.id}; the same person never counts twice`);
    throw error;
  }
}
