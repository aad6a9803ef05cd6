-- The console counts on every page and every few seconds (packages/core/src/bounded-count.ts): each
-- count stops at a cap and reads only the index entries it counts. A tenant's actions per status use
-- agent_action's (tenant_id, status, id) index; these two cover what it cannot.

-- A person's unread in-app notifications (the bell): only unread rows enter it, so a count never
-- walks past everything already read. The channel is a column, not part of the predicate, because the
-- query passes it as a parameter, which a generic plan cannot match against a predicate.
CREATE INDEX "notification_unread_idx" ON "notification"("user_id", "channel", "id") WHERE (read_at IS NULL);

-- A tenant's latest failures (the queue page): ten entries read newest first, where sorting by
-- updated_at read every failed action the tenant ever had.
CREATE INDEX "agent_action_recent_failures_idx" ON "agent_action"("tenant_id", "updated_at", "id") WHERE (status = 'failed'::"ActionStatus");
