-- An undo that failed, was cancelled or rejected undid nothing: the original may be rolled back
-- again. At most one undo per original may be live (or have executed) at a time, so of two
-- rollbacks of the same action that race, one still loses; undos that ended without running keep
-- pointing at their original, as its history.
DROP INDEX "agent_action_rollback_of_id_key";
CREATE UNIQUE INDEX "agent_action_live_undo_key" ON "agent_action"("rollback_of_id") WHERE (status <> ALL (ARRAY['failed'::"ActionStatus", 'cancelled'::"ActionStatus", 'rejected'::"ActionStatus"]));

-- An original's rollback_action_id names its live or executed undo only: originals whose undo
-- already ended without running are free to be rolled back again.
UPDATE "agent_action" AS original
SET "rollback_action_id" = NULL
FROM "agent_action" AS undo
WHERE undo."id" = original."rollback_action_id"
  AND undo."status" IN ('failed', 'cancelled', 'rejected');
