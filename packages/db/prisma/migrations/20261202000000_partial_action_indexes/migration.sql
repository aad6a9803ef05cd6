-- Every status change of an action is a non-HOT update (status is indexed), so each new row version
-- is inserted into every index of agent_action whose predicate it meets. Indexes that only ever
-- serve a few rows (actions still in flight, pending actions with deadlines, the rare action that
-- depends on another, comes from a template, a grant or a person) now cover only those rows, so each
-- row version of an agent's action goes into 11 or 12 indexes instead of all 19.

-- The actions still to run on a target: the claim's "nothing earlier on this target" check and the
-- wake-up of the next one read it. With the plain (tenant_id, target_id, id) index they walked the
-- target's whole history, or every approved action of the tenant.
CREATE INDEX "agent_action_in_flight_target_idx" ON "agent_action"("tenant_id", "target_id", "id") WHERE (status = ANY (ARRAY['approved'::"ActionStatus", 'executing'::"ActionStatus"]));

-- The reconciler scans the in-flight index above. Left in place, this index of every tenant's
-- actions by status also drew the planner away from it for the wake-up, which then walked every
-- approved action of the tenant.
DROP INDEX "agent_action_status_id_idx";

-- The deadline sweeps only look at pending actions.
DROP INDEX "agent_action_expires_at_idx";
CREATE INDEX "agent_action_expires_at_idx" ON "agent_action"("expires_at") WHERE (status = 'pending'::"ActionStatus");
DROP INDEX "agent_action_remind_at_idx";
CREATE INDEX "agent_action_remind_at_idx" ON "agent_action"("remind_at") WHERE (status = 'pending'::"ActionStatus");
DROP INDEX "agent_action_escalate_at_idx";
CREATE INDEX "agent_action_escalate_at_idx" ON "agent_action"("escalate_at") WHERE (status = 'pending'::"ActionStatus");

-- Foreign keys and filters on columns that are null for most actions.
DROP INDEX "agent_action_depends_on_id_idx";
CREATE INDEX "agent_action_depends_on_id_idx" ON "agent_action"("depends_on_id") WHERE (depends_on_id IS NOT NULL);
DROP INDEX "agent_action_template_id_idx";
CREATE INDEX "agent_action_template_id_idx" ON "agent_action"("template_id") WHERE (template_id IS NOT NULL);
DROP INDEX "agent_action_auto_approval_grant_id_idx";
CREATE INDEX "agent_action_auto_approval_grant_id_idx" ON "agent_action"("auto_approval_grant_id") WHERE (auto_approval_grant_id IS NOT NULL);
DROP INDEX "agent_action_tenant_id_user_id_idx";
CREATE INDEX "agent_action_tenant_id_user_id_idx" ON "agent_action"("tenant_id", "user_id") WHERE (user_id IS NOT NULL);

-- A batch's actions, read for its Slack card after each decision on one of them (no index before:
-- the card of a 100-action batch walked all the tenant's actions).
CREATE INDEX "agent_action_batch_id_idx" ON "agent_action"("batch_id") WHERE (batch_id IS NOT NULL);

-- An event's tenant is its action's (the events of an action are written from its row), and
-- deleting a tenant deletes its actions and so their events: a key from event to tenant only cost
-- a lookup and a shared lock on the tenant's row for every event written, which all of a tenant's
-- concurrent transactions took on the same row.
ALTER TABLE "action_event" DROP CONSTRAINT "action_event_tenant_id_fkey";

-- The sealer's queue of unsealed events: sealing an event takes it out instead of adding an entry.
DROP INDEX "action_event_chain_seq_id_idx";
CREATE INDEX "action_event_unsealed_idx" ON "action_event"("id") WHERE (chain_seq IS NULL);
