-- What PostgreSQL writes per executed action (issue #16). An action is one insert and two non-HOT
-- updates of agent_action (status is indexed), each row version going into every index whose
-- predicate it meets, and about four events, each inserted and then sealed by a non-HOT update.
-- Measured with pg_walinspect over 600 to 1,000 auto-approved actions of the benchmark's mixed
-- workload (full-page images left out): 102 WAL records and 10.4 KiB per action before this
-- migration, 74 records and 8.2 KiB after it. History at 1,000,000 rows keeps its plans.

-- Unique indexes on columns that are null for almost every row held an entry for each null: three
-- entries per action each, which no query reads (a null is never a duplicate, nor looked up).
-- Uniqueness among the non-null values is unchanged, and the lookups (= a value) use the partial
-- index as they used the full one.
DROP INDEX "agent_action_rollback_action_id_key";
CREATE UNIQUE INDEX "agent_action_rollback_action_id_key" ON "agent_action"("rollback_action_id") WHERE (rollback_action_id IS NOT NULL);
DROP INDEX "agent_action_tenant_id_idempotency_key_key";
CREATE UNIQUE INDEX "agent_action_tenant_id_idempotency_key_key" ON "agent_action"("tenant_id", "idempotency_key") WHERE (idempotency_key IS NOT NULL);
DROP INDEX "agent_action_live_undo_key";
CREATE UNIQUE INDEX "agent_action_live_undo_key" ON "agent_action"("rollback_of_id") WHERE ((rollback_of_id IS NOT NULL) AND (status <> ALL (ARRAY['failed'::"ActionStatus", 'cancelled'::"ActionStatus", 'rejected'::"ActionStatus"])));

-- The target filters (history, the checks of later actions on an item) always name a target type or
-- id, so the actions without one (notify; a create until it has run) need no entry.
DROP INDEX "agent_action_tenant_id_target_type_target_id_id_idx";
CREATE INDEX "agent_action_tenant_id_target_type_target_id_id_idx" ON "agent_action"("tenant_id", "target_type", "target_id", "id") WHERE (target_type IS NOT NULL);
DROP INDEX "agent_action_tenant_id_target_id_id_idx";
CREATE INDEX "agent_action_tenant_id_target_id_id_idx" ON "agent_action"("tenant_id", "target_id", "id") WHERE (target_id IS NOT NULL);

-- An event's place in its tenant's chain is unique once it is sealed; the unsealed events (null) are
-- found by action_event_unsealed_idx, so their entries here only cost a write per event.
DROP INDEX "action_event_tenant_id_chain_seq_key";
CREATE UNIQUE INDEX "action_event_tenant_id_chain_seq_key" ON "action_event"("tenant_id", "chain_seq") WHERE (chain_seq IS NOT NULL);

-- No query reads a tenant's events by id: the timeline and the Slack card read an action's
-- (action_id, id), the sealer and verify-audit a tenant's chain (tenant_id, chain_seq). The index
-- cost two entries per event (its insert and its sealing).
DROP INDEX "action_event_tenant_id_id_idx";

-- A BEFORE UPDATE row trigger makes PostgreSQL lock each row before updating it, a WAL record of its
-- own: 7.1 lock records per action on action_event before, 3.4 after. The same check after the
-- update refuses the same changes (its exception undoes the statement) without that lock. Same
-- trigger name, so a superuser still switches the guard off and on with one ALTER TABLE.
DROP TRIGGER "action_event_append_only" ON "action_event";
CREATE TRIGGER "action_event_append_only"
AFTER UPDATE OR DELETE ON "action_event"
FOR EACH ROW EXECUTE FUNCTION "action_event_append_only"();
