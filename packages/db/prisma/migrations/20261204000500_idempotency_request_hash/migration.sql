-- A retried proposal is compared with the request as it was first sent (sha256 of its canonical
-- form), not with the row as it is now: execution and approvals with edits change the row.
-- Rows stored before this migration have none and are compared as before (see propose-action.ts).
ALTER TABLE "agent_action" ADD COLUMN "request_hash" TEXT;
