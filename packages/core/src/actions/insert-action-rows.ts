import { Prisma, type DbTransaction } from "@leash/db";

type ActionRow = Prisma.AgentActionCreateManyInput;
type EventRow = Omit<Prisma.ActionEventCreateManyInput, "actionId">;

/**
 * Every column an action row may set, with its Postgres type. Keyed by the create input's fields,
 * so a column added to the schema does not compile until it is listed here.
 */
const actionColumns: Record<keyof ActionRow, { column: string; type: string }> = {
  id: { column: "id", type: "int" },
  tenantId: { column: "tenant_id", type: "uuid" },
  userId: { column: "user_id", type: "uuid" },
  apiKeyId: { column: "api_key_id", type: "uuid" },
  proposerLabel: { column: "proposer_label", type: "text" },
  actionType: { column: "action_type", type: '"ActionType"' },
  targetType: { column: "target_type", type: '"TargetType"' },
  targetId: { column: "target_id", type: "int" },
  parameters: { column: "parameters", type: "jsonb" },
  reason: { column: "reason", type: "text" },
  status: { column: "status", type: '"ActionStatus"' },
  requiresApproval: { column: "requires_approval", type: "boolean" },
  idempotencyKey: { column: "idempotency_key", type: "text" },
  batchId: { column: "batch_id", type: "uuid" },
  approvedBy: { column: "approved_by", type: "uuid" },
  approvedAt: { column: "approved_at", type: "timestamptz(3)" },
  decidedByLabel: { column: "decided_by_label", type: "text" },
  rejectedAt: { column: "rejected_at", type: "timestamptz(3)" },
  rejectionReason: { column: "rejection_reason", type: "text" },
  cancelledAt: { column: "cancelled_at", type: "timestamptz(3)" },
  maxAttempts: { column: "max_attempts", type: "int" },
  attempts: { column: "attempts", type: "int" },
  claimToken: { column: "claim_token", type: "uuid" },
  claimedAt: { column: "claimed_at", type: "timestamptz(3)" },
  executedAt: { column: "executed_at", type: "timestamptz(3)" },
  result: { column: "result", type: "jsonb" },
  errorMessage: { column: "error_message", type: "text" },
  rollbackData: { column: "rollback_data", type: "jsonb" },
  rolledBackAt: { column: "rolled_back_at", type: "timestamptz(3)" },
  rollbackActionId: { column: "rollback_action_id", type: "int" },
  rollbackOfId: { column: "rollback_of_id", type: "int" },
  dependsOnId: { column: "depends_on_id", type: "int" },
  templateId: { column: "template_id", type: "int" },
  templateStep: { column: "template_step", type: "int" },
  stepTemplate: { column: "step_template", type: "jsonb" },
  slackChannelId: { column: "slack_channel_id", type: "text" },
  slackMessageTs: { column: "slack_message_ts", type: "text" },
  createdAt: { column: "created_at", type: "timestamptz(3)" },
  updatedAt: { column: "updated_at", type: "timestamptz(3)" },
};

const isActionField = (key: string): key is keyof ActionRow => Object.hasOwn(actionColumns, key);

/** A unique violation, as the model API reports it (P2002), so callers handle both paths alike. */
function asUniqueViolation(error: unknown): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2010") return error;
  if (!JSON.stringify(error.meta ?? {}).includes('"kind":"UniqueConstraintViolation"')) return error;
  return new Prisma.PrismaClientKnownRequestError(error.message, { code: "P2002", clientVersion: error.clientVersion, meta: error.meta ?? {} });
}

/**
 * Inserts actions and their first events in one statement, so that it is atomic without a
 * transaction and costs one round trip (a Prisma interactive transaction costs four, and about five
 * times the CPU). Ids are drawn in row order, so actions keep the order of `rows`. Answers the ids.
 */
export async function insertActionRows(
  db: DbTransaction,
  rows: readonly ActionRow[],
  eventsOf: (index: number) => EventRow[],
): Promise<number[]> {
  // A field set to undefined (an optional extra left out) is no column at all, as with Prisma's own writes.
  const setFields = (row: ActionRow) => {
    const entries: [string, unknown][] = Object.entries(row);
    return entries.flatMap(([key, value]) => (value === undefined ? [] : [key]));
  };
  const fields = [...new Set(rows.flatMap(setFields))].filter(isActionField);
  // The JSON rows carry Prisma's field names; the table has its own column names.
  const inserted = fields.filter((field) => field !== "id");
  const definitions = Prisma.raw(inserted.map((field) => `"${field}" ${actionColumns[field].type}`).join(", "));
  const fieldNames = Prisma.raw(inserted.map((field) => `"${field}"`).join(", "));
  const columnNames = Prisma.raw(inserted.map((field) => `"${actionColumns[field].column}"`).join(", "));
  const events = rows.flatMap((_, index) => eventsOf(index).map((event) => ({ ...event, ord: index + 1 })));
  try {
    const ids = await db.$queryRaw<{ id: number }[]>`
      WITH input AS MATERIALIZED (
        SELECT nextval(pg_get_serial_sequence('agent_action', 'id'))::int AS id, r.*
        FROM (SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (${definitions})) WITH ORDINALITY AS x(${fieldNames}, ord) ORDER BY ord) r
      ),
      actions AS (INSERT INTO agent_action (id, ${columnNames}) SELECT id, ${fieldNames} FROM input RETURNING id),
      events AS (
        INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details, created_at)
        SELECT e."tenantId", i.id, e.type, e."actorKind", e."actorId", e."actorLabel", COALESCE(e.details, '{}'), COALESCE(e."createdAt", now())
        FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS (
          ord bigint, "tenantId" uuid, type "ActionEventType", "actorKind" "ActorKind", "actorId" text, "actorLabel" text, details jsonb, "createdAt" timestamptz(3)))
          WITH ORDINALITY AS e(ord, "tenantId", type, "actorKind", "actorId", "actorLabel", details, "createdAt", n)
        JOIN input i ON i.ord = e.ord
        -- Event ids follow the timeline: each action's events in the order given.
        ORDER BY e.n
      )
      SELECT id FROM actions ORDER BY id`;
    return ids.map((row) => row.id);
  } catch (error) {
    throw asUniqueViolation(error);
  }
}
