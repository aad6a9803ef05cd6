-- Tamper evidence: each event of a tenant carries the hash of the one before it, assigned by the
-- audit sealer (packages/core/src/audit) within about a second of the insert, not in the insert itself,
-- so inserts never wait on a per-tenant lock.
ALTER TABLE "action_event" ADD COLUMN "chain_seq" BIGINT,
ADD COLUMN "prev_hash" TEXT,
ADD COLUMN "hash" TEXT;

CREATE UNIQUE INDEX "action_event_tenant_id_chain_seq_key" ON "action_event"("tenant_id", "chain_seq");

CREATE INDEX "action_event_chain_seq_id_idx" ON "action_event"("chain_seq", "id");

-- Append-only: the audit trail refuses UPDATE and DELETE. Two exceptions:
-- * the sealer's single UPDATE that fills chain_seq, prev_hash and hash while they are still empty
--   and changes nothing else;
-- * a DELETE when the event's tenant is gone, i.e. the cascade of deleting a tenant with all its data.
CREATE FUNCTION "action_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "tenant" WHERE "id" = OLD."tenant_id") THEN
      RAISE EXCEPTION 'action_event is append-only: event % cannot be deleted', OLD."id"
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD."hash" IS NULL AND OLD."prev_hash" IS NULL AND OLD."chain_seq" IS NULL
     AND NEW."hash" IS NOT NULL AND NEW."prev_hash" IS NOT NULL AND NEW."chain_seq" IS NOT NULL
     AND (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'action_event is append-only: event % cannot be updated', OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "action_event_append_only"
BEFORE UPDATE OR DELETE ON "action_event"
FOR EACH ROW EXECUTE FUNCTION "action_event_append_only"();

-- TRUNCATE skips row triggers; refuse it too.
CREATE FUNCTION "action_event_no_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'action_event is append-only: it cannot be truncated'
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "action_event_no_truncate"
BEFORE TRUNCATE ON "action_event"
FOR EACH STATEMENT EXECUTE FUNCTION "action_event_no_truncate"();
